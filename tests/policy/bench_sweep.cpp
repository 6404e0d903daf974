// bench_sweep [samples] [taus] [repeats]: a τ sweep of two-tier ARI from cached outputs
// (DESIGN.md target: 1,000 thresholds over 10,000 samples in <= 5 ms). Not a test:
// timings depend on the machine. Prints the best and the median of the repeats.

#include "policy/policies.h"
#include "policy/thresholdsweep.h"

#include "common/random.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

using namespace frontier;
using namespace frontier::policy;

namespace {

TierOutputs randomTier(Random &r, const std::vector<int> &labels, int classes, double skill)
{
    std::vector<float> logits(labels.size() * size_t(classes));
    for (size_t i = 0; i < labels.size(); ++i) {
        for (int c = 0; c < classes; ++c) {
            logits[i * size_t(classes) + size_t(c)]
                = float(1.5 * r.normal() + (c == labels[i] ? skill : 0.0));
        }
    }
    return TierOutputs::fromLogits(logits, classes);
}

} // namespace

int main(int argc, char **argv)
{
    const int n = argc > 1 ? std::atoi(argv[1]) : 10000;
    const int count = argc > 2 ? std::atoi(argv[2]) : 1000;
    const int repeats = argc > 3 ? std::atoi(argv[3]) : 21;
    const int classes = 10;
    Random r(1);
    std::vector<int> labels(static_cast<size_t>(n));
    for (int &l : labels)
        l = int(r.below(classes));
    const Tier reduced{"int4", randomTier(r, labels, classes, 1.5), {120, 0, 4, 10000}};
    const Tier full{"fp32", randomTier(r, labels, classes, 3.0), {1000, 0, 30, 80000}};
    const Cascade cascade = ariPolicy({reduced, full}, {0.0}, labels);
    const std::vector<double> taus = tauGrid(0, 1, count);

    using Clock = std::chrono::steady_clock;
    std::vector<double> ms;
    double checksum = 0;
    for (int k = 0; k < repeats; ++k) {
        const Clock::time_point t0 = Clock::now();
        const std::vector<SweepPoint> curve = sweep(cascade, taus); // sort + every τ
        const Clock::time_point t1 = Clock::now();
        ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        checksum += curve[size_t(count) / 2].metrics.energy_pj;
    }
    std::sort(ms.begin(), ms.end());
    std::printf("sweep of %d thresholds over %d samples: best %.3f ms, median %.3f ms "
                "(%d runs; checksum %.3f)\n",
                count, n, ms.front(), ms[ms.size() / 2], repeats, checksum / repeats);
    return 0;
}
