#include "offload.h"

#include "presetlibrary.h"

#include "common/error.h"

#include <cmath>

namespace frontier::cost {

namespace {

constexpr double kPjPerMwUs = 1000.0; // 1 mW · 1 µs = 1000 pJ

double valueOr(const std::optional<Quantity> &q, double fallback = 0)
{
    return q ? q->value : fallback;
}

struct Transfer
{
    int64_t packets = 0;
    double bytesOnAir = 0;
    double time_us = 0;
    double gap_us = 0;
};

// B payload bytes in packets of at most maxPayload, each with `overhead` bytes, at
// `kbps`; a duty cycle d < 1 makes the radio wait airtime · (1/d − 1) after every
// packet but the last.
Transfer transfer(const LinkSpec &l, int64_t bytes, double kbps)
{
    Transfer t;
    const double maxPayload = valueOr(l.maxPayload_bytes, 0);
    t.packets
        = maxPayload > 0 ? std::max<int64_t>(1, int64_t(std::ceil(double(bytes) / maxPayload))) : 1;
    t.bytesOnAir = double(bytes) + double(t.packets) * valueOr(l.overhead_bytes);
    t.time_us = t.bytesOnAir * 8.0 / kbps * 1000.0; // kbit/s = bit/ms
    const double duty = valueOr(l.dutyCycle, 1.0);
    if (duty < 1.0 && t.packets > 1)
        t.gap_us = double(t.packets - 1) * (t.time_us / double(t.packets)) * (1.0 / duty - 1.0);
    return t;
}

} // namespace

OffloadModel::OffloadModel(Preset link, std::optional<Preset> server)
    : m_link(std::move(link))
    , m_server(std::move(server))
{
    if (!m_link.link)
        throw Error(m_link.where(),
                    "preset '" + m_link.name + "' is a " + m_link.type + " preset, not a link");
    if (m_server && !m_server->server)
        throw Error(m_server->where(), "preset '" + m_server->name + "' is a " + m_server->type
                                           + " preset, not a server");
}

OffloadModel OffloadModel::load(const std::string &link, const std::string &server)
{
    std::optional<Preset> s;
    if (!server.empty())
        s = loadPreset(server);
    return OffloadModel(loadPreset(link), std::move(s));
}

OffloadCost OffloadModel::cost(int64_t uplink_bytes, int64_t downlink_bytes,
                               double deviceIdle_mw) const
{
    if (uplink_bytes < 0 || downlink_bytes < 0)
        throw Error(m_link.where(), "negative payload");
    const LinkSpec &l = *m_link.link;
    const Transfer up = transfer(l, uplink_bytes, l.uplink_kbps.value);
    const Transfer down = transfer(l, downlink_bytes, l.downlink_kbps.value);

    OffloadCost c;
    c.uplinkPackets = up.packets;
    c.downlinkPackets = down.packets;
    c.setup_us = valueOr(l.setup_ms) * 1000.0;
    c.uplink_us = up.time_us;
    c.downlink_us = down.time_us;
    c.gap_us = up.gap_us + down.gap_us;
    c.rtt_us = l.rtt_ms.value * 1000.0;
    c.server_us = m_server ? m_server->server->latency_ms.value * 1000.0 : 0.0;
    c.latency_us = c.setup_us + c.uplink_us + c.rtt_us + c.server_us + c.downlink_us + c.gap_us;

    c.setupEnergy_pj = valueOr(l.setup_uj) * 1e6;
    c.txEnergy_pj = l.txNjPerByte ? up.bytesOnAir * l.txNjPerByte->value * 1000.0
                                  : l.tx_mw->value * c.uplink_us * kPjPerMwUs;
    c.rxEnergy_pj = l.rxNjPerByte ? down.bytesOnAir * l.rxNjPerByte->value * 1000.0
                                  : l.rx_mw->value * c.downlink_us * kPjPerMwUs;
    c.listenEnergy_pj = valueOr(l.listen_mw) * (c.rtt_us + c.server_us + c.gap_us) * kPjPerMwUs;
    c.idleEnergy_pj = deviceIdle_mw * c.latency_us * kPjPerMwUs;
    c.deviceEnergy_pj
        = c.setupEnergy_pj + c.txEnergy_pj + c.rxEnergy_pj + c.listenEnergy_pj + c.idleEnergy_pj;
    c.serverEnergy_pj = m_server ? valueOr(m_server->server->energy_mj) * 1e9 : 0.0;
    return c;
}

} // namespace frontier::cost
