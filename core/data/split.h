#pragma once

#include <cstdint>
#include <vector>

namespace frontier::data {

// Sample indices of the three parts of a dataset, each sorted ascending.
struct SplitIndices
{
    std::vector<int> train;
    std::vector<int> calibration;
    std::vector<int> test;
};

// Splits `indices` into a kept and a held-out part, stratified by `labels[index]` (labels
// are indexed by sample index, values >= 0; pass all zeros for unlabelled data).
// The held-out part has round(heldFraction * indices.size()) samples in all, shared among
// the classes by largest remainder of heldFraction * classCount (ties to the lower class),
// so class proportions are kept to within one sample per class. Which samples of a class
// are held out is a seeded shuffle (frontier::Random), so (indices, labels, fraction, seed)
// always gives the same result. Both outputs are sorted ascending and together hold
// exactly `indices`. heldFraction must be in [0, 1]; throws Error otherwise.
// Pure function; thread-safe.
void stratifiedSplit(const std::vector<int> &indices, const std::vector<int> &labels,
                     double heldFraction, uint64_t seed, std::vector<int> &kept,
                     std::vector<int> &held);

// Three-way split of samples 0..labels.size()-1: first `testFraction` of all samples is
// held out as test (stream split(0) of the seed), then `calibrationFraction` of the rest
// as calibration (stream split(1)); the remainder is train. Fractions in [0, 1).
SplitIndices stratifiedSplit3(const std::vector<int> &labels, double testFraction,
                              double calibrationFraction, uint64_t seed);

} // namespace frontier::data
