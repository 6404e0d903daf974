#pragma once

#include "platform.h"
#include "power.h"
#include "program.h"

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::intermittent {

// Where the energy of an inference went. J.
//   compute, dataMovement (fetches), preservation: of the attempts that committed
//   reexecution: every attempt that a power failure cut short (work lost and redone)
//   reboot: every boot, the first one included
struct EnergySplit
{
    double compute_J = 0;
    double dataMovement_J = 0;
    double preservation_J = 0;
    double reexecution_J = 0;
    double reboot_J = 0;

    double total_J() const
    {
        return compute_J + dataMovement_J + preservation_J + reexecution_J + reboot_J;
    }
};

// One point of the timeline: the capacitor voltage at time t and the progress made.
struct TimelinePoint
{
    enum class Event { Start, Boot, Commit, Failure, Charged, Recharge, End };
    double t_s = 0;
    double v_V = 0;
    int layer = -1;        // the layer of the current task (-1 before the first)
    int64_t tasksDone = 0; // committed tasks so far
    Event event = Event::Commit;
};
const char *eventName(TimelinePoint::Event event);

struct LayerOutcome
{
    std::string name;
    int64_t tasks = 0;
    int64_t failures = 0; // attempts of its tasks cut short
    double start_s = 0;   // first attempt of its first task
    double end_s = 0;     // commit of its last task
    double energy_J = 0;  // committed attempts (compute + data movement + preservation)
    double reexecution_J = 0;
};

struct SimOptions
{
    double start_s = 0;             // trace time at which the inference starts
    bool timeline = false;          // record the timeline (the GUI; costs memory)
    int64_t maxFailures = 10000000; // give up (non-terminating) after this many failures
    double deadline_s = 0;          // > 0: stop (terminates = false) once the latency exceeds it
};

// The outcome of one inference. When it does not terminate, latency_s and the times are
// those up to the moment the simulator saw it never would, and `reason` says why.
struct SimResult
{
    bool terminates = true;
    std::string reason;
    double latency_s = 0;    // end to end: active_s + recharge_s
    double active_s = 0;     // device on (boots included)
    double recharge_s = 0;   // device off, charging
    int64_t powerCycles = 0; // on-periods (failures + 1)
    int64_t reboots = 0;     // power failures
    int64_t tasks = 0;
    int64_t attempts = 0;       // task attempts, committed or not
    int64_t reexecutedMacs = 0; // MACs of attempts cut short
    int64_t tasksDone = 0;
    double harvested_J = 0; // energy that entered the capacitor
    double finalVoltage_V = 0;
    double maxTaskEnergy_J = 0; // the largest cold task (+ reboot): the atomicity bound
    EnergySplit energy;
    std::vector<LayerOutcome> layers;
    std::vector<TimelinePoint> timeline;

    double progress() const { return tasks ? double(tasksDone) / double(tasks) : 1.0; }
};

// Event-driven simulation of `program` on the device: starts at t = start_s with the
// capacitor at V_on and the device booting. Tasks run back to back while the capacitor
// holds above V_off; at V_off the device dies, the attempt in flight is lost, and it
// charges back to V_on (reboot, then the task again, cold). Exact within each
// constant-power piece (RC recharge: the iNAS formula; power harvester: linear energy
// balance per trace segment and phase), so no time step: deterministic and fast.
// Non-termination (a boot or a cold task that fails from a full capacitor while the
// harvested power no longer changes, or no power left to recharge) stops the simulation.
SimResult simulate(const Program &program, const Platform &platform, const Capacitor &capacitor,
                   const Harvester &harvester, const SimOptions &options = {});

} // namespace frontier::intermittent
