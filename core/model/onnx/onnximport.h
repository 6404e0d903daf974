#pragma once

#include "model/model.h"

#include <string>

namespace frontier::model {

// Imports an ONNX model (opsets 6–17 of the default domain; the subset small edge models
// use) into a Frontier layer graph, through libonnx's protobuf types and checker.
//
// The graph must have exactly one float32 input [batch, ...] whose first axis is the
// batch (dynamic: dim_param, 0, -1 or absent; or static), and exactly one output.
// Initializers also listed as graph inputs (old exporters) are not inputs. The result:
//   - inputShape: the input's dims without the batch axis; normalization none;
//   - layers in the node order, named after the ONNX nodes (fallback "<Op>_<index>",
//     made unique); constant arithmetic and Gemm/MatMul transposes are folded into
//     dense/conv2d weights; Identity and Dropout vanish; BatchNormalization stays a
//     batchnorm layer (the Engine folds it at inference);
//   - one head "final" on the layer computing the graph output; classNames "0".."K-1";
//   - metadata: source (path), source_format "onnx", producer_name, producer_version,
//     opset, ir_version, graph_name, output_name, scores ("probabilities" when the
//     output is computed by a Softmax, else "raw").
// Supported ops and their mapping are listed at the top of onnxops.cpp.
//
// Throws frontier::Error with a one-line message; nothing is written anywhere. File-level
// problems name the file ("<path>: not an ONNX model (malformed or truncated protobuf)",
// "<path>: the graph has 2 inputs ..."); node-level ones name the file, the node and its
// op ("<path>: node 'conv1' (Conv): dilations [2, 2] are not supported (only 1)").
// Thread-safe (no shared state besides libonnx's read-only schema registry).
Model importOnnx(const std::string &path);

// loadModel() for a native model file, importOnnx() for a path ending in ".onnx" (any
// case). Throws what they throw.
Model loadAnyModel(const std::string &path);

} // namespace frontier::model
