#pragma once

#include "dataset.h"

#include "common/normalization.h"

#include <string>

namespace frontier::data {

// Fits a normalisation on (the train part of) a dataset. `mode`:
//   "none"         identity
//   "x/255", "x/16", "x/<d>"   global scale by 1/d (d > 0), no offset
//   "global"       (x - mean) / std over all values of `train`
//   "per-feature"  (x - mean_j) / std_j per feature j (pixel for images)
// Means and standard deviations (population) are computed in double; a standard
// deviation of zero (a constant feature) gets scale 1. Throws Error("normalization", ...)
// for an unknown mode or a fit on an empty set. Pure function; thread-safe.
Normalization fitNormalization(const Dataset &train, const std::string &mode);

// Applies `n` to every sample of `set` in place.
void applyNormalization(Dataset &set, const Normalization &n);

// A short human-readable name: "none", "x/255", "per-feature standardisation", ...
std::string describeNormalization(const std::string &mode);

// Throws Error("normalization", ...) unless `mode` is one fitNormalization accepts.
void checkNormalizationMode(const std::string &mode);

} // namespace frontier::data
