#include "modelfactory.h"
#include "testutil.h"

#include "model/engine.h"
#include "model/modelfile.h"
#include "model/recipes.h"

#include "common/error.h"
#include "common/fileutil.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <zlib.h>

#include <cstring>
#include <functional>

using namespace frontier;
using namespace frontier::model;

namespace {

Model richModel()
{
    Model m = test::residualWithExits();
    m.name = "résidu ✓"; // non-ASCII survives
    m.classNames = {"zero", "one", "two", "three", "four"};
    m.normalization.kind = Normalization::Kind::PerFeature;
    m.normalization.offset = {0.25f, -1.5f, 3.0f, 1e-7f};
    m.normalization.scale = {2.0f, 0.5f, 1.0f / 3.0f, 1e7f};
    m.metadata = {{"recipe", "custom"}, {"dataset", "synthetic"}, {"seed", "31"}};
    return m;
}

// The file's sections, for crafting bad files.
struct Sections
{
    uint32_t version = 1;
    QByteArray json;
    QByteArray blob;
};

uint32_t readU32(const std::vector<uint8_t> &b, size_t at)
{
    return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16
           | uint32_t(b[at + 3]) << 24;
}

uint64_t readU64(const std::vector<uint8_t> &b, size_t at)
{
    return uint64_t(readU32(b, at)) | uint64_t(readU32(b, at + 4)) << 32;
}

Sections split(const std::vector<uint8_t> &bytes)
{
    Sections s;
    s.version = readU32(bytes, 16);
    const uint64_t jsonLength = readU64(bytes, 20);
    const uint64_t floats = readU64(bytes, 28);
    const char *p = reinterpret_cast<const char *>(bytes.data());
    s.json = QByteArray(p + 36, qsizetype(jsonLength));
    s.blob = QByteArray(p + 36 + jsonLength, qsizetype(floats * 4));
    return s;
}

void put(std::vector<uint8_t> &out, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        out.push_back(uint8_t(v >> (8 * i)));
}

// Assembles a well-formed file (valid lengths and checksum) around the sections.
std::vector<uint8_t> assemble(const Sections &s)
{
    const char magic[16]
        = {'F', 'R', 'O', 'N', 'T', 'I', 'E', 'R', '-', 'M', 'O', 'D', 'E', 'L', '\n', '\0'};
    std::vector<uint8_t> out(magic, magic + 16);
    put(out, s.version, 4);
    put(out, uint64_t(s.json.size()), 8);
    put(out, uint64_t(s.blob.size() / 4), 8);
    out.insert(out.end(), s.json.begin(), s.json.end());
    out.insert(out.end(), s.blob.begin(), s.blob.end());
    put(out, crc32(crc32(0L, Z_NULL, 0), out.data(), uInt(out.size())), 4);
    return out;
}

// Edits the JSON of a valid file and reassembles it.
std::vector<uint8_t> withJson(const std::vector<uint8_t> &bytes,
                              const std::function<void(QJsonObject &)> &edit)
{
    Sections s = split(bytes);
    QJsonObject root = QJsonDocument::fromJson(s.json).object();
    edit(root);
    s.json = QJsonDocument(root).toJson();
    return assemble(s);
}

QJsonObject layerAt(const QJsonObject &root, int i)
{
    return root.value("layers").toArray().at(i).toObject();
}

void setLayer(QJsonObject &root, int i, const QJsonObject &layer)
{
    QJsonArray layers = root.value("layers").toArray();
    layers[i] = layer;
    root["layers"] = layers;
}

void writeBytes(const std::string &path, const std::vector<uint8_t> &bytes)
{
    QFile f(QString::fromStdString(path));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size()));
}

} // namespace

class TestModelFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void fileLayout();
    void variantsArrayPresent();
    void badFiles_data();
    void badFiles();
    void missingFile();
    void failedSaveLeavesNothing();
    void failedSaveKeepsOldFile();
};

void TestModelFile::roundTrip_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("residual with exits, per-feature normalisation") << "rich";
    QTest::newRow("every op cnn") << "cnn";
    QTest::newRow("mlp with activations") << "mlp";
    QTest::newRow("resnet8 recipe") << "resnet8";
    QTest::newRow("ee-cnn recipe") << "ee-cnn";
}

void TestModelFile::roundTrip()
{
    QFETCH(QString, kind);
    Model m = kind == "rich"  ? richModel()
              : kind == "cnn" ? test::cnnEveryOp()
              : kind == "mlp" ? test::mlpAllActivations()
                              : makeRecipe(kind.toStdString(), {3, 32, 32}, 10);
    if (kind == "mlp")
        m.normalization = Normalization::global(0.5f, 4.0f);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("m.fmodel").toStdString();
    saveModel(m, path);
    const Model back = loadModel(path);

    QCOMPARE(back.name, m.name);
    QCOMPARE(back.inputShape, m.inputShape);
    QCOMPARE(back.classNames, m.classNames);
    QCOMPARE(back.metadata, m.metadata);
    QVERIFY(back.normalization.kind == m.normalization.kind);
    QCOMPARE(back.normalization.offset, m.normalization.offset);
    QCOMPARE(back.normalization.scale, m.normalization.scale);
    QCOMPARE(back.layers.size(), m.layers.size());
    for (size_t i = 0; i < m.layers.size(); ++i) {
        const Layer &a = *m.layers[i];
        const Layer &b = *back.layers[i];
        QCOMPARE(b.name, a.name);
        QCOMPARE(b.type(), a.type());
        QCOMPARE(b.inputs, a.inputs);
        QVERIFY(b.attributes() == a.attributes());
        QCOMPARE(b.params().size(), a.params().size());
        for (size_t p = 0; p < a.params().size(); ++p) {
            QCOMPARE(b.params()[p].name, a.params()[p].name);
            QCOMPARE(b.params()[p].shape, a.params()[p].shape);
            QCOMPARE(b.params()[p].trainable, a.params()[p].trainable);
            QVERIFY(std::memcmp(b.params()[p].value.data(), a.params()[p].value.data(),
                                a.params()[p].value.size() * sizeof(float))
                    == 0);
        }
    }
    QCOMPARE(back.heads.size(), m.heads.size());
    for (size_t h = 0; h < m.heads.size(); ++h) {
        QCOMPARE(back.heads[h].name, m.heads[h].name);
        QCOMPARE(back.heads[h].layer, m.heads[h].layer);
        QCOMPARE(back.heads[h].lossWeight, m.heads[h].lossWeight);
    }
    // Same outputs, bit for bit.
    const std::vector<float> x = test::randomInput(5, m.inputShape, 1);
    const Outputs a = Engine(m).run(x.data(), 5);
    const Outputs b = Engine(back).run(x.data(), 5);
    for (size_t h = 0; h < a.heads.size(); ++h)
        QVERIFY(a.heads[h] == b.heads[h]);
    // Saving the loaded model gives the same bytes.
    QVERIFY(serializeModel(back) == serializeModel(m));
}

void TestModelFile::fileLayout()
{
    const Model m = test::mlpAllActivations();
    const std::vector<uint8_t> bytes = serializeModel(m);
    QVERIFY(std::memcmp(bytes.data(), "FRONTIER-MODEL\n", 15) == 0);
    QCOMPARE(readU32(bytes, 16), kModelFormatVersion);
    const Sections s = split(bytes);
    QCOMPARE(int64_t(s.blob.size() / 4), m.parameterCount());
    QCOMPARE(bytes.size(), size_t(36 + s.json.size() + s.blob.size() + 4));
    QCOMPARE(readU32(bytes, bytes.size() - 4),
             uint32_t(crc32(crc32(0L, Z_NULL, 0), bytes.data(), uInt(bytes.size() - 4))));
    // The first parameter of the blob is fc1's first weight, little-endian float32.
    float first;
    std::memcpy(&first, s.blob.constData(), 4);
    QCOMPARE(first, m.layers[0]->params()[0].value[0]);
}

void TestModelFile::variantsArrayPresent()
{
    const Sections s = split(serializeModel(test::mlpAllActivations()));
    const QJsonObject root = QJsonDocument::fromJson(s.json).object();
    QVERIFY(root.value("variants").isArray());
    QVERIFY(root.value("variants").toArray().isEmpty());
    const QJsonObject fc1 = layerAt(root, 0);
    QCOMPARE(fc1.value("type").toString(), QStringLiteral("dense"));
    const QJsonObject weight = fc1.value("params").toArray().at(0).toObject();
    QCOMPARE(weight.value("offset").toInt(), 0);
    QCOMPARE(weight.value("count").toInt(), 16 * 20);
}

void TestModelFile::badFiles_data()
{
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("message");
    QTest::newRow("not a model file") << 0 << "not a Frontier model file";
    QTest::newRow("empty file") << 1 << "not a Frontier model file";
    QTest::newRow("newer version")
        << 2 << "model format version 7 is newer than this Frontier supports (1)";
    QTest::newRow("truncated in the blob") << 3 << "truncated";
    QTest::newRow("truncated in the header") << 4 << "truncated";
    QTest::newRow("checksum mismatch") << 5 << "checksum mismatch";
    QTest::newRow("bad JSON") << 6 << "bad JSON";
    QTest::newRow("unknown layer type") << 7 << "unknown layer type 'quantum'";
    QTest::newRow("param size mismatch") << 8 << "param size mismatch";
    QTest::newRow("forward reference") << 9 << "bad graph";
    QTest::newRow("blob too short for params") << 10 << "param size mismatch";
    QTest::newRow("head on a missing layer") << 11 << "missing layer 'nowhere'";
    QTest::newRow("missing key") << 12 << "bad JSON: model has no \"layers\"";
    QTest::newRow("trailing bytes") << 13 << "unexpected data";
    QTest::newRow("wrong param count") << 14 << "param size mismatch";
    // Hostile attributes are refused at load, naming the layer and the attribute, before
    // any size is computed from them (2^31 - 1 would overflow, 60,000 allocate ~14 GB).
    QTest::newRow("conv pad 2^31-1") << 15 << "'pad' 2147483647 exceeds the limit of 65535";
    QTest::newRow("conv pad 100,000") << 16 << "'pad' 100000 exceeds the limit of 65535";
    QTest::newRow("conv pad 60,000: activation too large") << 17 << "elements per sample";
    QTest::newRow("conv kernel 2^31-1") << 18 << "'kernel' 2147483647 exceeds the limit";
}

void TestModelFile::badFiles()
{
    QFETCH(int, which);
    QFETCH(QString, message);
    const std::vector<uint8_t> good = serializeModel(test::mlpAllActivations());
    std::vector<uint8_t> bytes;
    switch (which) {
    case 0: {
        const char text[] = "this is a text file, not a model at all";
        bytes.assign(text, text + sizeof text);
        break;
    }
    case 1:
        break;
    case 2: {
        Sections s = split(good);
        s.version = 7;
        bytes = assemble(s);
        break;
    }
    case 3:
        bytes.assign(good.begin(), good.end() - 100);
        break;
    case 4:
        bytes.assign(good.begin(), good.begin() + 25);
        break;
    case 5:
        bytes = good;
        bytes[bytes.size() - 50] ^= 0x40;
        break;
    case 6: {
        Sections s = split(good);
        s.json = "{\"name\": \"x\", \"layers\": [";
        bytes = assemble(s);
        break;
    }
    case 7:
        bytes = withJson(good, [](QJsonObject &root) {
            QJsonObject l = layerAt(root, 2);
            l["type"] = "quantum";
            setLayer(root, 2, l);
        });
        break;
    case 8:
        bytes = withJson(good, [](QJsonObject &root) {
            QJsonObject l = layerAt(root, 0);
            QJsonArray params = l.value("params").toArray();
            QJsonObject w = params[0].toObject();
            w["shape"] = QJsonArray{16, 19};
            w["count"] = 16 * 19;
            params[0] = w;
            l["params"] = params;
            setLayer(root, 0, l);
        });
        break;
    case 9:
        bytes = withJson(good, [](QJsonObject &root) {
            QJsonObject l = layerAt(root, 1);
            l["inputs"] = QJsonArray{5};
            setLayer(root, 1, l);
        });
        break;
    case 10: {
        Sections s = split(good);
        s.blob.chop(8);
        bytes = assemble(s);
        break;
    }
    case 11:
        bytes = withJson(good, [](QJsonObject &root) {
            QJsonArray heads = root.value("heads").toArray();
            QJsonObject h = heads[0].toObject();
            h["layer"] = "nowhere";
            heads[0] = h;
            root["heads"] = heads;
        });
        break;
    case 12:
        bytes = withJson(good, [](QJsonObject &root) { root.remove("layers"); });
        break;
    case 13:
        bytes = good;
        bytes.push_back(0);
        break;
    case 14:
        bytes = withJson(good, [](QJsonObject &root) {
            QJsonObject l = layerAt(root, 0);
            QJsonArray params = l.value("params").toArray();
            params.removeLast();
            l["params"] = params;
            setLayer(root, 0, l);
        });
        break;
    case 15:
    case 16:
    case 17:
    case 18: {
        const double value = which == 15 || which == 18 ? 2147483647.0
                             : which == 16              ? 100000.0
                                                        : 60000.0;
        const char *key = which == 18 ? "kernel" : "pad";
        bytes = withJson(serializeModel(test::cnnEveryOp()), [&](QJsonObject &root) {
            const QJsonArray layers = root.value("layers").toArray();
            for (int i = 0; i < layers.size(); ++i) {
                QJsonObject l = layers.at(i).toObject();
                if (l.value("type").toString() != "conv2d")
                    continue;
                QJsonObject a = l.value("attributes").toObject();
                a[key] = QJsonArray{value};
                l["attributes"] = a;
                setLayer(root, i, l);
                break;
            }
        });
        break;
    }
    }
    QTemporaryDir dir;
    const std::string path = dir.filePath("bad.fmodel").toStdString();
    writeBytes(path, bytes);
    try {
        loadModel(path);
        QFAIL("no error");
    } catch (const Error &e) {
        const QString what = QString::fromUtf8(e.what());
        QVERIFY2(what.contains(message), e.what());
        QVERIFY2(what.startsWith(QString::fromStdString(path) + ": "), e.what());
        QVERIFY2(!what.contains('\n'), "the message is one line");
    }
}

void TestModelFile::missingFile()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("nothing.fmodel").toStdString();
    try {
        loadModel(path);
        QFAIL("no error");
    } catch (const Error &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QString::fromStdString(path)), e.what());
    }
}

void TestModelFile::failedSaveLeavesNothing()
{
    QTemporaryDir dir;
    const QString missing = dir.filePath("no/such/folder");
    const std::string path = QString(missing + "/m.fmodel").toStdString();
    QVERIFY_THROWS_EXCEPTION(Error, saveModel(test::mlpAllActivations(), path));
    QVERIFY(!fileExists(path));
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).size(), 0);
}

void TestModelFile::failedSaveKeepsOldFile()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("m.fmodel").toStdString();
    const Model good = test::mlpAllActivations();
    saveModel(good, path);
    const std::vector<uint8_t> before = readFileBytes(path);
    Model broken = good;
    broken.heads.clear();
    try {
        saveModel(broken, path);
        QFAIL("no error");
    } catch (const Error &e) {
        QVERIFY2(QString::fromUtf8(e.what()).startsWith(QString::fromStdString(path)), e.what());
    }
    QVERIFY(readFileBytes(path) == before);
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);
}

QTEST_GUILESS_MAIN(TestModelFile)
#include "tst_modelfile.moc"
