#pragma once

// Internal to the ONNX importer: constant tensors and node attributes read from libonnx's
// protobuf types, with one-line errors. Not part of the public API.

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace frontier::model::onnximport {

// A constant (initializer, Constant node or folded shape arithmetic) in row-major order.
// Values are held as double, which is exact for float32 and for integers below 2^53.
// In shape tensors derived from Shape of a dynamic input, NaN stands for the batch size.
struct ConstTensor
{
    std::vector<int64_t> dims;
    std::vector<double> values;
    bool integer = false; // the ONNX element type was an integer or bool type

    int64_t numel() const;
    std::vector<float> toFloat() const;
};

// Reads a TensorProto of type float, double, float16, int8/16/32/64, uint8/16/32 or bool,
// stored in raw_data or in the typed fields. Throws Error(where, ...) naming the tensor for
// other types, external data or a size that does not match the dims.
ConstTensor readTensor(const onnx::TensorProto &tensor, const std::string &where);

// A constant's value as an integer, saturated to ±2^53 (NaN gives 0): safe to convert
// whatever the file holds; callers range-check the result.
int64_t saturatedInt(double v);

// "[1, 2, 3]"
std::string dimsToString(const std::vector<int64_t> &dims);
std::string intsToString(const std::vector<int> &values);

// A per-sample shape with the batch axis in front, for messages: "[N, 3, 28, 28]".
std::string batchShape(const std::vector<int> &sampleShape);

// A possibly negative axis of a rank-r tensor made non-negative; -1 when out of range.
int64_t normalizeAxis(int64_t axis, int64_t rank);

// The attributes of one node, with typed accessors that throw Error(where, ...) naming the
// attribute when it has the wrong type or an unusable value.
class NodeAttributes
{
public:
    NodeAttributes(const onnx::NodeProto &node, std::string where);

    bool has(const std::string &name) const;
    int64_t getInt(const std::string &name, int64_t fallback) const;
    float getFloat(const std::string &name, float fallback) const;
    std::string getString(const std::string &name, const std::string &fallback) const;
    std::vector<int64_t> getInts(const std::string &name) const; // empty when absent
    const onnx::AttributeProto *find(const std::string &name) const;

    // Throws naming the first attribute not in `known` (valid ONNX we do not handle).
    void allowOnly(std::initializer_list<const char *> known) const;

private:
    const onnx::AttributeProto &typed(const std::string &name,
                                      onnx::AttributeProto::AttributeType type) const;

    const onnx::NodeProto &m_node;
    std::string m_where;
};

} // namespace frontier::model::onnximport
