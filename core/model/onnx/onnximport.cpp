#include "onnximport.h"

#include "onnxconverter.h"

#include "model/modelfile.h"

#include "common/error.h"
#include "common/fileutil.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <filesystem>

namespace frontier::model {

// Implementation notes.
//
// Order of checks: parse (libonnx's protobuf types), file-level structure (graph, opset),
// a scan for ops we do not support (so that an unknown op gets our one-line message
// rather than the checker's), onnx::checker::check_model (schemas, attributes, topological
// order), then the conversion node by node (onnxconverter.cpp, onnxops.cpp), and finally
// the shape validation of the whole Model. The checker of Debian's libonnx 1.12 knows IR
// versions up to 8 and opsets up to 17; newer IR versions (from newer exporters) are
// checked as version 8, since they change nothing our op subset relies on.

namespace {

constexpr int kMinOpset = 6;
constexpr int kMaxOpset = 17;

std::string oneLine(std::string s)
{
    std::replace_if(
        s.begin(), s.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    const auto end
        = std::unique(s.begin(), s.end(), [](char a, char b) { return a == ' ' && b == ' '; });
    s.erase(end, s.end());
    while (!s.empty() && s.back() == ' ')
        s.pop_back();
    return s;
}

int defaultOpset(const onnx::ModelProto &proto, const std::string &path)
{
    for (const onnx::OperatorSetIdProto &op : proto.opset_import()) {
        if (op.domain().empty() || op.domain() == "ai.onnx") {
            const int64_t v = op.version();
            if (v < kMinOpset || v > kMaxOpset)
                throw Error(path, "opset " + std::to_string(v) + " is not supported (only "
                                      + std::to_string(kMinOpset) + " to "
                                      + std::to_string(kMaxOpset) + "; re-export with opset 17)");
            return int(v);
        }
    }
    throw Error(path, "the model imports no opset of the default ONNX domain");
}

void checkSupportedOps(const onnx::GraphProto &graph, const std::string &path)
{
    const std::set<std::string> ops = onnximport::GraphConverter::supportedOps();
    for (int i = 0; i < graph.node_size(); ++i) {
        const onnx::NodeProto &node = graph.node(i);
        const bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
        if (!defaultDomain || !ops.count(node.op_type())) {
            std::string label = node.name();
            if (label.empty())
                label.append("#").append(std::to_string(i));
            throw Error(path + ": node '" + label + "' (" + node.op_type() + ")",
                        defaultDomain ? std::string("unsupported op")
                                      : "unsupported op (domain '" + node.domain() + "')");
        }
    }
}

// External tensor data is not read (and the checker would look for it relative to the
// working directory): refuse it first, naming the tensor.
void checkNoExternalData(const onnx::GraphProto &graph, const std::string &path)
{
    auto check = [&](const onnx::TensorProto &t) {
        if (t.data_location() == onnx::TensorProto::EXTERNAL)
            throw Error(path, "tensor '" + t.name()
                                  + "' keeps its data in an external file; not supported");
    };
    for (const onnx::TensorProto &t : graph.initializer())
        check(t);
    for (const onnx::NodeProto &node : graph.node()) {
        for (const onnx::AttributeProto &a : node.attribute()) {
            if (a.has_t())
                check(a.t());
        }
    }
}

void runChecker(onnx::ModelProto &proto, const std::string &path)
{
    const int64_t ir = proto.ir_version();
    if (ir > onnx::Version::IR_VERSION)
        proto.set_ir_version(onnx::Version::IR_VERSION);
    try {
        onnx::checker::check_model(proto);
    } catch (const std::exception &e) {
        proto.set_ir_version(ir);
        throw Error(path, "invalid ONNX model: " + oneLine(e.what()));
    }
    proto.set_ir_version(ir);
}

} // namespace

Model importOnnx(const std::string &path)
{
    const std::vector<uint8_t> bytes = readFileBytes(path);
    if (bytes.empty())
        throw Error(path, "empty file; not an ONNX model");
    if (bytes.size() > size_t(INT_MAX))
        throw Error(path, "larger than 2 GB; not supported");
    onnx::ModelProto proto;
    if (!proto.ParseFromArray(bytes.data(), int(bytes.size())))
        throw Error(path, "not an ONNX model (malformed or truncated protobuf)");
    if (!proto.has_graph() || proto.ir_version() <= 0)
        throw Error(path, "not an ONNX model (no graph or no IR version)");

    if (proto.graph().output_size() != 1)
        throw Error(path, "the graph has " + std::to_string(proto.graph().output_size())
                              + " outputs; exactly one is supported");
    const int opset = defaultOpset(proto, path);
    checkSupportedOps(proto.graph(), path);
    checkNoExternalData(proto.graph(), path);
    runChecker(proto, path);

    Model model;
    model.name = std::filesystem::path(path).stem().string();
    onnximport::GraphConverter converter(proto.graph(), opset, path);
    converter.convert(model);

    int classes = 0;
    try {
        classes = model.numClasses(); // validates every layer's shape
    } catch (const Error &e) {
        throw Error(path, "the imported graph does not validate: " + std::string(e.what()));
    }
    for (int k = 0; k < classes; ++k)
        model.classNames.push_back(std::to_string(k));
    model.metadata["source"] = path;
    model.metadata["source_format"] = "onnx";
    model.metadata["producer_name"] = proto.producer_name();
    model.metadata["producer_version"] = proto.producer_version();
    model.metadata["opset"] = std::to_string(opset);
    model.metadata["ir_version"] = std::to_string(proto.ir_version());
    model.metadata["graph_name"] = proto.graph().name();
    model.metadata["output_name"] = proto.graph().output(0).name();
    model.metadata["scores"] = converter.outputIsSoftmax() ? "probabilities" : "raw";
    return model;
}

Model loadAnyModel(const std::string &path)
{
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return ext == ".onnx" ? importOnnx(path) : loadModel(path);
}

} // namespace frontier::model
