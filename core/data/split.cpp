#include "split.h"

#include "common/error.h"
#include "common/random.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace frontier::data {

void stratifiedSplit(const std::vector<int> &indices, const std::vector<int> &labels,
                     double heldFraction, uint64_t seed, std::vector<int> &kept,
                     std::vector<int> &held)
{
    if (!(heldFraction >= 0.0 && heldFraction <= 1.0)) {
        throw Error("split", "fraction " + std::to_string(heldFraction) + " is outside [0, 1]");
    }
    int numClasses = 0;
    for (int i : indices) {
        if (i < 0 || size_t(i) >= labels.size() || labels[size_t(i)] < 0)
            throw Error("split",
                        "sample index or label out of range at index " + std::to_string(i));
        numClasses = std::max(numClasses, labels[size_t(i)] + 1);
    }
    std::vector<std::vector<int>> byClass(static_cast<size_t>(numClasses));
    for (int i : indices)
        byClass[size_t(labels[size_t(i)])].push_back(i);

    // Largest-remainder allocation of the held-out total among the classes.
    const int total = int(std::floor(heldFraction * double(indices.size()) + 0.5));
    std::vector<int> quota(static_cast<size_t>(numClasses));
    std::vector<std::pair<double, int>> remainders;
    int assigned = 0;
    for (int c = 0; c < numClasses; ++c) {
        const double ideal = heldFraction * double(byClass[size_t(c)].size());
        quota[size_t(c)] = int(std::floor(ideal));
        assigned += quota[size_t(c)];
        remainders.emplace_back(ideal - std::floor(ideal), c);
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto &a, const auto &b) { return a.first > b.first; });
    for (size_t k = 0; assigned < total && k < remainders.size(); ++k) {
        const int c = remainders[k].second;
        if (quota[size_t(c)] < int(byClass[size_t(c)].size())) {
            ++quota[size_t(c)];
            ++assigned;
        }
    }

    Random rng(seed);
    kept.clear();
    held.clear();
    for (int c = 0; c < numClasses; ++c) {
        std::vector<int> &members = byClass[size_t(c)];
        rng.shuffle(members);
        held.insert(held.end(), members.begin(), members.begin() + quota[size_t(c)]);
        kept.insert(kept.end(), members.begin() + quota[size_t(c)], members.end());
    }
    std::sort(kept.begin(), kept.end());
    std::sort(held.begin(), held.end());
}

SplitIndices stratifiedSplit3(const std::vector<int> &labels, double testFraction,
                              double calibrationFraction, uint64_t seed)
{
    if (!(testFraction >= 0.0 && testFraction < 1.0))
        throw Error("split",
                    "test fraction " + std::to_string(testFraction) + " is outside [0, 1)");
    if (!(calibrationFraction >= 0.0 && calibrationFraction < 1.0)) {
        throw Error("split", "calibration fraction " + std::to_string(calibrationFraction)
                                 + " is outside [0, 1)");
    }
    std::vector<int> all(labels.size());
    std::iota(all.begin(), all.end(), 0);
    const Random master(seed);
    SplitIndices parts;
    std::vector<int> rest;
    stratifiedSplit(all, labels, testFraction, master.split(0).next(), rest, parts.test);
    stratifiedSplit(rest, labels, calibrationFraction, master.split(1).next(), parts.train,
                    parts.calibration);
    return parts;
}

} // namespace frontier::data
