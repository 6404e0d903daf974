// The shape-only op handlers of GraphConverter: views (Flatten, Reshape, Squeeze,
// Unsqueeze), aliases (Identity, Dropout) and constants with the shape arithmetic of
// exporters (Constant, Shape, Gather, Concat, Cast). The op mapping is listed in
// onnxops.cpp.

#include "onnxconverter.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace frontier::model::onnximport {

void GraphConverter::convertFlatten(const Node &n)
{
    n.attrs.allowOnly({"axis"});
    const Value x = dynamicInput(n, 0);
    const int64_t rank = int64_t(x.shape.size()) + 1;
    const int64_t given = n.attrs.getInt("axis", 1);
    const int64_t axis = given == rank ? rank : normalizeAxis(given, rank);
    // [N, d1, ...] -> [N·d1···d(axis-1), rest]: keeps the batch only when those d are 1.
    int64_t before = 1;
    for (int64_t a = 1; a < axis; ++a)
        before *= x.shape[size_t(a - 1)];
    if (axis < 1 || before != 1)
        n.fail("axis=" + std::to_string(given) + " merges the batch axis of " + batchShape(x.shape)
               + " with others; not supported");
    defineView(n, x, {int(numel(x.shape))});
}

void GraphConverter::convertReshape(const Node &n)
{
    n.attrs.allowOnly({"allowzero"});
    const Value x = dynamicInput(n, 0);
    const ConstTensor &t = constInput(n, 1, "shape");
    const std::string given = [&] {
        std::string s = "[";
        for (size_t i = 0; i < t.values.size(); ++i)
            s += (i ? ", " : "")
                 + (std::isnan(t.values[i]) ? std::string("N")
                                            : std::to_string(saturatedInt(t.values[i])));
        return s + "]";
    }();
    const std::string context = "shape " + given + " for an input of " + batchShape(x.shape);
    if (t.dims.size() != 1 || t.values.empty() || !t.integer)
        n.fail("shape must be a non-empty 1-D integer tensor; it is " + dimsToString(t.dims));
    const bool allowZero = n.attrs.getInt("allowzero", 0) != 0;
    const double first = t.values[0];
    const bool batchKept = std::isnan(first) || (first == 0 && !allowZero)
                           || (m_staticBatch && first == double(m_batch));
    const bool batchInferred = first == -1;
    if (!batchKept && !batchInferred)
        n.fail(context + ": the first value must keep the batch axis (0, -1 or the batch size)");
    Shape target;
    int inferAt = -1;
    for (size_t j = 1; j < t.values.size(); ++j) {
        const double v = t.values[j];
        if (std::isnan(v))
            n.fail(context + ": the batch size appears in axis " + std::to_string(j));
        if (v == 0 && !allowZero) {
            if (j > x.shape.size())
                n.fail(context + ": 0 in axis " + std::to_string(j) + " copies no input axis");
            target.push_back(x.shape[j - 1]);
        } else if (v == -1) {
            if (batchInferred || inferAt >= 0)
                n.fail(context + ": more than one -1");
            inferAt = int(target.size());
            target.push_back(1);
        } else if (v < 1 || v > double(1 << 30)) {
            n.fail(context + ": value " + std::to_string(saturatedInt(v)) + " is not supported");
        } else {
            target.push_back(int(v));
        }
    }
    if (target.empty())
        n.fail(context + ": leaves samples without axes; not supported");
    const int64_t total = numel(x.shape);
    if (inferAt >= 0) {
        const int64_t known = numel(target);
        if (total % known != 0)
            n.fail("shape does not compute: " + context);
        target[size_t(inferAt)] = int(total / known);
    }
    if (numel(target) != total)
        n.fail("shape does not compute: " + context
               + (batchInferred ? " (it would change the batch size)" : ""));
    defineView(n, x, target);
}

void GraphConverter::convertSqueeze(const Node &n)
{
    n.attrs.allowOnly({"axes"});
    std::vector<int64_t> axes = axesInput(n, "axes", 1);
    if (isConst(n.input(0))) {
        ConstTensor t = m_consts.at(n.input(0));
        std::vector<int64_t> dims;
        for (size_t a = 0; a < t.dims.size(); ++a) {
            const bool listed
                = std::find(axes.begin(), axes.end(), int64_t(a)) != axes.end()
                  || std::find(axes.begin(), axes.end(), int64_t(a) - int64_t(t.dims.size()))
                         != axes.end();
            if (!(axes.empty() ? t.dims[a] == 1 : listed))
                dims.push_back(t.dims[a]);
        }
        t.dims = dims;
        defineConst(n, 0, std::move(t));
        return;
    }
    const Value x = dynamicInput(n, 0);
    const int64_t rank = int64_t(x.shape.size()) + 1;
    std::set<int64_t> drop;
    for (int64_t given : axes) {
        const int64_t a = normalizeAxis(given, rank);
        if (a < 0)
            n.fail("axis " + std::to_string(given) + " is out of range for " + batchShape(x.shape));
        if (a == 0)
            n.fail("cannot squeeze the batch axis");
        if (x.shape[size_t(a - 1)] != 1)
            n.fail("axis " + std::to_string(given) + " of " + batchShape(x.shape)
                   + " is not of size 1");
        drop.insert(a);
    }
    Shape target;
    for (int64_t a = 1; a < rank; ++a) {
        const int d = x.shape[size_t(a - 1)];
        if (axes.empty() ? d != 1 : !drop.count(a))
            target.push_back(d);
    }
    if (target.empty())
        n.fail("squeezing " + batchShape(x.shape) + " leaves samples without axes; not supported");
    defineView(n, x, target);
}

void GraphConverter::convertUnsqueeze(const Node &n)
{
    n.attrs.allowOnly({"axes"});
    const std::vector<int64_t> axes = axesInput(n, "axes", 1);
    if (axes.empty())
        n.fail("axes are missing");
    const bool constant = isConst(n.input(0));
    const std::vector<int64_t> inDims = [&] {
        if (constant)
            return m_consts.at(n.input(0)).dims;
        const Value x = dynamicInput(n, 0);
        std::vector<int64_t> dims = {-1}; // the batch axis
        dims.insert(dims.end(), x.shape.begin(), x.shape.end());
        return dims;
    }();
    const int64_t rank = int64_t(inDims.size() + axes.size());
    std::set<int64_t> insert;
    for (int64_t given : axes) {
        const int64_t a = normalizeAxis(given, rank);
        if (a < 0 || !insert.insert(a).second)
            n.fail("axes " + dimsToString(axes) + " are out of range or repeated");
        if (a == 0 && !constant)
            n.fail("cannot insert an axis before the batch axis");
    }
    std::vector<int64_t> dims;
    size_t next = 0;
    for (int64_t a = 0; a < rank; ++a)
        dims.push_back(insert.count(a) ? 1 : inDims[next++]);
    if (constant) {
        ConstTensor t = m_consts.at(n.input(0));
        t.dims = dims;
        defineConst(n, 0, std::move(t));
        return;
    }
    defineView(n, dynamicInput(n, 0), Shape(dims.begin() + 1, dims.end()));
}

void GraphConverter::convertIdentity(const Node &n)
{
    if (n.op() == "Dropout") {
        n.attrs.allowOnly({"ratio", "is_test", "seed", "consumed_inputs"});
        requireUnusedOutputsFrom(n, 1, "the mask");
        if (n.hasInput(2)) {
            if (!isConst(n.input(2)))
                n.fail("a training_mode that depends on the data is not supported");
            const ConstTensor &mode = m_consts.at(n.input(2));
            if (mode.numel() != 1 || mode.values[0] != 0)
                n.fail("training_mode=1 is not supported (inference only)");
        }
    } else {
        n.attrs.allowOnly({});
    }
    if (isConst(n.input(0))) {
        defineConst(n, 0, m_consts.at(n.input(0)));
        return;
    }
    defineValue(n, 0, dynamicInput(n, 0), true);
}

void GraphConverter::convertConstant(const Node &n)
{
    n.attrs.allowOnly({"value", "value_float", "value_floats", "value_int", "value_ints"});
    if (n.proto->attribute_size() != 1)
        n.fail("needs exactly one value attribute");
    const onnx::AttributeProto &a = n.proto->attribute(0);
    ConstTensor t;
    if (a.name() == "value") {
        t = readTensor(a.t(), n.where);
    } else if (a.name() == "value_float") {
        t.values = {double(n.attrs.getFloat("value_float", 0.0f))};
    } else if (a.name() == "value_int") {
        t.values = {double(n.attrs.getInt("value_int", 0))};
        t.integer = true;
    } else if (a.name() == "value_floats") {
        if (a.type() != onnx::AttributeProto::FLOATS)
            n.fail("attribute 'value_floats' has the wrong type");
        t.values.assign(a.floats().begin(), a.floats().end());
        t.dims = {int64_t(t.values.size())};
    } else {
        const std::vector<int64_t> ints = n.attrs.getInts("value_ints");
        t.values.assign(ints.begin(), ints.end());
        t.dims = {int64_t(t.values.size())};
        t.integer = true;
    }
    defineConst(n, 0, std::move(t));
}

void GraphConverter::convertShape(const Node &n)
{
    n.attrs.allowOnly({"start", "end"});
    std::vector<double> dims;
    if (isConst(n.input(0))) {
        for (int64_t d : m_consts.at(n.input(0)).dims)
            dims.push_back(double(d));
    } else {
        const Value x = dynamicInput(n, 0);
        dims.push_back(std::nan("")); // the batch size
        dims.insert(dims.end(), x.shape.begin(), x.shape.end());
    }
    const int64_t rank = int64_t(dims.size());
    auto clampAxis = [&](int64_t a) {
        return std::clamp(a < 0 ? a + rank : a, int64_t(0), rank);
    };
    const int64_t start = clampAxis(n.attrs.getInt("start", 0));
    const int64_t end = clampAxis(n.attrs.getInt("end", rank));
    ConstTensor t;
    t.integer = true;
    for (int64_t a = start; a < end; ++a)
        t.values.push_back(dims[size_t(a)]);
    t.dims = {int64_t(t.values.size())};
    defineConst(n, 0, std::move(t));
}

void GraphConverter::convertGather(const Node &n)
{
    n.attrs.allowOnly({"axis"});
    if (!isConst(n.input(0)) || !isConst(n.input(1)))
        n.fail("only supported on constants (shape arithmetic), not on data");
    const ConstTensor &data = m_consts.at(n.input(0));
    const ConstTensor &indices = m_consts.at(n.input(1));
    if (!indices.integer)
        n.fail("indices must be an integer tensor");
    if (data.dims.size() != 1 || normalizeAxis(n.attrs.getInt("axis", 0), 1) != 0)
        n.fail("only 1-D constant data is supported (shape arithmetic)");
    ConstTensor t;
    t.integer = data.integer;
    t.dims = indices.dims;
    const int64_t size = data.dims[0];
    for (double v : indices.values) {
        int64_t i = saturatedInt(v);
        if (i < 0)
            i += size;
        if (i < 0 || i >= size)
            n.fail("index " + std::to_string(saturatedInt(v)) + " is out of range");
        t.values.push_back(data.values[size_t(i)]);
    }
    defineConst(n, 0, std::move(t));
}

void GraphConverter::convertConcat(const Node &n)
{
    n.attrs.allowOnly({"axis"});
    ConstTensor t;
    t.integer = true;
    for (int i = 0; i < n.proto->input_size(); ++i) {
        if (!isConst(n.input(i)))
            n.fail("only supported on constants (shape arithmetic), not on data");
        const ConstTensor &part = m_consts.at(n.input(i));
        if (part.dims.size() != 1)
            n.fail("only 1-D constants are supported (shape arithmetic)");
        t.values.insert(t.values.end(), part.values.begin(), part.values.end());
        t.integer = t.integer && part.integer;
    }
    t.dims = {int64_t(t.values.size())};
    defineConst(n, 0, std::move(t));
}

void GraphConverter::convertCast(const Node &n)
{
    n.attrs.allowOnly({"to", "saturate"});
    const int64_t to = n.attrs.getInt("to", 0);
    const bool toFloat = to == onnx::TensorProto::FLOAT || to == onnx::TensorProto::DOUBLE
                         || to == onnx::TensorProto::FLOAT16;
    if (!isConst(n.input(0))) {
        if (to != onnx::TensorProto::FLOAT)
            n.fail("casting data to another type than FLOAT is not supported");
        defineValue(n, 0, dynamicInput(n, 0), true);
        return;
    }
    ConstTensor t = m_consts.at(n.input(0));
    for (double &v : t.values) {
        if (!std::isnan(v))
            v = toFloat                         ? double(float(v))
                : to == onnx::TensorProto::BOOL ? double(v != 0)
                                                : std::trunc(v);
    }
    t.integer = !toFloat;
    defineConst(n, 0, std::move(t));
}

} // namespace frontier::model::onnximport
