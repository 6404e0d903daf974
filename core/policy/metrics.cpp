#include "metrics.h"

namespace frontier::policy {

std::vector<std::pair<std::string, double>> Metrics::named() const
{
    std::vector<std::pair<std::string, double>> out = {
        {"accuracy", accuracy},
        {"fidelity", fidelity},
        {"escalated", escalated},
        {"offloaded", offloaded},
        {"energy_pj", energy_pj},
        {"energy_p95_pj", energyP95_pj},
        {"device_energy_pj", deviceEnergy_pj},
        {"device_energy_p95_pj", deviceEnergyP95_pj},
        {"latency_us", latency_us},
        {"latency_p95_us", latencyP95_us},
        {"memory_bytes", double(memory_bytes)},
        {"energy_saving", energySaving},
        {"device_energy_saving", deviceEnergySaving},
        {"latency_saving", latencySaving},
    };
    for (size_t s = 1; s < reached.size(); ++s)
        out.emplace_back("reached_" + std::to_string(s), reached[s]);
    return out;
}

} // namespace frontier::policy
