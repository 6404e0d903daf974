#pragma once

#include "tieroutputs.h"

#include <cstdint>
#include <vector>

namespace frontier::policy {

// HI's remote when no real remote model is given: an ideal model of a given accuracy.
// Exactly round(accuracy · n) samples, chosen by a seeded shuffle (frontier::Random, so
// the same on every platform), get their label; every other sample gets a uniformly drawn
// wrong class. Margins are 1 (a confident remote); no scores.
// classes >= 2, 0 <= accuracy <= 1, labels in [0, classes). Throws Error otherwise.
TierOutputs idealRemote(const std::vector<int> &labels, int classes, double accuracy,
                        uint64_t seed);

} // namespace frontier::policy
