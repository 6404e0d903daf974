#include "simulator.h"

#include "common/detmath.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

// The simulation is a loop over phases (boot, and fetch / compute / preserve of each task
// attempt). Each phase draws constant power; the harvester's power is constant within a
// trace segment; so within every piece the capacitor's energy is linear in time and the
// moment it reaches V_off is solved exactly. Recharging is solved in closed form (RC: the
// iNAS formula; power: energy over power, segment by segment).

namespace frontier::intermittent {

TaskCost &TaskCost::operator+=(const TaskCost &o)
{
    fetch_J += o.fetch_J;
    fetch_s += o.fetch_s;
    compute_J += o.compute_J;
    compute_s += o.compute_s;
    preserve_J += o.preserve_J;
    preserve_s += o.preserve_s;
    return *this;
}

const char *eventName(TimelinePoint::Event event)
{
    switch (event) {
    case TimelinePoint::Event::Start:
        return "start";
    case TimelinePoint::Event::Boot:
        return "boot";
    case TimelinePoint::Event::Commit:
        return "commit";
    case TimelinePoint::Event::Failure:
        return "failure";
    case TimelinePoint::Event::Charged:
        return "charged";
    case TimelinePoint::Event::Recharge:
        return "recharge";
    case TimelinePoint::Event::End:
        return "end";
    }
    return "?";
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string number(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

class Simulation
{
public:
    Simulation(const Platform &platform, const Capacitor &capacitor, const Harvester &harvester,
               const SimOptions &options, SimResult &result)
        : m_platform(platform)
        , m_cap(capacitor)
        , m_harvester(harvester)
        , m_options(options)
        , m_r(result)
        , m_eOn(capacitor.energyAt(capacitor.vOn_V))
        , m_eOff(capacitor.energyAt(capacitor.vOff_V))
        , m_eMax(capacitor.energyAt(std::max(capacitor.vMax_V, capacitor.vOn_V)))
        , m_power(harvester.kind == Harvester::Kind::Power)
    {}

    void run(const Program &program);

private:
    // Draws `energy_J` over `duration_s`; returns false at a power failure (t and the
    // energy then at the failure; `consumed` the energy drawn until then).
    bool phase(double energy_J, double duration_s, double &consumed);
    // Charges from the current energy to V_on with the device off; false when it never
    // gets there.
    bool recharge();
    void point(TimelinePoint::Event event)
    {
        if (m_options.timeline)
            m_r.timeline.push_back({m_t, m_cap.voltageAt(m_e), m_layer, m_r.tasksDone, event});
    }
    bool stable(double since) const { return m_harvester.constantFrom(since); }

    const Platform &m_platform;
    const Capacitor &m_cap;
    const Harvester &m_harvester;
    const SimOptions &m_options;
    SimResult &m_r;
    const double m_eOn, m_eOff, m_eMax;
    const bool m_power;
    double m_t = 0;
    double m_e = 0;
    int m_layer = -1;
};

bool Simulation::phase(double energy_J, double duration_s, double &consumed)
{
    consumed = 0;
    if (energy_J <= 0 && duration_s <= 0)
        return true;
    if (duration_s <= 0) { // instantaneous draw
        if (m_e - energy_J < m_eOff) {
            consumed = m_e - m_eOff;
            m_e = m_eOff;
            return false;
        }
        m_e -= energy_J;
        consumed = energy_J;
        return true;
    }
    const double load = energy_J / duration_s;
    double remaining = duration_s;
    while (remaining > 0) {
        double harvest = 0;
        double dt = remaining;
        if (m_power) {
            const size_t seg = m_harvester.segmentAt(m_t);
            harvest = m_harvester.power_W[seg];
            const double end = m_harvester.segmentEnd(seg);
            if (end - m_t < dt)
                dt = end - m_t;
            if (!(dt > 0)) // t sits on a boundary within rounding: move past it
                dt = std::min(remaining, std::max(end - m_t, 1e-15));
        }
        const double net = harvest - load;
        if (net < 0) {
            const double tf = (m_e - m_eOff) / -net;
            if (tf < dt) {
                m_t += tf;
                m_r.harvested_J += harvest * tf;
                consumed += load * tf;
                m_e = m_eOff;
                return false;
            }
            m_e += net * dt;
            m_r.harvested_J += harvest * dt;
        } else {
            const double before = m_e;
            m_e = std::min(m_eMax, m_e + net * dt);
            m_r.harvested_J += m_e - before + load * dt;
        }
        consumed += load * dt;
        m_t += dt;
        remaining -= dt;
    }
    return true;
}

bool Simulation::recharge()
{
    double dt = 0;
    if (m_power) {
        dt = gatherTime_s(m_harvester, m_t, m_eOn - m_e);
    } else {
        const double v0 = m_cap.voltageAt(m_e);
        dt = rechargeTime_s(m_cap, m_harvester, v0);
        if (m_options.timeline && std::isfinite(dt)) {
            const double rc = m_harvester.resistance_Ohm * m_cap.capacitance_F;
            for (int i = 1; i < 8; ++i) {
                const double ti = dt * i / 8;
                const double v
                    = m_harvester.supply_V - (m_harvester.supply_V - v0) * dmath::exp(-ti / rc);
                m_r.timeline.push_back(
                    {m_t + ti, v, m_layer, m_r.tasksDone, TimelinePoint::Event::Recharge});
            }
        }
    }
    if (!std::isfinite(dt))
        return false;
    if (m_power)
        m_r.harvested_J += m_eOn - m_e;
    m_t += dt;
    m_r.recharge_s += dt;
    m_e = m_eOn;
    point(TimelinePoint::Event::Charged);
    return true;
}

void Simulation::run(const Program &program)
{
    m_r = SimResult{};
    m_r.tasks = int64_t(program.tasks.size());
    m_r.layers.resize(program.layerNames.size());
    for (size_t i = 0; i < program.layerNames.size(); ++i)
        m_r.layers[i].name = program.layerNames[i];
    for (const Task &task : program.tasks) {
        m_r.maxTaskEnergy_J
            = std::max(m_r.maxTaskEnergy_J, task.cold.energy_J() + m_platform.reboot_J);
        if (task.layer >= 0 && size_t(task.layer) < m_r.layers.size())
            ++m_r.layers[size_t(task.layer)].tasks;
    }

    m_t = m_options.start_s;
    m_e = m_eOn;
    const double t0 = m_t;
    double onSince = m_t;
    point(TimelinePoint::Event::Start);

    auto stop = [&](const std::string &reason) {
        m_r.terminates = false;
        m_r.reason = reason;
    };
    // Powers the device down at a failure and back up at V_on. False: it never comes back.
    auto fail = [&]() {
        m_r.active_s += m_t - onSince;
        ++m_r.reboots;
        point(TimelinePoint::Event::Failure);
        if (m_r.reboots >= m_options.maxFailures) {
            stop("gave up after " + std::to_string(m_r.reboots) + " power failures");
            return false;
        }
        if (!recharge()) {
            stop("the harvester delivers no more power (from t = " + number(m_t) + " s)");
            return false;
        }
        return true;
    };

    std::vector<bool> started(m_r.layers.size(), false);
    size_t next = 0;
    bool warm = false;
    bool booted = false;
    double cycleStart = m_t; // when this power cycle began (the capacitor at V_on)
    ++m_r.powerCycles;
    while (true) {
        double consumed = 0;
        if (!booted) {
            const bool ok = phase(m_platform.reboot_J, m_platform.reboot_s, consumed);
            m_r.energy.reboot_J += consumed;
            if (!ok) {
                if (stable(cycleStart)) {
                    stop("the reboot alone (" + number(m_platform.reboot_J * 1e6)
                         + " uJ) exceeds what the capacitor holds");
                    break;
                }
                if (!fail())
                    break;
                cycleStart = m_t;
                onSince = m_t;
                ++m_r.powerCycles;
                continue;
            }
            booted = true;
            warm = false;
            point(TimelinePoint::Event::Boot);
        }
        if (next == program.tasks.size())
            break;
        const Task &task = program.tasks[next];
        const TaskCost &c = warm ? task.warm : task.cold;
        const bool firstInCycle = !warm;
        m_layer = task.layer;
        LayerOutcome *layer = task.layer >= 0 && size_t(task.layer) < m_r.layers.size()
                                  ? &m_r.layers[size_t(task.layer)]
                                  : nullptr;
        if (layer && !started[size_t(task.layer)]) {
            started[size_t(task.layer)] = true;
            layer->start_s = m_t - t0;
        }
        ++m_r.attempts;
        double spent = 0;
        bool ok = phase(c.fetch_J, c.fetch_s, consumed);
        spent += consumed;
        if (ok) {
            ok = phase(c.compute_J, c.compute_s, consumed);
            spent += consumed;
        }
        if (ok) {
            ok = phase(c.preserve_J, c.preserve_s, consumed);
            spent += consumed;
        }
        if (ok) {
            m_r.energy.dataMovement_J += c.fetch_J;
            m_r.energy.compute_J += c.compute_J;
            m_r.energy.preservation_J += c.preserve_J;
            if (layer) {
                layer->energy_J += c.energy_J();
                layer->end_s = m_t - t0;
            }
            ++m_r.tasksDone;
            ++next;
            if (m_options.deadline_s > 0 && m_t - t0 > m_options.deadline_s) {
                stop("past the deadline");
                break;
            }
            warm = true;
            point(TimelinePoint::Event::Commit);
            continue;
        }
        m_r.energy.reexecution_J += spent;
        m_r.reexecutedMacs += task.macs;
        if (layer) {
            ++layer->failures;
            layer->reexecution_J += spent;
        }
        if (firstInCycle && stable(cycleStart)) {
            std::ostringstream why;
            why << "task " << next << " of layer '" << (layer ? layer->name : std::string("?"))
                << "' needs " << task.cold.energy_J() * 1e3 << " mJ after a "
                << m_platform.reboot_J * 1e3 << " mJ reboot, more than one power cycle delivers ("
                << m_cap.cycleEnergy_J() * 1e3 << " mJ)";
            stop(why.str());
            break;
        }
        if (!fail())
            break;
        cycleStart = m_t;
        onSince = m_t;
        ++m_r.powerCycles;
        booted = false;
        if (m_options.deadline_s > 0 && m_t - t0 > m_options.deadline_s) {
            stop("past the deadline");
            break;
        }
    }
    if (m_r.terminates)
        m_r.active_s += m_t - onSince;
    else if (m_r.active_s + m_r.recharge_s < m_t - t0)
        m_r.active_s = m_t - t0 - m_r.recharge_s;
    m_r.latency_s = m_t - t0;
    m_r.finalVoltage_V = m_cap.voltageAt(m_e);
    point(TimelinePoint::Event::End);
}

} // namespace

SimResult simulate(const Program &program, const Platform &platform, const Capacitor &capacitor,
                   const Harvester &harvester, const SimOptions &options)
{
    SimResult result;
    Simulation(platform, capacitor, harvester, options, result).run(program);
    return result;
}

} // namespace frontier::intermittent
