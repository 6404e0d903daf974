#pragma once

// Internal to the ONNX importer: turns a checked onnx::GraphProto into a Model, one node
// at a time in the graph's (topological) order. Not part of the public API.

#include "onnxtensor.h"

#include "model/model.h"

#include <onnx/onnx_pb.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace frontier::model::onnximport {

class GraphConverter
{
public:
    // `file` prefixes every error; `opset` is the default domain's version.
    GraphConverter(const onnx::GraphProto &graph, int opset, std::string file);

    // Fills model.inputShape, layers and the final head. Throws Error.
    void convert(Model &model);

    // The op types the converter knows (default domain). Some are only accepted on
    // constant inputs (Shape, Gather, Concat: the shape arithmetic of exporters).
    static std::set<std::string> supportedOps();

    // Whether the graph output is computed by a Softmax node (after aliases).
    bool outputIsSoftmax() const { return m_outputIsSoftmax; }

private:
    // A dynamic tensor: the layer that computes it (-1 = model input) and its ONNX shape
    // without the batch axis. The layer's own output shape may differ from `shape` by a
    // view (same elements, same order), e.g. {C} for GlobalAveragePool's {C, 1, 1}.
    struct Value
    {
        int layer = -1;
        Shape shape;
    };

    struct Node
    {
        const onnx::NodeProto *proto = nullptr;
        int index = 0;
        std::string where; // "<file>: node '<name>' (<Op>)"
        std::string name;  // layer name base
        NodeAttributes attrs;

        [[noreturn]] void fail(const std::string &problem) const;
        const std::string &op() const { return proto->op_type(); }
        int inputCount() const;     // present (non-empty) inputs, trailing
        bool hasInput(int i) const; // input i given and non-empty
        const std::string &input(int i) const;
    };

    struct ParamValue
    {
        std::string name;
        Shape shape;
        std::vector<float> value;
    };

    using Handler = void (GraphConverter::*)(const Node &);
    static const std::map<std::string, Handler> &handlers();

    void readInput(Model &model);
    void countConsumers();
    void convertNode(const onnx::NodeProto &proto, int index);

    // Values and constants.
    bool isConst(const std::string &name) const;
    const ConstTensor &constInput(const Node &n, int i, const char *what) const;
    Value dynamicInput(const Node &n, int i) const;
    void defineConst(const Node &n, int output, ConstTensor t);
    void defineValue(const Node &n, int output, Value v, bool aliasOfInput = false);
    void requireUnusedOutputsFrom(const Node &n, int first, const char *what) const;
    std::vector<int64_t> axesInput(const Node &n, const char *attribute, int input) const;

    // Layers.
    Shape actualShape(int layer) const;
    int addLayer(const Node &n, const std::string &type, const Attributes &attributes,
                 std::vector<int> inputs, const std::string &suffix = {},
                 const std::vector<ParamValue> &params = {});
    int materialize(const Node &n, const Value &v);
    void defineView(const Node &n, const Value &x, const Shape &target);
    void foldConstant(const Node &n, const Value &x, const ConstTensor &c, bool constFirst);
    std::vector<float> perChannel(const Node &n, const ConstTensor &c, const Value &x) const;
    std::string uniqueName(const std::string &base) const;

    // Op handlers (onnxops.cpp).
    void convertGemm(const Node &n);
    void convertMatMul(const Node &n);
    void convertArithmetic(const Node &n);
    void convertConv(const Node &n);
    void convertBatchNorm(const Node &n);
    void convertActivation(const Node &n);
    void convertClip(const Node &n);
    void convertPool(const Node &n);
    void convertGlobalAveragePool(const Node &n);
    void convertFlatten(const Node &n);
    void convertReshape(const Node &n);
    void convertSqueeze(const Node &n);
    void convertUnsqueeze(const Node &n);
    void convertSoftmax(const Node &n);
    void convertIdentity(const Node &n);
    void convertConstant(const Node &n);
    void convertShape(const Node &n);
    void convertGather(const Node &n);
    void convertConcat(const Node &n);
    void convertCast(const Node &n);
    void convertPad(const Node &n);

    // The data input of Conv and pooling, with the pads [top, left, bottom, right] of a
    // zero Pad node right before it (merged into the window's own pads).
    Value windowInput(const Node &n, std::vector<int> &padded) const;

    // The 2-D window of Conv and pooling: pads [top, left, bottom, right] from pads or
    // auto_pad, for an input of h × w.
    std::vector<int> windowPads(const Node &n, int h, int w, const std::vector<int> &kernel,
                                const std::vector<int> &stride) const;

    const onnx::GraphProto &m_graph;
    const int m_opset;
    const std::string m_file;
    Model *m_model = nullptr;
    bool m_staticBatch = false;
    int64_t m_batch = 0; // the static batch size when m_staticBatch

    std::map<std::string, ConstTensor> m_consts;
    std::map<std::string, Value> m_values;
    std::map<std::string, std::string> m_producerOp; // value name -> op that defined it
    std::map<std::string, int> m_consumers;          // value name -> node inputs + output
    std::vector<Shape> m_shapes;                     // actual output shape per layer
    std::vector<int> m_uses;                         // per layer + 1 (index 0: model input)
    struct PendingPad
    {
        Value source;
        std::vector<int> pads; // [top, left, bottom, right]
    };
    std::map<std::string, PendingPad> m_pads; // Pad outputs, merged into their readers
    std::set<int> m_viewLayers;               // flatten/reshape layers made by views
    bool m_outputIsSoftmax = false;
};

} // namespace frontier::model::onnximport
