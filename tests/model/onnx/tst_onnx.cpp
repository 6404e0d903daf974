#include "testutil.h"

#include "model/onnx/onnximport.h"

#include "data/npy.h"
#include "model/engine.h"
#include "model/modelfile.h"

#include "common/error.h"

#include <onnx/onnx_pb.h>

#include <QDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <random>

using namespace frontier;
using namespace frontier::model;

namespace {

// Every fixture in fixtures/ (made by fixtures/make_fixtures.py) and what it exercises.
struct Fixture
{
    const char *name;
    const char *covers;
};

const Fixture kFixtures[] = {
    {"mlp", "PyTorch MLP 784-256-128-10: Gemm transB=1, Relu"},
    {"lenet", "PyTorch LeNet on 1x28x28: Conv with pads, MaxPool, Flatten, Gemm"},
    {"strided", "stride 2 + padding, odd sizes, Pad+AveragePool, LeakyRelu, GAP+Flatten, Softmax"},
    {"depthwise_bn",
     "opset 11: depthwise Conv, BatchNormalization, Clip inputs, Sigmoid, GAP+Conv"},
    {"residual", "opset 17: residual Add, BN after Add, Shape/Gather/Concat/Reshape, no-bias Conv"},
    {"mlp_affine", "BatchNorm1d, Tanh, Mul/Sub/Div/rsub and Add folded, Reshape -1, Softmax"},
    {"gemm_attrs", "Gemm alpha/beta/transB=0, C of [1, N], no C, Identity"},
    {"clip_attrs_opset6",
     "opset 6: Clip attributes, legacy Add broadcast, Dropout, inits as inputs"},
    {"squeeze_opset11", "Squeeze/Unsqueeze with axes attributes, 1x1 Conv"},
    {"squeeze_opset13", "Squeeze/Unsqueeze with axes inputs"},
    {"auto_pad", "auto_pad SAME_UPPER/SAME_LOWER/VALID, count_include_pad, ceil_mode, Clip max"},
    {"matmul_add", "MatMul+Add, MatMul alone, Mul per unit, Add of tensors, Dropout, Constant"},
    {"reshape_ops", "opset 11: Reshape 0/-1 (initializer and Constant), Softmax over [2, 5]"},
    {"static_batch", "static batch 1 input, Reshape [1, -1], MatMul"},
};

std::string fixturePath(const std::string &name, const std::string &suffix)
{
    return test::testData("fixtures/" + name + suffix);
}

struct Compared
{
    double maxAbs = 0; // ‖ours − theirs‖∞
    double bound = 0;  // 1e-5 · max(1, ‖theirs‖∞)
};

Compared compare(const std::vector<float> &ours, const std::vector<float> &theirs)
{
    Compared c;
    double ref = 1.0;
    for (float v : theirs)
        ref = std::max(ref, double(std::abs(v)));
    c.bound = 1e-5 * ref;
    for (size_t i = 0; i < ours.size() && i < theirs.size(); ++i)
        c.maxAbs = std::max(c.maxAbs, std::abs(double(ours[i]) - double(theirs[i])));
    if (ours.size() != theirs.size() || !std::isfinite(c.maxAbs))
        c.maxAbs = INFINITY;
    return c;
}

// --- Crafted models, built with libonnx's protobuf types -------------------------------

constexpr int64_t kBatch = -1; // a dim_param "N" in tensorInfo()

void tensorInfo(onnx::ValueInfoProto *v, const std::string &name, const std::vector<int64_t> &dims,
                int elemType = onnx::TensorProto::FLOAT)
{
    v->set_name(name);
    onnx::TypeProto::Tensor *t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(elemType);
    for (int64_t d : dims) {
        onnx::TensorShapeProto::Dimension *dim = t->mutable_shape()->add_dim();
        if (d == kBatch)
            dim->set_dim_param("N");
        else
            dim->set_dim_value(d);
    }
}

// A model with input "x" of `inputDims` and output "y" of `outputDims` (default: the
// input's); nodes added by callers.
onnx::ModelProto craft(const std::vector<int64_t> &inputDims, int opset = 13,
                       std::vector<int64_t> outputDims = {})
{
    if (outputDims.empty())
        outputDims = inputDims;
    onnx::ModelProto m;
    m.set_ir_version(7);
    m.set_producer_name("tst_onnx");
    onnx::OperatorSetIdProto *op = m.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    onnx::GraphProto *g = m.mutable_graph();
    g->set_name("crafted");
    tensorInfo(g->add_input(), "x", inputDims);
    tensorInfo(g->add_output(), "y", outputDims);
    return m;
}

onnx::NodeProto *node(onnx::ModelProto &m, const std::string &op,
                      const std::vector<std::string> &inputs,
                      const std::vector<std::string> &outputs, const std::string &name)
{
    onnx::NodeProto *n = m.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const std::string &in : inputs)
        n->add_input(in);
    for (const std::string &out : outputs)
        n->add_output(out);
    return n;
}

void initializer(onnx::ModelProto &m, const std::string &name, const std::vector<int64_t> &dims,
                 const std::vector<float> &values)
{
    onnx::TensorProto *t = m.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims)
        t->add_dims(d);
    for (float v : values)
        t->add_float_data(v);
}

void initializerInt64(onnx::ModelProto &m, const std::string &name,
                      const std::vector<int64_t> &values)
{
    onnx::TensorProto *t = m.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(int64_t(values.size()));
    for (int64_t v : values)
        t->add_int64_data(v);
}

void attrInts(onnx::NodeProto *n, const std::string &name, const std::vector<int64_t> &values)
{
    onnx::AttributeProto *a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t v : values)
        a->add_ints(v);
}

void attrInt(onnx::NodeProto *n, const std::string &name, int64_t value)
{
    onnx::AttributeProto *a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
}

std::string serialize(const onnx::ModelProto &m)
{
    std::string bytes;
    if (!m.SerializeToString(&bytes))
        qFatal("cannot serialise a crafted model");
    return bytes;
}

std::string readBytes(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void writeBytes(const std::string &path, const std::string &bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    QVERIFY(out.good());
}

// Conv on [N, 1, 6, 6] with a 2x1x3x3 weight; `tweak` adjusts the node.
std::string convModel(const std::function<void(onnx::NodeProto *)> &tweak)
{
    onnx::ModelProto m = craft({kBatch, 1, 6, 6});
    initializer(m, "w", {2, 1, 3, 3}, std::vector<float>(18, 0.1f));
    tweak(node(m, "Conv", {"x", "w"}, {"y"}, "conv_bad"));
    return serialize(m);
}

std::string gemmModel(const std::function<void(onnx::NodeProto *)> &tweak)
{
    onnx::ModelProto m = craft({kBatch, 4});
    initializer(m, "b", {4, 3}, std::vector<float>(12, 0.5f));
    tweak(node(m, "Gemm", {"x", "b"}, {"y"}, "gemm_bad"));
    return serialize(m);
}

std::string garbage()
{
    std::mt19937 rng(20240613u);
    std::string bytes(4096, '\0');
    for (char &c : bytes)
        c = char(rng() & 0xff);
    return bytes;
}

} // namespace

class TestOnnx : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fixtures_data();
    void fixtures();
    void fixtureTableIsComplete();
    void roundTrip_data();
    void roundTrip();
    void importedStructure();
    void nodeNames();
    void missingFile();
    void loadAnyModelDispatches();
    void errors_data();
    void errors();
};

void TestOnnx::fixtures_data()
{
    QTest::addColumn<QString>("name");
    for (const Fixture &f : kFixtures)
        QTest::newRow(f.name) << QString::fromLatin1(f.name);
}

void TestOnnx::fixtures()
{
    QFETCH(QString, name);
    const std::string base = name.toStdString();
    const Model model = importOnnx(fixturePath(base, ".onnx"));
    const data::NpyArray x = data::readNpy(fixturePath(base, ".input.npy"));
    const data::NpyArray want = data::readNpy(fixturePath(base, ".expected.npy"));

    QVERIFY(x.shape.size() >= 2);
    const Shape sample(x.shape.begin() + 1, x.shape.end());
    QCOMPARE(model.inputShape, sample);
    const int n = int(x.shape[0]);
    QCOMPARE(want.shape[0], x.shape[0]);
    QCOMPARE(model.classNames.size(), size_t(want.data.size() / size_t(n)));

    const Engine engine(model);
    const Outputs fast = engine.run(x.data.data(), n);
    const Outputs serial = engine.runSerial(x.data.data(), n);
    const Compared a = compare(fast.heads.back(), want.data);
    const Compared b = compare(serial.heads.back(), want.data);
    qInfo("%-18s max |ours - theirs|: run %.3g, runSerial %.3g (bound %.3g)", base.c_str(),
          a.maxAbs, b.maxAbs, a.bound);
    QVERIFY2(a.maxAbs <= a.bound,
             qPrintable(QStringLiteral("run(): %1 > %2").arg(a.maxAbs).arg(a.bound)));
    QVERIFY2(b.maxAbs <= b.bound,
             qPrintable(QStringLiteral("runSerial(): %1 > %2").arg(b.maxAbs).arg(b.bound)));
}

void TestOnnx::fixtureTableIsComplete()
{
    // Every committed .onnx is tested, and every fixture has its two arrays.
    const QDir dir(QString::fromStdString(test::testData("fixtures")));
    QStringList onDisk = dir.entryList({QStringLiteral("*.onnx")}, QDir::Files, QDir::Name);
    QStringList listed;
    for (const Fixture &f : kFixtures) {
        listed << QString::fromLatin1(f.name) + QStringLiteral(".onnx");
        QVERIFY(dir.exists(QString::fromLatin1(f.name) + QStringLiteral(".input.npy")));
        QVERIFY(dir.exists(QString::fromLatin1(f.name) + QStringLiteral(".expected.npy")));
    }
    listed.sort();
    QCOMPARE(onDisk, listed);
}

void TestOnnx::roundTrip_data()
{
    fixtures_data();
}

void TestOnnx::roundTrip()
{
    QFETCH(QString, name);
    const std::string base = name.toStdString();
    const Model imported = importOnnx(fixturePath(base, ".onnx"));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath(name + QStringLiteral(".fmodel")).toStdString();
    saveModel(imported, path);
    const Model loaded = loadModel(path);

    QCOMPARE(loaded.layers.size(), imported.layers.size());
    QCOMPARE(loaded.inputShape, imported.inputShape);
    QCOMPARE(loaded.classNames, imported.classNames);
    QVERIFY(loaded.metadata == imported.metadata);
    const data::NpyArray x = data::readNpy(fixturePath(base, ".input.npy"));
    const int n = int(x.shape[0]);
    const Outputs a = Engine(imported).run(x.data.data(), n);
    const Outputs b = Engine(loaded).run(x.data.data(), n);
    QCOMPARE(b.heads.size(), a.heads.size());
    for (size_t h = 0; h < a.heads.size(); ++h)
        QVERIFY(b.heads[h] == a.heads[h]); // bitwise: the file stores float32 exactly
}

void TestOnnx::importedStructure()
{
    auto types = [](const Model &m) {
        std::vector<std::string> t;
        for (const auto &layer : m.layers)
            t.push_back(layer->type());
        return t;
    };
    using Types = std::vector<std::string>;

    // Layer names come from the nodes; metadata from the file.
    const std::string mlpPath = fixturePath("mlp", ".onnx");
    const Model mlp = importOnnx(mlpPath);
    QCOMPARE(types(mlp), (Types{"dense", "relu", "dense", "relu", "dense"}));
    QCOMPARE(mlp.layers[0]->name, std::string("/net/net.0/Gemm"));
    QCOMPARE(mlp.inputShape, (Shape{784}));
    QCOMPARE(mlp.classNames,
             (std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
    QCOMPARE(mlp.heads.size(), size_t(1));
    QCOMPARE(mlp.finalHead().layer, 4);
    QCOMPARE(mlp.name, std::string("mlp"));
    QCOMPARE(mlp.metadata.at("source"), mlpPath);
    QCOMPARE(mlp.metadata.at("source_format"), std::string("onnx"));
    QCOMPARE(mlp.metadata.at("producer_name"), std::string("pytorch"));
    QCOMPARE(mlp.metadata.at("producer_version"), std::string("1.13.0"));
    QCOMPARE(mlp.metadata.at("opset"), std::string("13"));
    QCOMPARE(mlp.metadata.at("scores"), std::string("raw"));
    QCOMPARE(mlp.parameterCount(), int64_t(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10));

    // Softmax output: probabilities. GAP + Flatten needs no flatten layer; Pad merges into
    // the AveragePool that follows it (count_include_pad=True in PyTorch).
    const Model strided = importOnnx(fixturePath("strided", ".onnx"));
    QCOMPARE(strided.metadata.at("scores"), std::string("probabilities"));
    QCOMPARE(types(strided), (Types{"conv2d", "relu", "maxpool", "avgpool", "conv2d", "leakyrelu",
                                    "avgpool", "globalavgpool", "dense", "softmax"}));
    const Attributes pool2 = strided.layers[3]->attributes();
    QCOMPARE(pool2.at("pad"), (std::vector<double>{1, 1, 1, 1}));
    QCOMPARE(pool2.at("count_include_pad"), (std::vector<double>{1}));
    QCOMPARE(strided.layers[4]->attributes().at("stride"), (std::vector<double>{2, 1}));
    QCOMPARE(strided.layers[4]->attributes().at("pad"), (std::vector<double>{1, 2, 1, 2}));

    // BatchNormalization stays a layer; the Engine folds the three after a conv. Depthwise
    // conv keeps its groups; a conv after GAP reads GAP's {C} through a {C, 1, 1} reshape.
    const Model dw = importOnnx(fixturePath("depthwise_bn", ".onnx"));
    const Types dwTypes = types(dw);
    QCOMPARE(int(std::count(dwTypes.begin(), dwTypes.end(), "batchnorm")), 3);
    QCOMPARE(Engine(dw).foldedCount(), 3);
    const int dwConv = dw.layerIndex("/dw/Conv");
    QVERIFY(dwConv >= 0);
    QCOMPARE(dw.layers[size_t(dwConv)]->attributes().at("groups"), (std::vector<double>{16}));
    const int headReshape = dw.layerIndex("/head/Conv/reshape");
    QVERIFY(headReshape >= 0);
    QCOMPARE(dw.layers[size_t(headReshape)]->attributes().at("shape"),
             (std::vector<double>{8, 1, 1}));

    // A BN after the residual Add is kept (not foldable); the Add has two inputs.
    const Model res = importOnnx(fixturePath("residual", ".onnx"));
    const Types resTypes = types(res);
    QCOMPARE(int(std::count(resTypes.begin(), resTypes.end(), "batchnorm")), 4);
    QCOMPARE(Engine(res).foldedCount(), 3);
    const int add = res.layerIndex("/Add");
    QVERIFY(add >= 0);
    QCOMPARE(res.layers[size_t(add)]->inputs.size(), size_t(2));

    // MatMul + Add is one dense layer; constant Mul/Sub/Div fold away; Dropout and
    // Identity vanish.
    const Model mm = importOnnx(fixturePath("matmul_add", ".onnx"));
    QCOMPARE(types(mm), (Types{"dense", "relu", "dense", "add", "dense", "sigmoid"}));
    QCOMPARE(mm.layers[0]->name, std::string("matmul1"));

    // Scalar arithmetic and per-unit constants folded into the Linear layers.
    const Model affine = importOnnx(fixturePath("mlp_affine", ".onnx"));
    QCOMPARE(types(affine), (Types{"dense", "batchnorm", "tanh", "dense", "sigmoid", "dense",
                                   "leakyrelu", "dense", "flatten", "softmax"}));

    // Chains of views become one layer: Squeeze, Squeeze, Unsqueeze, Flatten -> flatten.
    const Model squeeze = importOnnx(fixturePath("squeeze_opset13", ".onnx"));
    QCOMPARE(types(squeeze), (Types{"reshape", "conv2d", "relu", "flatten", "dense"}));
    QCOMPARE(squeeze.layers[0]->attributes().at("shape"), (std::vector<double>{12, 1, 1}));

    const Model opset6 = importOnnx(fixturePath("clip_attrs_opset6", ".onnx"));
    QCOMPARE(opset6.inputShape, (Shape{2, 6, 6}));
    QCOMPARE(opset6.metadata.at("opset"), std::string("6"));
    QCOMPARE(opset6.layers[1]->type(), std::string("clip"));
    QCOMPARE(opset6.layers[1]->attributes().at("min"), (std::vector<double>{-0.5}));
}

void TestOnnx::nodeNames()
{
    // Nameless nodes are named "<Op>_<index>"; repeated names are made unique.
    onnx::ModelProto m = craft({kBatch, 4});
    node(m, "Relu", {"x"}, {"a"}, "");
    node(m, "Sigmoid", {"a"}, {"b"}, "act");
    node(m, "Tanh", {"b"}, {"y"}, "act");
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("names.onnx")).toStdString();
    writeBytes(path, serialize(m));
    const Model model = importOnnx(path);
    QCOMPARE(model.layers.size(), size_t(3));
    QCOMPARE(model.layers[0]->name, std::string("Relu_0"));
    QCOMPARE(model.layers[1]->name, std::string("act"));
    QCOMPARE(model.layers[2]->name, std::string("act_2"));
}

void TestOnnx::missingFile()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("absent.onnx")).toStdString();
    try {
        importOnnx(path);
        QFAIL("importOnnx() accepted a missing file");
    } catch (const Error &e) {
        QVERIFY2(QString::fromStdString(e.what()).startsWith(QString::fromStdString(path)),
                 e.what());
    }
}

void TestOnnx::loadAnyModelDispatches()
{
    QTemporaryDir dir;
    const Model imported = loadAnyModel(fixturePath("gemm_attrs", ".onnx"));
    QCOMPARE(imported.metadata.at("source_format"), std::string("onnx"));

    // Upper-case extension: still ONNX.
    const std::string upper = dir.filePath(QStringLiteral("GEMM.ONNX")).toStdString();
    writeBytes(upper, readBytes(fixturePath("gemm_attrs", ".onnx")));
    QCOMPARE(loadAnyModel(upper).layers.size(), imported.layers.size());

    // Anything else: the native format (an ONNX file there is refused by loadModel).
    const std::string native = dir.filePath(QStringLiteral("m.fmodel")).toStdString();
    saveModel(imported, native);
    QCOMPARE(loadAnyModel(native).layers.size(), imported.layers.size());
    const std::string disguised = dir.filePath(QStringLiteral("m.bin")).toStdString();
    writeBytes(disguised, readBytes(fixturePath("gemm_attrs", ".onnx")));
    QVERIFY_THROWS_EXCEPTION(Error, loadAnyModel(disguised));
}

void TestOnnx::errors_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QStringList>("expected"); // substrings of the message (besides the path)

    auto row = [](const char *name, const std::string &bytes, const QStringList &expected) {
        QTest::newRow(name) << QByteArray(bytes.data(), qsizetype(bytes.size())) << expected;
    };

    {
        onnx::ModelProto m = craft({kBatch, 3, 4});
        node(m, "LSTM", {"x", "w", "r"}, {"y"}, "lstm1");
        row("unsupported op", serialize(m), {"node 'lstm1' (LSTM)", "unsupported op"});
    }
    {
        onnx::ModelProto m = craft({kBatch, 4});
        node(m, "Relu", {"x"}, {"a"}, "relu");
        node(m, "MyFancyOp", {"a"}, {"y"}, "");
        row("unknown op, nameless node", serialize(m), {"node '#1' (MyFancyOp)", "unsupported op"});
    }
    row("conv dilations 2", convModel([](onnx::NodeProto *n) {
            attrInts(n, "dilations", {2, 2});
        }),
        {"node 'conv_bad' (Conv)", "dilations [2, 2] are not supported"});
    row("conv auto_pad unknown", convModel([](onnx::NodeProto *n) {
            onnx::AttributeProto *a = n->add_attribute();
            a->set_name("auto_pad");
            a->set_type(onnx::AttributeProto::STRING);
            a->set_s("SAME_MIDDLE");
        }),
        {"node 'conv_bad' (Conv)", "auto_pad 'SAME_MIDDLE' is not supported"});
    // Hostile window attributes (issue: pad 2^31 - 1 was accepted through .fmodel; pad 100,000
    // tried to allocate): refused at load, naming the node and the attribute.
    row("conv pads 2^31-1", convModel([](onnx::NodeProto *n) {
            attrInts(n, "pads", {2147483647, 0, 0, 0});
        }),
        {"node 'conv_bad' (Conv)", "pads [2147483647, 0, 0, 0] are not supported"});
    row("conv pads 100000", convModel([](onnx::NodeProto *n) {
            attrInts(n, "pads", {100000, 100000, 100000, 100000});
        }),
        {"node 'conv_bad' (Conv)", "attribute 'pad' 100000 exceeds the limit of 65535"});
    row("conv strides 2^31-1", convModel([](onnx::NodeProto *n) {
            attrInts(n, "strides", {2147483647, 1});
        }),
        {"node 'conv_bad' (Conv)", "strides [2147483647, 1] are not supported"});
    {
        onnx::ModelProto m = craft({kBatch, 1, 2147483647, 4096});
        node(m, "Relu", {"x"}, {"y"}, "relu_huge");
        row("input dims 2^31-1", serialize(m), {"2147483647"});
    }
    row("conv negative group", convModel([](onnx::NodeProto *n) { attrInt(n, "group", -3); }),
        {"node 'conv_bad' (Conv)", "group -3"});
    row("gemm transA=1", gemmModel([](onnx::NodeProto *n) { attrInt(n, "transA", 1); }),
        {"node 'gemm_bad' (Gemm)", "transA=1 is not supported"});
    {
        onnx::ModelProto m = craft({kBatch, 4});
        initializer(m, "b", {4, 3}, std::vector<float>(12, 0.5f));
        initializer(m, "c", {2, 3}, std::vector<float>(6, 0.5f));
        node(m, "Gemm", {"x", "b", "c"}, {"y"}, "gemm_c");
        row("gemm C varies over the batch", serialize(m),
            {"node 'gemm_c' (Gemm)", "C of shape [2, 3]", "varies over the batch"});
    }
    {
        onnx::ModelProto m = craft({kBatch, 1, 5, 5});
        onnx::NodeProto *pool = node(m, "MaxPool", {"x"}, {"y"}, "pool_ceil");
        attrInts(pool, "kernel_shape", {2, 2});
        attrInts(pool, "strides", {2, 2});
        attrInt(pool, "ceil_mode", 1);
        row("maxpool ceil_mode changes shape", serialize(m),
            {"node 'pool_ceil' (MaxPool)", "ceil_mode=1 changes the output size"});
    }
    {
        onnx::ModelProto m = craft({kBatch, 4});
        initializer(m, "c", {}, {2.0f});
        node(m, "Relu", {"x"}, {"r"}, "relu");
        node(m, "Mul", {"r", "c"}, {"y"}, "scale_after_relu");
        row("constant Mul not foldable", serialize(m),
            {"node 'scale_after_relu' (Mul)", "cannot fold", "'relu' (a relu layer)"});
    }
    {
        onnx::ModelProto m = craft({kBatch, 4});
        initializer(m, "w", {4, 4}, std::vector<float>(16, 0.25f));
        initializer(m, "c", {4}, {1, 2, 3, 4});
        node(m, "MatMul", {"x", "w"}, {"h"}, "mm");
        node(m, "Relu", {"h"}, {"r"}, "relu");
        node(m, "Add", {"h", "c"}, {"b"}, "bias_shared");
        node(m, "Add", {"b", "r"}, {"y"}, "sum");
        row("constant Add on a shared output", serialize(m),
            {"node 'bias_shared' (Add)", "also read elsewhere"});
    }
    {
        onnx::ModelProto m = craft({kBatch, 4});
        node(m, "Relu", {"x"}, {"a"}, "relu");
        node(m, "Mul", {"x", "a"}, {"y"}, "gate");
        row("Mul of two tensors", serialize(m),
            {"node 'gate' (Mul)", "Mul of two tensors is not supported"});
    }
    {
        onnx::ModelProto m = craft({kBatch, 6});
        initializerInt64(m, "shape", {0, 4});
        node(m, "Reshape", {"x", "shape"}, {"y"}, "bad_reshape");
        row("reshape does not compute", serialize(m),
            {"node 'bad_reshape' (Reshape)", "shape does not compute", "[0, 4]", "[N, 6]"});
    }
    {
        onnx::ModelProto m = craft({kBatch, 6});
        initializerInt64(m, "shape", {-1, 4});
        node(m, "Reshape", {"x", "shape"}, {"y"}, "batch_reshape");
        row("reshape changes the batch", serialize(m),
            {"node 'batch_reshape' (Reshape)", "would change the batch size"});
    }
    {
        onnx::ModelProto m = craft({kBatch, 2, 3});
        node(m, "Softmax", {"x"}, {"y"}, "softmax_last");
        row("softmax over one axis of 2-D samples", serialize(m),
            {"node 'softmax_last' (Softmax)", "only over a whole sample"});
    }
    {
        onnx::ModelProto m = craft({kBatch, 3, 1}, 11); // axes as an attribute
        attrInts(node(m, "Squeeze", {"x"}, {"y"}, "squeeze_batch"), "axes", {0});
        row("squeeze the batch axis", serialize(m),
            {"node 'squeeze_batch' (Squeeze)", "cannot squeeze the batch axis"});
    }
    {
        onnx::ModelProto m = craft({kBatch, 4});
        tensorInfo(m.mutable_graph()->add_input(), "x2", {kBatch, 4});
        node(m, "Add", {"x", "x2"}, {"y"}, "add");
        row("two graph inputs", serialize(m), {"the graph has 2 inputs ('x', 'x2')"});
    }
    {
        onnx::ModelProto m = craft({kBatch, 4});
        node(m, "Relu", {"x"}, {"y"}, "relu");
        node(m, "Sigmoid", {"x"}, {"z"}, "sigmoid");
        tensorInfo(m.mutable_graph()->add_output(), "z", {kBatch, 4});
        row("two graph outputs", serialize(m), {"the graph has 2 outputs"});
    }
    {
        onnx::ModelProto m = craft({kBatch, 4});
        m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(
            onnx::TensorProto::INT64);
        node(m, "Relu", {"x"}, {"y"}, "relu");
        row("integer input", serialize(m), {"input 'x' has element type INT64"});
    }
    {
        onnx::ModelProto m = craft({kBatch, 3, 1});
        m.mutable_graph()
            ->mutable_input(0)
            ->mutable_type()
            ->mutable_tensor_type()
            ->mutable_shape()
            ->mutable_dim(2)
            ->set_dim_param("width");
        node(m, "Relu", {"x"}, {"y"}, "relu");
        row("dynamic non-batch axis", serialize(m), {"dynamic or invalid axis 2 ('width')"});
    }
    {
        onnx::ModelProto m = craft({kBatch, 4}, 18);
        node(m, "Relu", {"x"}, {"y"}, "relu");
        row("opset 18", serialize(m), {"opset 18 is not supported"});
    }
    {
        onnx::ModelProto m = craft({kBatch, 4});
        node(m, "Relu", {}, {"y"}, "relu_no_input");
        row("checker: missing input", serialize(m), {"invalid ONNX model", "relu_no_input"});
    }
    {
        onnx::ModelProto m = craft({kBatch, 1, 6, 6});
        onnx::TensorProto *w = m.mutable_graph()->add_initializer();
        w->set_name("w");
        w->set_data_type(onnx::TensorProto::FLOAT);
        for (int64_t d : {2, 1, 3, 3})
            w->add_dims(d);
        w->set_raw_data(std::string(40, '\0')); // 10 floats for 18
        node(m, "Conv", {"x", "w"}, {"y"}, "conv");
        row("weight too short", serialize(m), {"tensor 'w' holds 40 bytes", "need 72"});
    }
    {
        onnx::ModelProto m = craft({kBatch, 1, 6, 6});
        onnx::TensorProto *w = m.mutable_graph()->add_initializer();
        w->set_name("w");
        w->set_data_type(onnx::TensorProto::FLOAT);
        for (int64_t d : {2, 1, 3, 3})
            w->add_dims(d);
        w->set_data_location(onnx::TensorProto::EXTERNAL);
        onnx::StringStringEntryProto *e = w->add_external_data();
        e->set_key("location");
        e->set_value("weights.bin");
        node(m, "Conv", {"x", "w"}, {"y"}, "conv");
        row("external weights", serialize(m), {"tensor 'w' keeps its data in an external file"});
    }
    {
        onnx::ModelProto m = craft({kBatch, 1, 6, 6});
        initializerInt64(m, "pads", {0, 0, 1, 1, 0, 0, 1, 1});
        node(m, "Pad", {"x", "pads"}, {"p"}, "pad");
        onnx::NodeProto *pool = node(m, "MaxPool", {"p"}, {"y"}, "pool");
        attrInts(pool, "kernel_shape", {2, 2});
        row("Pad before MaxPool", serialize(m),
            {"node 'pad' (Pad)", "only supported right before Conv or AveragePool",
             "'pool' (MaxPool)"});
    }
    {
        const std::string valid = readBytes(fixturePath("lenet", ".onnx"));
        row("truncated file", valid.substr(0, valid.size() / 2),
            {"not an ONNX model (malformed or truncated protobuf)"});
    }
    row("garbage bytes", garbage(), {"not an ONNX model"});
    row("empty file", std::string(), {"empty file"});
}

void TestOnnx::errors()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QStringList, expected);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath(QStringLiteral("bad.onnx")).toStdString();
    writeBytes(path, bytes.toStdString());
    QString message;
    try {
        importOnnx(path);
        QFAIL("importOnnx() accepted a bad file");
    } catch (const Error &e) {
        message = QString::fromStdString(e.what());
    }
    qInfo("%s", qPrintable(message));
    QVERIFY2(message.startsWith(QString::fromStdString(path) + QStringLiteral(": ")),
             qPrintable(message));
    QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message));
    for (const QString &part : expected)
        QVERIFY2(message.contains(part),
                 qPrintable(QStringLiteral("'%1' not in: %2").arg(part, message)));
    // Nothing written beside the input.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"bad.onnx"});
}

QTEST_GUILESS_MAIN(TestOnnx)
#include "tst_onnx.moc"
