#pragma once

#include "model.h"

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::model {

// The native model file (.fmodel), one file per model, little-endian throughout:
//
//   bytes  0..15  magic "FRONTIER-MODEL\n\0"
//   uint32        format version (kModelFormatVersion)
//   uint64        J: length of the JSON architecture in bytes
//   uint64        P: number of float32 values in the parameter blob
//   J bytes       JSON (UTF-8): name, input_shape, class_names, normalization
//                 {kind, offset, scale}, metadata {string: string}, layers [{name, type,
//                 inputs (layer indices, -1 = model input), attributes {key: [numbers]},
//                 params [{name, shape, offset, count, trainable}]}], heads [{name, layer
//                 (a layer name), loss_weight}], variants [{...}] (reduced-precision
//                 variants: one JSON object each, written and read by core/numeric,
//                 numeric/variantio.h). Param offset and count are in float32 elements of
//                 the blob.
//   P * 4 bytes   parameter blob, float32
//   uint32        CRC-32 (zlib) of every byte before it
//
// Files written by a newer Frontier (higher version) are refused, never misread.
constexpr uint32_t kModelFormatVersion = 1;

// Writes atomically (temporary file + rename): on any failure nothing is left at `path`
// and an existing file there is unchanged. Throws Error("<path>", reason), also for a
// model whose graph does not validate. This form writes no variants.
void saveModel(const Model &model, const std::string &path);

// A model with the variants stored beside it. Each variant is the compact text of one
// JSON object, opaque to core/model (core/numeric gives it meaning).
struct ModelFile
{
    Model model;
    std::vector<std::string> variants;
};

// The same, writing `variants` (each must be the text of a JSON object; Error otherwise).
void saveModel(const Model &model, const std::string &path,
               const std::vector<std::string> &variants);
// Reads the model and its variants (each checked to be a JSON object); loadModel()
// ignores the variants.
ModelFile loadModelFile(const std::string &path);

// Reads and fully validates a model file. Throws Error("<path>", reason) with a one-line
// reason: not a Frontier model file, newer format version, truncated, checksum mismatch,
// bad JSON, unknown layer type, parameter size mismatch, bad graph, bad heads.
Model loadModel(const std::string &path);

// The same, on bytes already in memory (`where` names them in errors).
std::vector<uint8_t> serializeModel(const Model &model);
Model deserializeModel(const std::vector<uint8_t> &bytes, const std::string &where);
std::vector<uint8_t> serializeModel(const Model &model, const std::vector<std::string> &variants);
ModelFile deserializeModelFile(const std::vector<uint8_t> &bytes, const std::string &where);

} // namespace frontier::model
