#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace frontier::policy {

// What one policy configuration achieves on one split. Shares are in [0, 1]; energies
// are per inference (per sample) in pJ, latencies in µs, memory in bytes.
//
// Percentiles are nearest-rank: p95 is the value of the ceil(0.95 N)-th smallest sample.
// Savings are 1 - value / reference, where the reference is the cost of running the full
// model for every sample (Cascade::Reference); 0 when the reference is 0.
struct Metrics
{
    int64_t samples = 0;
    double accuracy = 0;  // final answer == label
    double fidelity = 0;  // final answer == the full model's prediction
    double escalated = 0; // not answered by the first stage
    double offloaded = 0; // reached a stage off the device (HI's remote)

    std::vector<double> reached;  // [stages] share that ran stage s; reached[0] = 1
    std::vector<double> answered; // [stages] share answered by stage s; sums to 1

    double energy_pj = 0; // device + remote, mean
    double energyP95_pj = 0;
    double deviceEnergy_pj = 0; // on the device only, mean
    double deviceEnergyP95_pj = 0;
    double latency_us = 0; // end to end, mean
    double latencyP95_us = 0;
    int64_t memory_bytes = 0; // resident on the device (all device stages)

    double energySaving = 0;
    double deviceEnergySaving = 0;
    double latencySaving = 0;

    // Every value under its plain name, for the project file and CSV: accuracy, fidelity,
    // escalated, offloaded, energy_pj, energy_p95_pj, device_energy_pj,
    // device_energy_p95_pj, latency_us, latency_p95_us, memory_bytes, energy_saving,
    // device_energy_saving, latency_saving, then reached_<s> for s = 1 .. stages - 1.
    std::vector<std::pair<std::string, double>> named() const;
};

} // namespace frontier::policy
