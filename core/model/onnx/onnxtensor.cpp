#include "onnxtensor.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

namespace frontier::model::onnximport {

namespace {

using DataType = onnx::TensorProto::DataType;

struct TypeInfo
{
    const char *name;
    int bytes; // in raw_data
    bool integer;
};

bool typeInfo(int type, TypeInfo &info)
{
    static const std::pair<int, TypeInfo> kTypes[] = {
        {onnx::TensorProto::FLOAT, {"float", 4, false}},
        {onnx::TensorProto::DOUBLE, {"double", 8, false}},
        {onnx::TensorProto::FLOAT16, {"float16", 2, false}},
        {onnx::TensorProto::INT8, {"int8", 1, true}},
        {onnx::TensorProto::UINT8, {"uint8", 1, true}},
        {onnx::TensorProto::INT16, {"int16", 2, true}},
        {onnx::TensorProto::UINT16, {"uint16", 2, true}},
        {onnx::TensorProto::INT32, {"int32", 4, true}},
        {onnx::TensorProto::UINT32, {"uint32", 4, true}},
        {onnx::TensorProto::INT64, {"int64", 8, true}},
        {onnx::TensorProto::BOOL, {"bool", 1, true}},
    };
    for (const auto &[t, i] : kTypes) {
        if (t == type) {
            info = i;
            return true;
        }
    }
    return false;
}

double halfToDouble(uint16_t h)
{
    const int sign = (h >> 15) & 1;
    const int exponent = (h >> 10) & 0x1f;
    const int mantissa = h & 0x3ff;
    double v;
    if (exponent == 0)
        v = std::ldexp(double(mantissa), -24);
    else if (exponent == 31)
        v = mantissa ? std::numeric_limits<double>::quiet_NaN()
                     : std::numeric_limits<double>::infinity();
    else
        v = std::ldexp(double(mantissa | 0x400), exponent - 25);
    return sign ? -v : v;
}

template<typename T>
T loadRaw(const char *p)
{
    T v;
    std::memcpy(&v, p, sizeof(T)); // little-endian, as ONNX stores it
    return v;
}

double rawValue(int type, const char *p)
{
    switch (type) {
    case onnx::TensorProto::FLOAT:
        return loadRaw<float>(p);
    case onnx::TensorProto::DOUBLE:
        return loadRaw<double>(p);
    case onnx::TensorProto::FLOAT16:
        return halfToDouble(loadRaw<uint16_t>(p));
    case onnx::TensorProto::INT8:
        return loadRaw<int8_t>(p);
    case onnx::TensorProto::UINT8:
        return loadRaw<uint8_t>(p);
    case onnx::TensorProto::INT16:
        return loadRaw<int16_t>(p);
    case onnx::TensorProto::UINT16:
        return loadRaw<uint16_t>(p);
    case onnx::TensorProto::INT32:
        return loadRaw<int32_t>(p);
    case onnx::TensorProto::UINT32:
        return loadRaw<uint32_t>(p);
    case onnx::TensorProto::INT64:
        return double(loadRaw<int64_t>(p));
    case onnx::TensorProto::BOOL:
        return loadRaw<uint8_t>(p) ? 1.0 : 0.0;
    default:
        return 0.0;
    }
}

const char *attributeTypeName(int type)
{
    switch (type) {
    case onnx::AttributeProto::FLOAT:
        return "FLOAT";
    case onnx::AttributeProto::INT:
        return "INT";
    case onnx::AttributeProto::STRING:
        return "STRING";
    case onnx::AttributeProto::TENSOR:
        return "TENSOR";
    case onnx::AttributeProto::GRAPH:
        return "GRAPH";
    case onnx::AttributeProto::FLOATS:
        return "FLOATS";
    case onnx::AttributeProto::INTS:
        return "INTS";
    case onnx::AttributeProto::STRINGS:
        return "STRINGS";
    case onnx::AttributeProto::TENSORS:
        return "TENSORS";
    case onnx::AttributeProto::GRAPHS:
        return "GRAPHS";
    case onnx::AttributeProto::SPARSE_TENSOR:
        return "SPARSE_TENSOR";
    case onnx::AttributeProto::SPARSE_TENSORS:
        return "SPARSE_TENSORS";
    case onnx::AttributeProto::TYPE_PROTO:
        return "TYPE_PROTO";
    case onnx::AttributeProto::TYPE_PROTOS:
        return "TYPE_PROTOS";
    default:
        return "UNDEFINED";
    }
}

} // namespace

int64_t ConstTensor::numel() const
{
    int64_t n = 1;
    for (int64_t d : dims)
        n *= d;
    return n;
}

std::vector<float> ConstTensor::toFloat() const
{
    return std::vector<float>(values.begin(), values.end());
}

ConstTensor readTensor(const onnx::TensorProto &tensor, const std::string &where)
{
    const std::string what = "tensor '" + tensor.name() + "'";
    if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
        throw Error(where, what + " keeps its data in an external file; not supported");
    if (tensor.has_segment())
        throw Error(where, what + " is segmented; not supported");
    TypeInfo info{};
    if (!typeInfo(tensor.data_type(), info)) {
        const std::string name
            = onnx::TensorProto::DataType_IsValid(tensor.data_type())
                  ? onnx::TensorProto::DataType_Name(DataType(tensor.data_type()))
                  : std::to_string(tensor.data_type());
        throw Error(where, what + " has element type " + name + "; not supported");
    }

    ConstTensor result;
    result.integer = info.integer;
    int64_t count = 1;
    for (int64_t d : tensor.dims()) {
        if (d < 0 || (d > 0 && count > (int64_t(1) << 40) / d))
            throw Error(where, what + " has invalid dims "
                                   + dimsToString({tensor.dims().begin(), tensor.dims().end()}));
        count *= d;
        result.dims.push_back(d);
    }
    // Sizes are checked before anything is allocated: the dims alone are not trusted.
    if (tensor.has_raw_data()) {
        const std::string &raw = tensor.raw_data();
        if (int64_t(raw.size()) != count * info.bytes)
            throw Error(where, what + " holds " + std::to_string(raw.size()) + " bytes; its "
                                   + info.name + " dims " + dimsToString(result.dims) + " need "
                                   + std::to_string(count * info.bytes));
        result.values.resize(size_t(count));
        for (int64_t i = 0; i < count; ++i)
            result.values[size_t(i)] = rawValue(tensor.data_type(), raw.data() + i * info.bytes);
        return result;
    }

    auto take = [&](int64_t stored) {
        if (stored != count)
            throw Error(where, what + " holds " + std::to_string(stored) + " values; its dims "
                                   + dimsToString(result.dims) + " need " + std::to_string(count));
        result.values.resize(size_t(count));
    };
    switch (tensor.data_type()) {
    case onnx::TensorProto::FLOAT:
        take(tensor.float_data_size());
        for (int64_t i = 0; i < count; ++i)
            result.values[size_t(i)] = tensor.float_data(int(i));
        break;
    case onnx::TensorProto::DOUBLE:
        take(tensor.double_data_size());
        for (int64_t i = 0; i < count; ++i)
            result.values[size_t(i)] = tensor.double_data(int(i));
        break;
    case onnx::TensorProto::INT64:
        take(tensor.int64_data_size());
        for (int64_t i = 0; i < count; ++i)
            result.values[size_t(i)] = double(tensor.int64_data(int(i)));
        break;
    case onnx::TensorProto::UINT32:
        take(tensor.uint64_data_size());
        for (int64_t i = 0; i < count; ++i)
            result.values[size_t(i)] = double(tensor.uint64_data(int(i)));
        break;
    case onnx::TensorProto::FLOAT16:
        take(tensor.int32_data_size());
        for (int64_t i = 0; i < count; ++i)
            result.values[size_t(i)] = halfToDouble(uint16_t(tensor.int32_data(int(i))));
        break;
    default: // int8/16/32, uint8/16, bool: int32_data
        take(tensor.int32_data_size());
        for (int64_t i = 0; i < count; ++i)
            result.values[size_t(i)] = tensor.int32_data(int(i));
        break;
    }
    return result;
}

int64_t saturatedInt(double v)
{
    constexpr double limit = 9007199254740992.0; // 2^53
    if (std::isnan(v))
        return 0;
    return int64_t(std::clamp(v, -limit, limit));
}

std::string dimsToString(const std::vector<int64_t> &dims)
{
    std::string s = "[";
    for (size_t i = 0; i < dims.size(); ++i)
        s += (i ? ", " : "") + std::to_string(dims[i]);
    return s + "]";
}

std::string intsToString(const std::vector<int> &values)
{
    return dimsToString(std::vector<int64_t>(values.begin(), values.end()));
}

std::string batchShape(const std::vector<int> &sampleShape)
{
    std::string text = "[N";
    for (int d : sampleShape)
        text += ", " + std::to_string(d);
    return text + "]";
}

int64_t normalizeAxis(int64_t axis, int64_t rank)
{
    if (axis < 0)
        axis += rank;
    return axis >= 0 && axis < rank ? axis : -1;
}

NodeAttributes::NodeAttributes(const onnx::NodeProto &node, std::string where)
    : m_node(node)
    , m_where(std::move(where))
{}

const onnx::AttributeProto *NodeAttributes::find(const std::string &name) const
{
    for (const onnx::AttributeProto &a : m_node.attribute()) {
        if (a.name() == name)
            return &a;
    }
    return nullptr;
}

bool NodeAttributes::has(const std::string &name) const
{
    return find(name) != nullptr;
}

const onnx::AttributeProto &NodeAttributes::typed(const std::string &name,
                                                  onnx::AttributeProto::AttributeType type) const
{
    const onnx::AttributeProto *a = find(name);
    if (!a->ref_attr_name().empty())
        throw Error(m_where, "attribute '" + name
                                 + "' refers to a function attribute; "
                                   "not supported");
    // Old exporters leave the type unset; accept when the expected field is filled.
    if (a->type() != type && a->type() != onnx::AttributeProto::UNDEFINED)
        throw Error(m_where, "attribute '" + name + "' has type " + attributeTypeName(a->type())
                                 + ", expected " + attributeTypeName(type));
    return *a;
}

int64_t NodeAttributes::getInt(const std::string &name, int64_t fallback) const
{
    if (!has(name))
        return fallback;
    return typed(name, onnx::AttributeProto::INT).i();
}

float NodeAttributes::getFloat(const std::string &name, float fallback) const
{
    if (!has(name))
        return fallback;
    return typed(name, onnx::AttributeProto::FLOAT).f();
}

std::string NodeAttributes::getString(const std::string &name, const std::string &fallback) const
{
    if (!has(name))
        return fallback;
    return typed(name, onnx::AttributeProto::STRING).s();
}

std::vector<int64_t> NodeAttributes::getInts(const std::string &name) const
{
    if (!has(name))
        return {};
    const onnx::AttributeProto &a = typed(name, onnx::AttributeProto::INTS);
    return {a.ints().begin(), a.ints().end()};
}

void NodeAttributes::allowOnly(std::initializer_list<const char *> known) const
{
    for (const onnx::AttributeProto &a : m_node.attribute()) {
        bool ok = false;
        for (const char *k : known)
            ok = ok || a.name() == k;
        if (!ok)
            throw Error(m_where, "attribute '" + a.name() + "' is not supported");
    }
}

} // namespace frontier::model::onnximport
