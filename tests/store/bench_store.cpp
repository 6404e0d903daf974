// bench_store [trials] [metrics per trial] [path]: the storage benchmark of
// docs/bench-notes/store.md (not a test: timings depend on the machine).

#include "store/storebench.h"

#include "common/error.h"

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char **argv)
{
    const int trials = argc > 1 ? std::atoi(argv[1]) : 100000;
    const int metrics = argc > 2 ? std::atoi(argv[2]) : 14;
    const std::string path = argc > 3 ? argv[3] : "bench_store.frontier";
    try {
        const frontier::store::StoreBenchResult r
            = frontier::store::benchmarkTrialStore(path, trials, metrics);
        std::printf("stored %d trials x %d metrics in %.3f s (CPU %.3f s, %.0f trials/s); "
                    "read 2 metrics of all in %.3f s; checkpoint %.3f s; file %.1f MB\n",
                    r.trials, r.metricsPerTrial, r.insertSeconds, r.insertCpuSeconds,
                    r.trials / r.insertSeconds, r.readSeconds, r.checkpointSeconds,
                    double(r.fileBytes) / 1e6);
    } catch (const frontier::Error &e) {
        std::fprintf(stderr, "bench_store: %s\n", e.what());
        return 1;
    }
    return 0;
}
