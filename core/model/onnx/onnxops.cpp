// The op handlers of GraphConverter: one function per ONNX op (or family), each reading
// the node's inputs and attributes, checking what our layers can express, and adding
// layers, aliases or constants. Mapping (ONNX -> Frontier):
//
//   Gemm                  dense (alpha, beta and transB folded into weight and bias)
//   MatMul                dense with zero bias ([batch, K] x constant [K, N])
//   Add                   add (two tensors of one shape) or folded into the bias
//   Sub, Mul, Div         by a scalar or per-channel constant: folded into the producer
//   Conv                  conv2d (pads, auto_pad, strides, group; dilations 1)
//   BatchNormalization    batchnorm (inference; the Engine folds it after conv/dense)
//   Relu, LeakyRelu, Sigmoid, Tanh, Clip, Softmax     the layer of the same name
//   MaxPool, AveragePool  maxpool, avgpool (ceil_mode only where it changes nothing)
//   Pad                   zero padding of H and W read only by Conv/AveragePool: merged
//                         into their pads (PyTorch emits it for count_include_pad=True)
//   GlobalAveragePool     globalavgpool
//   Flatten, Reshape, Squeeze, Unsqueeze   flatten/reshape, or nothing when the producer
//                         already has the target shape
//   Identity, Dropout     nothing (aliases)
//   Constant, Shape, Gather, Concat, Cast  constants (shape arithmetic); Cast to float of
//                         data is an alias

#include "onnxconverter.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace frontier::model::onnximport {

namespace {

std::vector<double> toDoubles(const std::vector<int> &v)
{
    return {v.begin(), v.end()};
}

} // namespace

const std::map<std::string, GraphConverter::Handler> &GraphConverter::handlers()
{
    static const std::map<std::string, Handler> table = {
        {"Add", &GraphConverter::convertArithmetic},
        {"AveragePool", &GraphConverter::convertPool},
        {"BatchNormalization", &GraphConverter::convertBatchNorm},
        {"Cast", &GraphConverter::convertCast},
        {"Clip", &GraphConverter::convertClip},
        {"Concat", &GraphConverter::convertConcat},
        {"Constant", &GraphConverter::convertConstant},
        {"Conv", &GraphConverter::convertConv},
        {"Div", &GraphConverter::convertArithmetic},
        {"Dropout", &GraphConverter::convertIdentity},
        {"Flatten", &GraphConverter::convertFlatten},
        {"Gather", &GraphConverter::convertGather},
        {"Gemm", &GraphConverter::convertGemm},
        {"GlobalAveragePool", &GraphConverter::convertGlobalAveragePool},
        {"Identity", &GraphConverter::convertIdentity},
        {"LeakyRelu", &GraphConverter::convertActivation},
        {"MatMul", &GraphConverter::convertMatMul},
        {"MaxPool", &GraphConverter::convertPool},
        {"Pad", &GraphConverter::convertPad},
        {"Mul", &GraphConverter::convertArithmetic},
        {"Relu", &GraphConverter::convertActivation},
        {"Reshape", &GraphConverter::convertReshape},
        {"Shape", &GraphConverter::convertShape},
        {"Sigmoid", &GraphConverter::convertActivation},
        {"Softmax", &GraphConverter::convertSoftmax},
        {"Squeeze", &GraphConverter::convertSqueeze},
        {"Sub", &GraphConverter::convertArithmetic},
        {"Tanh", &GraphConverter::convertActivation},
        {"Unsqueeze", &GraphConverter::convertUnsqueeze},
    };
    return table;
}

std::set<std::string> GraphConverter::supportedOps()
{
    std::set<std::string> ops;
    for (const auto &entry : handlers())
        ops.insert(entry.first);
    return ops;
}

void GraphConverter::convertGemm(const Node &n)
{
    n.attrs.allowOnly({"alpha", "beta", "transA", "transB", "broadcast"});
    const float alpha = n.attrs.getFloat("alpha", 1.0f);
    const float beta = n.attrs.getFloat("beta", 1.0f);
    if (n.attrs.getInt("transA", 0) != 0)
        n.fail("transA=1 is not supported (the batch must be the first axis of A)");
    const bool transB = n.attrs.getInt("transB", 0) != 0;
    const Value a = dynamicInput(n, 0);
    if (a.shape.size() != 1)
        n.fail("input A must be 2-D [batch, K]; it is " + batchShape(a.shape));
    const ConstTensor &b = constInput(n, 1, "B");
    if (b.dims.size() != 2)
        n.fail("B must be 2-D; it is " + dimsToString(b.dims));
    const int64_t k = transB ? b.dims[1] : b.dims[0];
    const int64_t units = transB ? b.dims[0] : b.dims[1];
    if (k != a.shape[0])
        n.fail("shape does not compute: A is " + batchShape(a.shape) + ", B is "
               + dimsToString(b.dims) + (transB ? " (transposed)" : ""));

    std::vector<float> weight(size_t(units * k));
    for (int64_t u = 0; u < units; ++u) {
        for (int64_t i = 0; i < k; ++i) {
            const double v = transB ? b.values[size_t(u * k + i)] : b.values[size_t(i * units + u)];
            weight[size_t(u * k + i)] = alpha == 1.0f ? float(v) : alpha * float(v);
        }
    }
    std::vector<float> bias(size_t(units), 0.0f);
    if (n.hasInput(2) && beta != 0.0f) {
        const ConstTensor &c = constInput(n, 2, "C");
        const std::vector<int64_t> &d = c.dims;
        const bool ok = d.size() <= 2 && (d.empty() || d.back() == 1 || d.back() == units)
                        && (d.size() < 2 || d[0] == 1);
        if (!ok)
            n.fail("C of shape " + dimsToString(d) + " does not broadcast to [1, "
                   + std::to_string(units) + "] (a C that varies over the batch is not supported)");
        const bool perUnit = !d.empty() && d.back() == units;
        for (int64_t u = 0; u < units; ++u) {
            const float v = float(c.values[size_t(perUnit ? u : 0)]);
            bias[size_t(u)] = beta == 1.0f ? v : beta * v;
        }
    }
    const int layer = addLayer(n, "dense", {{"units", {double(units)}}}, {a.layer}, {},
                               {{"weight", {int(units), int(k)}, std::move(weight)},
                                {"bias", {int(units)}, std::move(bias)}});
    defineValue(n, 0, Value{layer, {int(units)}});
}

void GraphConverter::convertMatMul(const Node &n)
{
    n.attrs.allowOnly({});
    if (isConst(n.input(0)) && !isConst(n.input(1)))
        n.fail("only data x constant is supported (the constant must be the second input)");
    const Value a = dynamicInput(n, 0);
    if (a.shape.size() != 1)
        n.fail("only [batch, K] x [K, N] is supported; A is " + batchShape(a.shape));
    const ConstTensor &b = constInput(n, 1, "B");
    if (b.dims.size() != 2)
        n.fail("only [batch, K] x [K, N] is supported; B is " + dimsToString(b.dims));
    const int64_t k = b.dims[0];
    const int64_t units = b.dims[1];
    if (k != a.shape[0])
        n.fail("shape does not compute: A is " + batchShape(a.shape) + ", B is "
               + dimsToString(b.dims));
    std::vector<float> weight(size_t(units * k));
    for (int64_t u = 0; u < units; ++u) {
        for (int64_t i = 0; i < k; ++i)
            weight[size_t(u * k + i)] = float(b.values[size_t(i * units + u)]);
    }
    const int layer = addLayer(n, "dense", {{"units", {double(units)}}}, {a.layer}, {},
                               {{"weight", {int(units), int(k)}, std::move(weight)},
                                {"bias", {int(units)}, std::vector<float>(size_t(units), 0.0f)}});
    defineValue(n, 0, Value{layer, {int(units)}});
}

void GraphConverter::convertArithmetic(const Node &n)
{
    n.attrs.allowOnly({"broadcast", "axis", "consumed_inputs"});
    if (n.inputCount() != 2)
        n.fail("needs two inputs");
    const bool c0 = isConst(n.input(0));
    const bool c1 = isConst(n.input(1));
    if (c0 && c1)
        n.fail("both inputs are constants; constant arithmetic is not supported");
    if (!c0 && !c1) {
        if (n.op() != "Add")
            n.fail(n.op() + " of two tensors is not supported (only by a constant)");
        const Value a = dynamicInput(n, 0);
        const Value b = dynamicInput(n, 1);
        if (a.shape != b.shape)
            n.fail("broadcasting between " + batchShape(a.shape) + " and " + batchShape(b.shape)
                   + " is not supported (the shapes must be equal)");
        const int la = materialize(n, a);
        const int lb = materialize(n, b);
        const int layer = addLayer(n, "add", {}, {la, lb});
        defineValue(n, 0, Value{layer, a.shape});
        return;
    }
    const Value x = dynamicInput(n, c0 ? 1 : 0);
    ConstTensor c = m_consts.at(n.input(c0 ? 0 : 1));
    if (m_opset < 7 && n.attrs.getInt("broadcast", 0) != 0 && n.attrs.has("axis")) {
        // Legacy broadcasting: B's dims line up with A's starting at `axis`.
        const int64_t rank = int64_t(x.shape.size()) + 1;
        const int64_t axis = normalizeAxis(n.attrs.getInt("axis", 0), rank);
        if (axis < 0 || axis + int64_t(c.dims.size()) > rank)
            n.fail("broadcast axis " + std::to_string(n.attrs.getInt("axis", 0))
                   + " does not fit a constant of shape " + dimsToString(c.dims));
        c.dims.resize(size_t(rank - axis), 1);
    }
    foldConstant(n, x, c, c0);
}

std::vector<int> GraphConverter::windowPads(const Node &n, int h, int w,
                                            const std::vector<int> &kernel,
                                            const std::vector<int> &stride) const
{
    const std::string autoPad = n.attrs.getString("auto_pad", "NOTSET");
    if (autoPad == "NOTSET") {
        const std::vector<int64_t> pads = n.attrs.getInts("pads");
        if (pads.empty())
            return {0, 0, 0, 0};
        if (pads.size() != 4)
            n.fail("pads " + dimsToString(pads) + " must have 4 values for a 2-D window");
        std::vector<int> result;
        for (int64_t p : pads) {
            if (p < 0 || p > (1 << 20))
                n.fail("pads " + dimsToString(pads) + " are not supported (negative or huge)");
            result.push_back(int(p));
        }
        return result; // ONNX order [top, left, bottom, right] is ours
    }
    if (autoPad == "VALID")
        return {0, 0, 0, 0};
    if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
        n.fail("auto_pad '" + autoPad + "' is not supported");
    const int size[2] = {h, w};
    int begin[2], end[2];
    for (int a = 0; a < 2; ++a) {
        const int out = (size[a] + stride[size_t(a)] - 1) / stride[size_t(a)];
        const int total = std::max(0, (out - 1) * stride[size_t(a)] + kernel[size_t(a)] - size[a]);
        const int small = total / 2;
        begin[a] = autoPad == "SAME_UPPER" ? small : total - small;
        end[a] = total - begin[a];
    }
    return {begin[0], begin[1], end[0], end[1]};
}

GraphConverter::Value GraphConverter::windowInput(const Node &n, std::vector<int> &padded) const
{
    const auto it = m_pads.find(n.input(0));
    if (it == m_pads.end()) {
        padded = {0, 0, 0, 0};
        return dynamicInput(n, 0);
    }
    padded = it->second.pads;
    return it->second.source;
}

void GraphConverter::convertPad(const Node &n)
{
    n.attrs.allowOnly({"mode", "pads", "value"});
    const std::string mode = n.attrs.getString("mode", "constant");
    if (mode != "constant")
        n.fail("mode '" + mode + "' is not supported (only constant)");
    const Value x = dynamicInput(n, 0);
    if (x.shape.size() != 3)
        n.fail("only padding of [N, C, H, W] is supported; the input is " + batchShape(x.shape));
    std::vector<int64_t> pads;
    double value = 0;
    if (m_opset < 11) {
        pads = n.attrs.getInts("pads");
        value = n.attrs.getFloat("value", 0.0f);
    } else {
        const ConstTensor &p = constInput(n, 1, "pads");
        if (!p.integer)
            n.fail("pads must be an integer tensor");
        for (double v : p.values)
            pads.push_back(saturatedInt(v));
        if (n.hasInput(2)) {
            const ConstTensor &c = constInput(n, 2, "constant_value");
            value = c.values.empty() ? 0.0 : c.values[0];
        }
        if (n.hasInput(3))
            n.fail("the axes input is not supported");
    }
    if (value != 0)
        n.fail("padding with " + std::to_string(value) + " is not supported (only 0)");
    if (pads.size() != 8 || pads[0] || pads[1] || pads[4] || pads[5])
        n.fail("pads " + dimsToString(pads) + " are not supported (only H and W may be padded)");
    for (int64_t p : pads) {
        if (p < 0 || p > (1 << 20))
            n.fail("pads " + dimsToString(pads) + " are not supported (negative or huge)");
    }
    const std::string &out = n.proto->output(0);
    for (const onnx::NodeProto &reader : m_graph.node()) {
        for (const std::string &in : reader.input()) {
            if (in == out && reader.op_type() != "Conv" && reader.op_type() != "AveragePool")
                n.fail("a Pad is only supported right before Conv or AveragePool; '" + reader.name()
                       + "' (" + reader.op_type() + ") reads it");
        }
    }
    for (const onnx::ValueInfoProto &o : m_graph.output()) {
        if (o.name() == out)
            n.fail("a Pad is only supported right before Conv or AveragePool, not as output");
    }
    m_pads[out] = PendingPad{x, {int(pads[2]), int(pads[3]), int(pads[6]), int(pads[7])}};
}

void GraphConverter::convertConv(const Node &n)
{
    n.attrs.allowOnly({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
    std::vector<int> extra;
    const Value x = windowInput(n, extra);
    if (x.shape.size() != 3)
        n.fail("only 2-D convolution of [N, C, H, W] is supported; the input is "
               + batchShape(x.shape));
    const ConstTensor &w = constInput(n, 1, "weight");
    if (w.dims.size() != 4)
        n.fail("weight must be 4-D [F, C/group, kh, kw]; it is " + dimsToString(w.dims));
    const int filters = int(w.dims[0]);
    const int perGroup = int(w.dims[1]);
    const std::vector<int> kernel = {int(w.dims[2]), int(w.dims[3])};
    const std::vector<int64_t> kernelShape = n.attrs.getInts("kernel_shape");
    if (!kernelShape.empty() && kernelShape != std::vector<int64_t>{w.dims[2], w.dims[3]})
        n.fail("kernel_shape " + dimsToString(kernelShape) + " does not match the weight "
               + dimsToString(w.dims));
    for (int64_t d : n.attrs.getInts("dilations")) {
        if (d != 1)
            n.fail("dilations " + dimsToString(n.attrs.getInts("dilations"))
                   + " are not supported (only 1)");
    }
    const int64_t group = n.attrs.getInt("group", 1);
    const int channels = x.shape[0];
    if (group < 1 || channels % group != 0 || filters % group != 0
        || int64_t(perGroup) * group != channels)
        n.fail("weight " + dimsToString(w.dims) + " does not match " + std::to_string(channels)
               + " input channels with group " + std::to_string(group));
    std::vector<int> stride = {1, 1};
    if (n.attrs.has("strides")) {
        const std::vector<int64_t> s = n.attrs.getInts("strides");
        if (s.size() != 2 || s[0] < 1 || s[1] < 1 || s[0] > (1 << 20) || s[1] > (1 << 20))
            n.fail("strides " + dimsToString(s) + " are not supported");
        stride = {int(s[0]), int(s[1])};
    }
    std::vector<int> pads = windowPads(n, x.shape[1] + extra[0] + extra[2],
                                       x.shape[2] + extra[1] + extra[3], kernel, stride);
    for (size_t i = 0; i < 4; ++i)
        pads[i] += extra[i];
    std::vector<float> bias(size_t(filters), 0.0f);
    if (n.hasInput(2)) {
        const ConstTensor &b = constInput(n, 2, "bias");
        if (b.numel() != filters)
            n.fail("bias has " + std::to_string(b.numel()) + " values for "
                   + std::to_string(filters) + " filters");
        bias = b.toFloat();
    }
    const Attributes attributes = {{"filters", {double(filters)}},
                                   {"kernel", toDoubles(kernel)},
                                   {"stride", toDoubles(stride)},
                                   {"pad", toDoubles(pads)},
                                   {"groups", {double(group)}}};
    const int layer = addLayer(n, "conv2d", attributes, {materialize(n, x)}, {},
                               {{"weight", {filters, perGroup, kernel[0], kernel[1]}, w.toFloat()},
                                {"bias", {filters}, std::move(bias)}});
    defineValue(n, 0, Value{layer, actualShape(layer)});
}

void GraphConverter::convertBatchNorm(const Node &n)
{
    n.attrs.allowOnly(
        {"epsilon", "momentum", "spatial", "is_test", "training_mode", "consumed_inputs"});
    if (n.attrs.getInt("training_mode", 0) != 0)
        n.fail("training_mode=1 is not supported (inference only)");
    if (n.attrs.getInt("spatial", 1) != 1)
        n.fail("spatial=0 is not supported");
    requireUnusedOutputsFrom(n, 1, "a training statistic");
    const Value x = dynamicInput(n, 0);
    const int channels = x.shape[0];
    static const char *const names[4] = {"gamma", "beta", "running_mean", "running_var"};
    static const char *const onnxNames[4] = {"scale", "B", "input_mean", "input_var"};
    std::vector<ParamValue> params;
    for (int i = 0; i < 4; ++i) {
        const ConstTensor &t = constInput(n, i + 1, onnxNames[i]);
        if (t.numel() != channels)
            n.fail(std::string(onnxNames[i]) + " has " + std::to_string(t.numel())
                   + " values; the input " + batchShape(x.shape) + " has "
                   + std::to_string(channels) + " channels");
        params.push_back({names[i], {channels}, t.toFloat()});
    }
    const double eps = n.attrs.getFloat("epsilon", 1e-5f);
    const int layer = addLayer(n, "batchnorm", {{"eps", {eps}}}, {materialize(n, x)}, {}, params);
    defineValue(n, 0, Value{layer, x.shape});
}

void GraphConverter::convertActivation(const Node &n)
{
    Attributes attributes;
    std::string type;
    if (n.op() == "LeakyRelu") {
        n.attrs.allowOnly({"alpha", "consumed_inputs"});
        type = "leakyrelu";
        attributes["alpha"] = {double(n.attrs.getFloat("alpha", 0.01f))};
    } else {
        n.attrs.allowOnly({"consumed_inputs"});
        type = n.op() == "Relu" ? "relu" : n.op() == "Sigmoid" ? "sigmoid" : "tanh";
    }
    const Value x = dynamicInput(n, 0);
    const int layer = addLayer(n, type, attributes, {x.layer});
    defineValue(n, 0, Value{layer, x.shape});
}

void GraphConverter::convertClip(const Node &n)
{
    Attributes attributes;
    auto bound = [&](const char *key, double v) {
        if (std::isnan(v))
            n.fail(std::string(key) + " is NaN");
        if (std::isfinite(v)) // an infinite bound is the layer's default (no bound)
            attributes[key] = {v};
    };
    if (m_opset < 11) {
        n.attrs.allowOnly({"min", "max", "consumed_inputs"});
        if (n.attrs.has("min"))
            bound("min", n.attrs.getFloat("min", 0.0f));
        if (n.attrs.has("max"))
            bound("max", n.attrs.getFloat("max", 0.0f));
    } else {
        n.attrs.allowOnly({});
        static const char *const keys[2] = {"min", "max"};
        for (int i = 1; i <= 2; ++i) {
            if (!n.hasInput(i))
                continue;
            const ConstTensor &t = constInput(n, i, keys[i - 1]);
            if (t.numel() != 1)
                n.fail(std::string(keys[i - 1]) + " must be a scalar; it is "
                       + dimsToString(t.dims));
            bound(keys[i - 1], double(float(t.values[0])));
        }
    }
    const Value x = dynamicInput(n, 0);
    const int layer = addLayer(n, "clip", attributes, {x.layer});
    defineValue(n, 0, Value{layer, x.shape});
}

void GraphConverter::convertPool(const Node &n)
{
    const bool isMax = n.op() == "MaxPool";
    if (isMax) {
        n.attrs.allowOnly({"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads",
                           "storage_order", "strides"});
        requireUnusedOutputsFrom(n, 1, "the Indices output");
    } else {
        n.attrs.allowOnly(
            {"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"});
    }
    std::vector<int> extra;
    const Value x = windowInput(n, extra);
    if (x.shape.size() != 3)
        n.fail("only 2-D pooling of [N, C, H, W] is supported; the input is "
               + batchShape(x.shape));
    const std::vector<int64_t> k = n.attrs.getInts("kernel_shape");
    if (k.size() != 2 || k[0] < 1 || k[1] < 1 || k[0] > (1 << 20) || k[1] > (1 << 20))
        n.fail("kernel_shape " + dimsToString(k) + " is not a 2-D window");
    const std::vector<int> kernel = {int(k[0]), int(k[1])};
    for (int64_t d : n.attrs.getInts("dilations")) {
        if (d != 1)
            n.fail("dilations " + dimsToString(n.attrs.getInts("dilations"))
                   + " are not supported (only 1)");
    }
    std::vector<int> stride = {1, 1};
    if (n.attrs.has("strides")) {
        const std::vector<int64_t> s = n.attrs.getInts("strides");
        if (s.size() != 2 || s[0] < 1 || s[1] < 1 || s[0] > (1 << 20) || s[1] > (1 << 20))
            n.fail("strides " + dimsToString(s) + " are not supported");
        stride = {int(s[0]), int(s[1])};
    }
    std::vector<int> pads = windowPads(n, x.shape[1] + extra[0] + extra[2],
                                       x.shape[2] + extra[1] + extra[3], kernel, stride);
    bool countIncludePad = n.attrs.getInt("count_include_pad", 0) != 0;
    if (extra != std::vector<int>{0, 0, 0, 0}) {
        // Zeros of a Pad node are elements: the merged pooling counts every padded cell.
        if (!countIncludePad && pads != std::vector<int>{0, 0, 0, 0})
            n.fail("a Pad before AveragePool with its own pads and count_include_pad=0 is "
                   "not supported");
        countIncludePad = true;
        for (size_t i = 0; i < 4; ++i)
            pads[i] += extra[i];
    }
    if (n.attrs.getInt("ceil_mode", 0) != 0) {
        // Accepted only where rounding up gives the same output size as rounding down.
        const int span[2] = {x.shape[1] + pads[0] + pads[2] - kernel[0],
                             x.shape[2] + pads[1] + pads[3] - kernel[1]};
        for (int a = 0; a < 2; ++a) {
            if (span[a] >= 0 && span[a] % stride[size_t(a)] != 0)
                n.fail("ceil_mode=1 changes the output size here; not supported");
        }
    }
    Attributes attributes
        = {{"kernel", toDoubles(kernel)}, {"stride", toDoubles(stride)}, {"pad", toDoubles(pads)}};
    if (!isMax)
        attributes["count_include_pad"] = {double(countIncludePad)};
    const int layer = addLayer(n, isMax ? "maxpool" : "avgpool", attributes, {materialize(n, x)});
    defineValue(n, 0, Value{layer, actualShape(layer)});
}

void GraphConverter::convertGlobalAveragePool(const Node &n)
{
    n.attrs.allowOnly({});
    const Value x = dynamicInput(n, 0);
    if (x.shape.size() != 3)
        n.fail("only [N, C, H, W] inputs are supported; the input is " + batchShape(x.shape));
    const int layer = addLayer(n, "globalavgpool", {}, {materialize(n, x)});
    defineValue(n, 0, Value{layer, {x.shape[0], 1, 1}}); // the layer itself yields {C}
}

void GraphConverter::convertSoftmax(const Node &n)
{
    n.attrs.allowOnly({"axis"});
    const Value x = dynamicInput(n, 0);
    const int64_t rank = int64_t(x.shape.size()) + 1;
    const int64_t given = n.attrs.getInt("axis", m_opset < 13 ? 1 : -1);
    const int64_t axis = normalizeAxis(given, rank);
    // Ours is over the whole sample. Opset < 13 flattens [axis, ...) into one axis, opset
    // >= 13 takes the one axis: equal when the other per-sample axes have size 1.
    int64_t others = 1;
    for (int64_t a = 1; a < rank; ++a) {
        if (m_opset < 13 ? a < axis : a != axis)
            others *= x.shape[size_t(a - 1)];
    }
    if (axis < 1 || others != 1)
        n.fail("softmax over axis " + std::to_string(given) + " of " + batchShape(x.shape)
               + " is not supported (only over a whole sample)");
    const int layer = addLayer(n, "softmax", {}, {x.layer});
    defineValue(n, 0, Value{layer, x.shape});
}
} // namespace frontier::model::onnximport
