#pragma once

#include "formatspec.h"

#include "model/model.h"

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::numeric {

// Memory of one layer of a variant, per inference (batch of one).
struct LayerFootprint
{
    std::string layer;
    std::string type;
    std::string format;  // "" for layers without weights
    int64_t weights = 0; // weight values (a folded BatchNorm adds none)
    int64_t biases = 0;
    int64_t parameterBits = 0; // weights * weightBits + biases * biasBits (+ other params)
    int64_t outputElements = 0;
    int activationBits = 32; // bits per element of the layer's output as stored
    int64_t outputBits = 0;  // outputElements * activationBits
};

// What a variant keeps in memory: parameters, and the peak of live activations.
//
// Rules. Weights take the format's weightBits. Biases: int32 for integer and fixed point
// (the contract's int32 bias), the format's width for minifloats, 32 bits for sc (bias in
// binary) and fp32, 64 for fp64. Parameters of layers without weights (an unfoldable
// BatchNorm) stay float32; a folded BatchNorm costs nothing. A tensor is stored at the
// activation width of the weighted layer(s) that will read it next (the widest when
// several do), or, when no weighted layer reads it any more, at the width of the tensor it
// was computed from (weighted layers: their own format). The model input counts as a
// tensor. Peak activation bits = the largest sum of live tensors while a layer runs, in
// layer order, where a tensor lives from its layer until its last reader (heads read their
// layer at the end).
struct Footprint
{
    std::vector<LayerFootprint> layers;
    int64_t parameterBits = 0;
    int64_t peakActivationBits = 0;
    int64_t inputBits = 0;
};

// `layerFormats`: one per model layer (see FormatAssignment::resolve). Throws Error for a
// graph that does not validate.
Footprint computeFootprint(const model::Model &model, const std::vector<FormatSpec> &layerFormats);

} // namespace frontier::numeric
