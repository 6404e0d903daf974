#include "onnxconverter.h"

#include "common/error.h"

#include <cmath>

namespace frontier::model::onnximport {

// Implementation notes.
//
// Every ONNX tensor name maps either to a constant (initializers, Constant nodes and the
// shape arithmetic folded from them) or to a Value: the layer computing it and its ONNX
// shape without the batch axis. Views (Flatten, Reshape, Squeeze, Unsqueeze) add a layer
// only when the producer's own output shape differs from the target, so GlobalAveragePool
// ({C, H, W} -> {C}) followed by Flatten needs no flatten layer; consumers that care about
// the shape (Conv, pooling, BatchNormalization, Add) first "materialize" a Value whose
// layer shape differs from its ONNX shape with a reshape layer. A chain of views read by
// nothing else (Reshape then Flatten, Squeeze then Squeeze) becomes one layer.
//
// Constant arithmetic (Add/Sub/Mul/Div) folds into the dense or conv2d layer computing its
// other operand when that layer's output is read by nothing else. m_uses counts, per
// layer, the node inputs and graph outputs that read it under any name (aliases made by
// Identity, Dropout or a folded op count once each); a fold needs exactly one: the folding
// node itself.

namespace {

std::string problemOf(const Error &e)
{
    const std::string what = e.what();
    const std::string prefix = e.where() + ": ";
    if (!e.where().empty() && what.compare(0, prefix.size(), prefix) == 0)
        return what.substr(prefix.size());
    return what;
}

} // namespace

void GraphConverter::Node::fail(const std::string &problem) const
{
    throw Error(where, problem);
}

int GraphConverter::Node::inputCount() const
{
    int count = proto->input_size();
    while (count > 0 && proto->input(count - 1).empty())
        --count;
    return count;
}

bool GraphConverter::Node::hasInput(int i) const
{
    return i < proto->input_size() && !proto->input(i).empty();
}

const std::string &GraphConverter::Node::input(int i) const
{
    if (!hasInput(i))
        fail("input " + std::to_string(i) + " is missing");
    return proto->input(i);
}

GraphConverter::GraphConverter(const onnx::GraphProto &graph, int opset, std::string file)
    : m_graph(graph)
    , m_opset(opset)
    , m_file(std::move(file))
{}

void GraphConverter::convert(Model &model)
{
    m_model = &model;
    m_uses.assign(1, 0);
    countConsumers();
    readInput(model);
    for (int i = 0; i < m_graph.node_size(); ++i)
        convertNode(m_graph.node(i), i);

    if (m_graph.output_size() != 1)
        throw Error(m_file, "the graph has " + std::to_string(m_graph.output_size())
                                + " outputs; exactly one is supported");
    const onnx::ValueInfoProto &output = m_graph.output(0);
    const std::string &name = output.name();
    if (isConst(name))
        throw Error(m_file, "the graph output '" + name + "' is a constant");
    const auto it = m_values.find(name);
    if (it == m_values.end())
        throw Error(m_file, "the graph output '" + name + "' is not computed by any node");
    const Value &v = it->second;
    if (v.layer < 0)
        throw Error(m_file, "the graph output '" + name + "' is the input itself; no layers");

    // A declared output shape must agree with what we compute (catches misreadings).
    if (output.type().has_tensor_type() && output.type().tensor_type().has_shape()) {
        const onnx::TensorShapeProto &s = output.type().tensor_type().shape();
        bool known = s.dim_size() == int(v.shape.size()) + 1;
        Shape declared;
        for (int d = 1; known && d < s.dim_size(); ++d) {
            known = s.dim(d).has_dim_value() && s.dim(d).dim_value() > 0;
            declared.push_back(int(s.dim(d).dim_value()));
        }
        if (known && declared != v.shape)
            throw Error(m_file, "the graph output '" + name + "' is declared as [N, "
                                    + intsToString(declared).substr(1) + " but computes [N, "
                                    + intsToString(v.shape).substr(1));
    }
    model.addHead("final", v.layer);
    m_outputIsSoftmax = model.layers[size_t(v.layer)]->type() == "softmax";
}

void GraphConverter::countConsumers()
{
    for (const onnx::NodeProto &node : m_graph.node()) {
        for (const std::string &in : node.input()) {
            if (!in.empty())
                ++m_consumers[in];
        }
    }
    for (const onnx::ValueInfoProto &out : m_graph.output())
        ++m_consumers[out.name()];
}

void GraphConverter::readInput(Model &model)
{
    if (m_graph.sparse_initializer_size() > 0)
        throw Error(m_file, "sparse initializers are not supported");
    for (const onnx::TensorProto &init : m_graph.initializer())
        m_consts[init.name()] = readTensor(init, m_file);

    std::vector<const onnx::ValueInfoProto *> inputs;
    for (const onnx::ValueInfoProto &in : m_graph.input()) {
        if (!m_consts.count(in.name())) // old exporters list initializers as inputs
            inputs.push_back(&in);
    }
    if (inputs.size() != 1) {
        std::string names;
        for (const onnx::ValueInfoProto *in : inputs)
            names += (names.empty() ? "'" : ", '") + in->name() + "'";
        throw Error(m_file, inputs.empty()
                                ? std::string("the graph has no input")
                                : "the graph has " + std::to_string(inputs.size()) + " inputs ("
                                      + names + "); exactly one is supported");
    }
    const onnx::ValueInfoProto &in = *inputs[0];
    const std::string what = "the graph input '" + in.name() + "'";
    if (!in.type().has_tensor_type())
        throw Error(m_file, what + " is not a tensor");
    const onnx::TypeProto::Tensor &t = in.type().tensor_type();
    if (t.elem_type() != onnx::TensorProto::FLOAT) {
        const std::string type
            = onnx::TensorProto::DataType_IsValid(t.elem_type())
                  ? onnx::TensorProto::DataType_Name(onnx::TensorProto::DataType(t.elem_type()))
                  : std::to_string(t.elem_type());
        throw Error(m_file, what + " has element type " + type + "; only FLOAT is supported");
    }
    if (!t.has_shape() || t.shape().dim_size() < 2)
        throw Error(m_file, what + " needs a shape [batch, ...] with at least 2 axes");
    const onnx::TensorShapeProto::Dimension &batch = t.shape().dim(0);
    m_staticBatch = batch.has_dim_value() && batch.dim_value() > 0;
    m_batch = m_staticBatch ? batch.dim_value() : 0;
    Shape shape;
    for (int d = 1; d < t.shape().dim_size(); ++d) {
        const onnx::TensorShapeProto::Dimension &dim = t.shape().dim(d);
        if (!dim.has_dim_value() || dim.dim_value() <= 0 || dim.dim_value() > (1 << 24)) {
            const std::string desc = dim.has_dim_param()   ? "'" + dim.dim_param() + "'"
                                     : dim.has_dim_value() ? std::to_string(dim.dim_value())
                                                           : std::string("unknown");
            throw Error(m_file, what + " has a dynamic or invalid axis " + std::to_string(d) + " ("
                                    + desc + "); only the batch axis may be dynamic");
        }
        shape.push_back(int(dim.dim_value()));
    }
    if (numel(shape) > (int64_t(1) << 28))
        throw Error(m_file, what + " has " + std::to_string(numel(shape))
                                + " elements per sample; not supported");
    model.inputShape = shape;
    m_values[in.name()] = Value{-1, shape};
    m_uses[0] = m_consumers[in.name()];
}

void GraphConverter::convertNode(const onnx::NodeProto &proto, int index)
{
    // (Appended piecewise: GCC 12 warns falsely (-Wrestrict) on "x" + std::to_string().)
    std::string label = proto.name();
    std::string base = proto.name();
    if (proto.name().empty()) {
        label.append("#").append(std::to_string(index));
        base.append(proto.op_type()).append("_").append(std::to_string(index));
    }
    const std::string where = m_file + ": node '" + label + "' (" + proto.op_type() + ")";
    Node n{&proto, index, where, base, NodeAttributes(proto, where)};
    if (!proto.domain().empty() && proto.domain() != "ai.onnx")
        n.fail("unsupported op (domain '" + proto.domain() + "')");
    const auto it = handlers().find(proto.op_type());
    if (it == handlers().end())
        n.fail("unsupported op");
    (this->*(it->second))(n);
}

bool GraphConverter::isConst(const std::string &name) const
{
    return m_consts.count(name) > 0;
}

const ConstTensor &GraphConverter::constInput(const Node &n, int i, const char *what) const
{
    if (!n.hasInput(i))
        n.fail(std::string(what) + " (input " + std::to_string(i) + ") is missing");
    const auto it = m_consts.find(n.input(i));
    if (it == m_consts.end())
        n.fail(std::string(what) + " '" + n.input(i)
               + "' must be a constant (an initializer or a Constant)");
    return it->second;
}

GraphConverter::Value GraphConverter::dynamicInput(const Node &n, int i) const
{
    const std::string &name = n.input(i);
    if (isConst(name))
        n.fail("input '" + name
               + "' is a constant; this op is only supported on data that "
                 "depends on the graph input");
    const auto it = m_values.find(name);
    if (it == m_values.end())
        n.fail("input '" + name + "' is not computed by any earlier node");
    return it->second;
}

void GraphConverter::defineConst(const Node &n, int output, ConstTensor t)
{
    if (output < n.proto->output_size() && !n.proto->output(output).empty())
        m_consts[n.proto->output(output)] = std::move(t);
}

void GraphConverter::defineValue(const Node &n, int output, Value v, bool aliasOfInput)
{
    if (output >= n.proto->output_size() || n.proto->output(output).empty())
        return;
    const std::string &name = n.proto->output(output);
    const auto c = m_consumers.find(name);
    int &uses = m_uses[size_t(v.layer + 1)];
    uses += c == m_consumers.end() ? 0 : c->second;
    if (aliasOfInput)
        --uses; // the node's own read of its input moves on to its output's readers
    m_values[name] = std::move(v);
}

void GraphConverter::requireUnusedOutputsFrom(const Node &n, int first, const char *what) const
{
    for (int o = first; o < n.proto->output_size(); ++o) {
        const std::string &name = n.proto->output(o);
        if (!name.empty() && m_consumers.count(name))
            n.fail(std::string(what) + " (output '" + name + "') is used; not supported");
    }
}

std::vector<int64_t> GraphConverter::axesInput(const Node &n, const char *attribute,
                                               int input) const
{
    if (n.attrs.has(attribute))
        return n.attrs.getInts(attribute);
    if (!n.hasInput(input))
        return {};
    const ConstTensor &t = constInput(n, input, attribute);
    if (!t.integer)
        n.fail(std::string(attribute) + " must be an integer tensor");
    std::vector<int64_t> axes;
    for (double v : t.values)
        axes.push_back(saturatedInt(v));
    return axes;
}

Shape GraphConverter::actualShape(int layer) const
{
    return layer < 0 ? m_model->inputShape : m_shapes[size_t(layer)];
}

std::string GraphConverter::uniqueName(const std::string &base) const
{
    if (m_model->layerIndex(base) < 0)
        return base;
    for (int k = 2;; ++k) {
        const std::string name = base + "_" + std::to_string(k);
        if (m_model->layerIndex(name) < 0)
            return name;
    }
}

int GraphConverter::addLayer(const Node &n, const std::string &type, const Attributes &attributes,
                             std::vector<int> inputs, const std::string &suffix,
                             const std::vector<ParamValue> &params)
{
    std::unique_ptr<Layer> layer;
    try {
        layer = createLayer(type, attributes);
    } catch (const Error &e) {
        n.fail("unsupported attribute value (" + problemOf(e) + ")");
    }
    std::vector<Shape> inShapes;
    for (int in : inputs)
        inShapes.push_back(actualShape(in));
    for (const ParamValue &p : params) {
        Param *mine = layer->param(p.name);
        mine->shape = p.shape;
        mine->value = p.value;
    }
    Shape out;
    try {
        out = layer->outputShape(inShapes);
    } catch (const Error &e) {
        n.fail("shape does not compute (" + problemOf(e) + ")");
    }
    int index = -1;
    try {
        index = m_model->add(std::move(layer), std::move(inputs), uniqueName(n.name + suffix));
    } catch (const Error &e) {
        n.fail(problemOf(e));
    }
    m_shapes.push_back(out);
    m_uses.push_back(0);
    return index;
}

int GraphConverter::materialize(const Node &n, const Value &v)
{
    if (actualShape(v.layer) == v.shape)
        return v.layer;
    Attributes a{{"shape", std::vector<double>(v.shape.begin(), v.shape.end())}};
    return addLayer(n, "reshape", a, {v.layer}, "/reshape");
}

void GraphConverter::defineView(const Node &n, const Value &x, const Shape &target)
{
    if (numel(target) != numel(x.shape))
        n.fail("shape does not compute: " + shapeToString(x.shape) + " has "
               + std::to_string(numel(x.shape)) + " elements per sample, " + shapeToString(target)
               + " has " + std::to_string(numel(target)));
    if (actualShape(x.layer) == target) {
        defineValue(n, 0, Value{x.layer, target}, true); // already that shape: a no-op
        return;
    }
    const std::string type = target.size() == 1 ? "flatten" : "reshape";
    Attributes attributes;
    if (target.size() > 1)
        attributes["shape"] = std::vector<double>(target.begin(), target.end());
    if (m_viewLayers.count(x.layer) && m_uses[size_t(x.layer + 1)] == 1) {
        // A view of a view read by nothing else: retarget that layer instead of stacking.
        Layer &old = *m_model->layers[size_t(x.layer)];
        std::unique_ptr<Layer> layer = createLayer(type, attributes);
        layer->name = old.name;
        layer->inputs = old.inputs;
        m_model->layers[size_t(x.layer)] = std::move(layer);
        m_shapes[size_t(x.layer)] = target;
        defineValue(n, 0, Value{x.layer, target}, true);
        return;
    }
    const int layer = addLayer(n, type, attributes, {x.layer});
    m_viewLayers.insert(layer);
    defineValue(n, 0, Value{layer, target});
}

std::vector<float> GraphConverter::perChannel(const Node &n, const ConstTensor &c,
                                              const Value &x) const
{
    // Broadcast c against [N, x.shape] (numpy rules) and read one value per channel (the
    // first axis after the batch); c must not vary along any other axis.
    const size_t rank = x.shape.size() + 1;
    std::vector<int64_t> dims = c.dims;
    if (dims.size() > rank)
        n.fail("constant of shape " + dimsToString(c.dims) + " does not broadcast to [N, "
               + intsToString(x.shape).substr(1) + " without growing the rank");
    dims.insert(dims.begin(), rank - dims.size(), 1);
    for (size_t a = 0; a < rank; ++a) {
        const int64_t want = a == 0 ? 1 : x.shape[a - 1];
        if (dims[a] != 1 && dims[a] != want)
            n.fail("constant of shape " + dimsToString(c.dims) + " does not broadcast to [N, "
                   + intsToString(x.shape).substr(1)
                   + (a == 0 ? " (it varies over the batch)" : ""));
        if (a >= 2 && dims[a] != 1)
            n.fail("constant of shape " + dimsToString(c.dims)
                   + " varies along a spatial axis; only per-channel constants fold");
    }
    const int channels = x.shape[0];
    std::vector<float> v(static_cast<size_t>(channels));
    // Row-major strides of c's broadcast dims: only axis 1 can be non-trivial.
    int64_t stride1 = 1;
    for (size_t a = 2; a < rank; ++a)
        stride1 *= dims[a];
    for (int f = 0; f < channels; ++f)
        v[size_t(f)] = float(c.values[size_t(dims[1] == 1 ? 0 : f * stride1)]);
    return v;
}

void GraphConverter::foldConstant(const Node &n, const Value &x, const ConstTensor &c,
                                  bool constFirst)
{
    const std::string &op = n.op();
    const std::string where = "cannot fold this constant " + op + " into ";
    if (x.layer < 0)
        n.fail(where + "the graph input; only into a preceding Gemm, MatMul or Conv");
    Layer &layer = *m_model->layers[size_t(x.layer)];
    if (layer.type() != "dense" && layer.type() != "conv2d")
        n.fail(where + "'" + layer.name + "' (a " + layer.type()
               + " layer); only into a preceding Gemm, MatMul or Conv");
    if (m_uses[size_t(x.layer + 1)] != 1)
        n.fail(where + "'" + layer.name + "': its output is also read elsewhere");
    if (actualShape(x.layer) != x.shape)
        n.fail(where + "'" + layer.name + "' through a reshape");
    if (op == "Div" && constFirst)
        n.fail("dividing a constant by a tensor is not supported");
    const std::vector<float> v = perChannel(n, c, x);

    std::vector<float> &w = layer.param("weight")->value;
    std::vector<float> &b = layer.param("bias")->value;
    const size_t channels = b.size();
    const size_t perChannelWeights = w.size() / channels;
    for (size_t f = 0; f < channels; ++f) {
        float *wf = w.data() + f * perChannelWeights;
        if (op == "Add") {
            b[f] += v[f];
        } else if (op == "Sub") {
            if (constFirst) { // c - (w·x + b)
                for (size_t k = 0; k < perChannelWeights; ++k)
                    wf[k] = -wf[k];
                b[f] = v[f] - b[f];
            } else {
                b[f] -= v[f];
            }
        } else if (op == "Mul") {
            for (size_t k = 0; k < perChannelWeights; ++k)
                wf[k] *= v[f];
            b[f] *= v[f];
        } else { // Div
            for (size_t k = 0; k < perChannelWeights; ++k)
                wf[k] /= v[f];
            b[f] /= v[f];
        }
    }
    defineValue(n, 0, x, true);
}

} // namespace frontier::model::onnximport
