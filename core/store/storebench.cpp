#include "storebench.h"

#include "project.h"

#include "common/fileutil.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

namespace frontier::store {

StoreBenchResult benchmarkTrialStore(const std::string &path, int trials, int metricsPerTrial)
{
    for (const char *suffix : {"", "-wal", "-shm"}) {
        std::error_code ec;
        std::filesystem::remove(path + suffix, ec);
    }
    static const char *const names[] = {"accuracy",
                                        "fidelity",
                                        "escalated",
                                        "offloaded",
                                        "energy_pj",
                                        "energy_p95_pj",
                                        "device_energy_pj",
                                        "device_energy_p95_pj",
                                        "latency_us",
                                        "latency_p95_us",
                                        "memory_bytes",
                                        "energy_saving",
                                        "device_energy_saving",
                                        "latency_saving"};
    std::vector<FinishedTrial> batch(static_cast<size_t>(trials));
    for (int i = 0; i < trials; ++i) {
        char config[200];
        std::snprintf(config, sizeof config,
                      "{\"policy\":\"ari\",\"variants\":[\"int%d\",\"fp32\"],\"tau\":%.6f,"
                      "\"rule\":\"value\",\"device\":\"asic45\",\"split\":\"test\",\"seed\":%d}",
                      2 + i % 7, double(i % 1000) / 1000.0, i);
        FinishedTrial &f = batch[size_t(i)];
        f.trial.config = config;
        f.trial.hash = sha256Hex(f.trial.config.data(), f.trial.config.size());
        for (int m = 0; m < metricsPerTrial; ++m) {
            const std::string name = m < 14 ? names[m] : "extra_" + std::to_string(m);
            f.metrics.emplace_back(name, double(i) * 0.001 + m);
        }
    }

    StoreBenchResult r;
    r.trials = trials;
    r.metricsPerTrial = metricsPerTrial;
    Project project(path);
    const int64_t study = project.createStudy("bench", "{\"name\":\"bench\"}");
    using Clock = std::chrono::steady_clock;
    const std::clock_t c0 = std::clock();
    const Clock::time_point t0 = Clock::now();
    project.insertFinishedTrials(study, batch);
    const Clock::time_point t1 = Clock::now();
    r.insertCpuSeconds = double(std::clock() - c0) / CLOCKS_PER_SEC;
    const MetricTable table = project.metricTable(study, {"energy_pj", "accuracy"});
    const Clock::time_point t2 = Clock::now();
    r.insertSeconds = std::chrono::duration<double>(t1 - t0).count();
    r.readSeconds = std::chrono::duration<double>(t2 - t1).count();
    (void)table;
    project.database().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    r.checkpointSeconds = std::chrono::duration<double>(Clock::now() - t2).count();
    std::error_code ec;
    r.fileBytes = int64_t(std::filesystem::file_size(path, ec));
    return r;
}

} // namespace frontier::store
