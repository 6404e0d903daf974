#pragma once

#include "variant.h"

#include <string>
#include <vector>

namespace frontier::numeric {

// Variants in the model file's "variants" array (model/modelfile.h), one JSON object each:
//   {"name": "lenet@int8", "assignment": "int8",
//    "layers": [{"name": "conv1", "format": "int8",
//                "input_range": [min, max], "output_range": [min, max]}, ...],
//    "calibration": {"source": "...", "samples": 512},
//    "footprint": {"parameter_bits": ..., "peak_activation_bits": ..., "input_bits": ...,
//                  "layers": [{"layer", "type", "format", "weights", "biases",
//                              "parameter_bits", "output_elements", "activation_bits"}]}}
// input_range is present for layers with a calibration, output_range for last weighted
// layers with one. Ranges are float32 values written as JSON numbers (exact round trip).
//
// variantFromJson() validates everything (formats parse, ranges finite and ordered) and
// throws Error(where, "<one-line reason>"). Thread-safe (no shared state).
std::string variantToJson(const Variant &variant);
Variant variantFromJson(const std::string &json, const std::string &where);

// The variants stored in a model file.
std::vector<Variant> loadVariants(const std::string &modelPath);

// Adds `variant` to the model file at `modelPath`, replacing a stored variant of the same
// name; the file is rewritten atomically. Throws Error naming the file.
void storeVariant(const std::string &modelPath, const Variant &variant);

} // namespace frontier::numeric
