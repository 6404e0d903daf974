#pragma once

#include <string>
#include <vector>

namespace frontier::numeric {

// A closed interval of observed activation values.
struct Range
{
    float min = 0.0f;
    float max = 0.0f;
};

// What a variant remembers of its calibration for one weighted layer: the range of the
// layer's input and, for a last weighted layer (one whose output reaches a head without
// passing another weighted layer), of its output, both observed on the fp32 model (with
// BatchNorm folded) and already reduced by the format's calibration method. Stored in the
// model file, so evaluating a variant never needs the calibration data again.
// Integer formats use [min, max] (widened to include 0 when the parameters are made);
// stochastic computing uses max(|min|, |max|) of the input as its per-layer scale.
struct LayerCalibration
{
    std::string layer;
    Range input;
    bool hasOutput = false;
    Range output;
};

// Reduces observed values to a range by `method`:
//   minmax      [min, max]
//   percentile  [the 0.01th, the 99.99th percentile] (nearest rank on the sorted values)
//   mse         [a * min, a * max] for a in {1.00, 0.99, ..., 0.01} minimising the mean
//               squared error of fake-quantizing the values with `bits` (and `symmetric`)
//               activation parameters; the widest of equal minima
// `values` may be reordered. Empty input gives [0, 0]. Throws Error("calibration", ...)
// for a non-finite value or an unknown method. Thread-safe (no shared state).
Range chooseRange(std::vector<float> &values, const std::string &method, int bits, bool symmetric);

} // namespace frontier::numeric
