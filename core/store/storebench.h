#pragma once

#include <cstdint>
#include <string>

namespace frontier::store {

struct StoreBenchResult
{
    int trials = 0;
    int metricsPerTrial = 0;
    double insertSeconds = 0;     // all trials with their metrics, one transaction, committed
    double insertCpuSeconds = 0;  // this process's CPU time meanwhile (less load-dependent)
    double readSeconds = 0;       // metricTable of two metrics over every trial
    double checkpointSeconds = 0; // then moving the WAL into the file, with fsync
    int64_t fileBytes = 0;        // the project file after a checkpoint
};

// The storage benchmark (DESIGN.md target: 100,000 trials in <= 2 s): a fresh project
// at `path` (an existing file there and its -wal/-shm are deleted first), one study,
// then `trials` done trials, each with a ~120-byte JSON config, a 64-hex-digit hash and
// `metricsPerTrial` metrics, stored through Project::insertFinishedTrials (one
// transaction, prepared statements). The data is generated before the clock starts.
// Throws Error on any failure.
StoreBenchResult benchmarkTrialStore(const std::string &path, int trials = 100000,
                                     int metricsPerTrial = 14);

} // namespace frontier::store
