#pragma once

#include "model.h"

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::model {

// One row of a model's layer table, per sample (batch axis excluded). Counts come from
// Layer::stats(): params = stored values (trainable + running statistics), macs =
// multiply-accumulates, activations = output elements.
struct LayerRow
{
    std::string name;
    std::string type;
    std::vector<std::string> inputs; // names of the layers read ("input" = the model input)
    Shape outputShape;
    int64_t params = 0;
    int64_t paramBytes = 0; // params · 4 (float32)
    int64_t macs = 0;
    int64_t activations = 0;
    std::vector<std::string> heads; // names of the heads on this layer
};

// One row per layer, in model order. Throws Error when the graph does not validate.
std::vector<LayerRow> layerTable(const Model &model);

// The sum of params, paramBytes, macs and activations of `rows`, named "total" (type,
// inputs, shape and heads empty).
LayerRow layerTotals(const std::vector<LayerRow> &rows);

} // namespace frontier::model
