#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::intermittent {

// What the simulator runs: a sequence of atomic tasks. A task's work is committed to
// non-volatile memory only when its last phase (preservation) completes; a power failure
// anywhere inside it loses the whole attempt, which then runs again after the reboot.
// Energies in J, durations in s.

// One attempt of a task: fetch (DMA FRAM→SRAM of inputs, weights, partial sums and, after
// a reboot, the loop indices), compute (vector MACs and scalar operations), preserve
// (DMA SRAM→FRAM of outputs or partial sums and the loop indices). Each phase draws
// constant power energy/duration; a phase of zero duration must have zero energy.
struct TaskCost
{
    double fetch_J = 0, fetch_s = 0;
    double compute_J = 0, compute_s = 0;
    double preserve_J = 0, preserve_s = 0;

    double energy_J() const { return fetch_J + compute_J + preserve_J; }
    double duration_s() const { return fetch_s + compute_s + preserve_s; }
    TaskCost &operator+=(const TaskCost &o);
};

// `cold`: the task runs first after a reboot (volatile SRAM empty). `warm`: it directly
// follows the previous task in the same power cycle, so whatever that task left in SRAM
// (an input, weight or output tile) need not be fetched again. warm <= cold.
struct Task
{
    int layer = 0;
    TaskCost cold;
    TaskCost warm;
    int64_t macs = 0; // work of the task (for progress and re-executed work)
};

struct Program
{
    std::vector<Task> tasks;
    std::vector<std::string> layerNames; // Task::layer indexes this
};

} // namespace frontier::intermittent
