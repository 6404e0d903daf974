#pragma once

#include "preset.h"

#include <cstdint>
#include <optional>

namespace frontier::cost {

// The cost of offloading one input of uplink_bytes to a remote server over a link and
// receiving an answer of downlink_bytes. Times in µs, energies in pJ.
// latency_us = setup_us + uplink_us + rtt_us + server_us + downlink_us + gap_us.
// deviceEnergy_pj = setup + radio (tx, rx, listening while waiting) + device idle power
// over the whole latency. Formulas: docs/cost-model.md, "Offloading".
struct OffloadCost
{
    double setup_us = 0;
    double uplink_us = 0;
    double downlink_us = 0;
    double gap_us = 0; // duty-cycle waits between packets
    double rtt_us = 0;
    double server_us = 0;
    double latency_us = 0;
    double setupEnergy_pj = 0;
    double txEnergy_pj = 0;
    double rxEnergy_pj = 0;
    double listenEnergy_pj = 0; // radio while waiting (rtt, server, gaps)
    double idleEnergy_pj = 0;   // device idle power × latency
    double deviceEnergy_pj = 0; // the device's total
    double serverEnergy_pj = 0; // remote side (0 without a server energy figure)
    int64_t uplinkPackets = 0;
    int64_t downlinkPackets = 0;
};

// A link preset and optionally a server preset. Value type, thread-safe const use.
class OffloadModel
{
public:
    // Throws Error(where, ...) unless `link` is a link preset and `server` (when given) a
    // server preset.
    explicit OffloadModel(Preset link, std::optional<Preset> server = {});

    // Loads presets by name or path; an empty server name means none.
    static OffloadModel load(const std::string &link, const std::string &server = {});

    // deviceIdle_mw: the device's idle power while it waits (CostModel::idle_mw()).
    OffloadCost cost(int64_t uplink_bytes, int64_t downlink_bytes, double deviceIdle_mw) const;

    const Preset &link() const { return m_link; }
    const std::optional<Preset> &server() const { return m_server; }

private:
    Preset m_link;
    std::optional<Preset> m_server;
};

} // namespace frontier::cost
