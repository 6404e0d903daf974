#include "modelfile.h"

#include "common/error.h"
#include "common/fileutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <climits>
#include <cmath>
#include <cstring>
#include <new>
#include <set>
#include <stdexcept>

namespace frontier::model {

// Implementation notes. The header stores both section lengths, so a short file is
// reported as truncated before its checksum is looked at, and the checksum is verified
// before the JSON is parsed: a damaged file says "checksum mismatch", not some JSON error.
// Every value is validated before it is used; nothing in the file is trusted.

namespace {

constexpr char kMagic[16]
    = {'F', 'R', 'O', 'N', 'T', 'I', 'E', 'R', '-', 'M', 'O', 'D', 'E', 'L', '\n', '\0'};
constexpr size_t kHeaderSize = 16 + 4 + 8 + 8;
constexpr size_t kTrailerSize = 4;

void putU32(std::vector<uint8_t> &out, uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out.push_back(uint8_t(v >> (8 * i)));
}

void putU64(std::vector<uint8_t> &out, uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        out.push_back(uint8_t(v >> (8 * i)));
}

uint32_t getU32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
        v |= uint32_t(p[i]) << (8 * i);
    return v;
}

uint64_t getU64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v |= uint64_t(p[i]) << (8 * i);
    return v;
}

uint32_t crc32Of(const uint8_t *data, size_t size)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    while (size > 0) {
        const uInt chunk = uInt(std::min<size_t>(size, size_t(1) << 30));
        crc = crc32(crc, data, chunk);
        data += chunk;
        size -= chunk;
    }
    return uint32_t(crc);
}

QJsonArray intArray(const std::vector<int> &values)
{
    QJsonArray a;
    for (int v : values)
        a.append(v);
    return a;
}

QJsonArray floatArray(const std::vector<float> &values)
{
    QJsonArray a;
    for (float v : values)
        a.append(double(v));
    return a;
}

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

// ---- reading helpers: each throws a BadFile with a one-line reason ----

struct BadFile
{
    std::string reason;
};

[[noreturn]] void bad(const std::string &reason)
{
    throw BadFile{reason};
}

QJsonValue member(const QJsonObject &o, const char *key, const std::string &context)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        bad("bad JSON: " + context + " has no \"" + key + "\"");
    return v;
}

std::string getString(const QJsonObject &o, const char *key, const std::string &context)
{
    const QJsonValue v = member(o, key, context);
    if (!v.isString())
        bad("bad JSON: " + context + " \"" + key + "\" is not a string");
    return v.toString().toStdString();
}

QJsonArray getArray(const QJsonObject &o, const char *key, const std::string &context)
{
    const QJsonValue v = member(o, key, context);
    if (!v.isArray())
        bad("bad JSON: " + context + " \"" + key + "\" is not an array");
    return v.toArray();
}

QJsonObject getObject(const QJsonObject &o, const char *key, const std::string &context)
{
    const QJsonValue v = member(o, key, context);
    if (!v.isObject())
        bad("bad JSON: " + context + " \"" + key + "\" is not an object");
    return v.toObject();
}

int64_t toInteger(const QJsonValue &v, const std::string &context, int64_t lo, int64_t hi)
{
    if (!v.isDouble())
        bad("bad JSON: " + context + " is not a number");
    const double d = v.toDouble();
    if (!(d == std::floor(d)) || d < double(lo) || d > double(hi))
        bad("bad JSON: " + context + " = " + std::to_string(d) + " is not an integer in ["
            + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return int64_t(d);
}

std::vector<int> getInts(const QJsonArray &a, const std::string &context, int lo, int hi)
{
    std::vector<int> out;
    for (qsizetype i = 0; i < a.size(); ++i)
        out.push_back(int(toInteger(a[i], context + "[" + std::to_string(i) + "]", lo, hi)));
    return out;
}

std::vector<float> getFloats(const QJsonArray &a, const std::string &context)
{
    std::vector<float> out;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (!a[i].isDouble())
            bad("bad JSON: " + context + "[" + std::to_string(i) + "] is not a number");
        out.push_back(float(a[i].toDouble()));
    }
    return out;
}

std::vector<std::string> getStrings(const QJsonArray &a, const std::string &context)
{
    std::vector<std::string> out;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (!a[i].isString())
            bad("bad JSON: " + context + "[" + std::to_string(i) + "] is not a string");
        out.push_back(a[i].toString().toStdString());
    }
    return out;
}

QJsonObject architecture(const Model &model, std::vector<float> &blob,
                         const std::vector<std::string> &variants)
{
    QJsonObject root;
    root.insert(QStringLiteral("format"), QStringLiteral("frontier-model"));
    root.insert(QStringLiteral("written_by"), QStringLiteral("Frontier " FRONTIER_VERSION));
    root.insert(QStringLiteral("name"), qs(model.name));
    root.insert(QStringLiteral("input_shape"), intArray(model.inputShape));
    QJsonArray classes;
    for (const std::string &c : model.classNames)
        classes.append(qs(c));
    root.insert(QStringLiteral("class_names"), classes);

    QJsonObject norm;
    norm.insert(QStringLiteral("kind"), qs(model.normalization.kindName()));
    norm.insert(QStringLiteral("offset"), floatArray(model.normalization.offset));
    norm.insert(QStringLiteral("scale"), floatArray(model.normalization.scale));
    root.insert(QStringLiteral("normalization"), norm);

    QJsonObject meta;
    for (const auto &[key, value] : model.metadata)
        meta.insert(qs(key), qs(value));
    root.insert(QStringLiteral("metadata"), meta);

    QJsonArray layers;
    for (const std::unique_ptr<Layer> &layer : model.layers) {
        QJsonObject l;
        l.insert(QStringLiteral("name"), qs(layer->name));
        l.insert(QStringLiteral("type"), qs(layer->type()));
        l.insert(QStringLiteral("inputs"), intArray(layer->inputs));
        QJsonObject attrs;
        for (const auto &[key, values] : layer->attributes()) {
            QJsonArray a;
            for (double v : values)
                a.append(v);
            attrs.insert(qs(key), a);
        }
        l.insert(QStringLiteral("attributes"), attrs);
        QJsonArray params;
        for (const Param &p : layer->params()) {
            QJsonObject po;
            po.insert(QStringLiteral("name"), qs(p.name));
            po.insert(QStringLiteral("shape"), intArray(p.shape));
            po.insert(QStringLiteral("offset"), double(blob.size()));
            po.insert(QStringLiteral("count"), double(p.value.size()));
            po.insert(QStringLiteral("trainable"), p.trainable);
            params.append(po);
            blob.insert(blob.end(), p.value.begin(), p.value.end());
        }
        l.insert(QStringLiteral("params"), params);
        layers.append(l);
    }
    root.insert(QStringLiteral("layers"), layers);

    QJsonArray heads;
    for (const Head &h : model.heads) {
        QJsonObject ho;
        ho.insert(QStringLiteral("name"), qs(h.name));
        ho.insert(QStringLiteral("layer"), qs(model.layers[size_t(h.layer)]->name));
        ho.insert(QStringLiteral("loss_weight"), double(h.lossWeight));
        heads.append(ho);
    }
    root.insert(QStringLiteral("heads"), heads);
    QJsonArray stored;
    for (size_t i = 0; i < variants.size(); ++i) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(
            QByteArray(variants[i].data(), qsizetype(variants[i].size())), &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            throw Error("model " + model.name,
                        "variant " + std::to_string(i) + " is not a JSON object");
        stored.append(doc.object());
    }
    root.insert(QStringLiteral("variants"), stored);
    return root;
}

std::vector<std::string> parseVariants(const QJsonObject &root)
{
    std::vector<std::string> out;
    if (!root.contains(QLatin1String("variants")))
        return out;
    const QJsonValue v = root.value(QLatin1String("variants"));
    if (!v.isArray())
        bad("bad JSON: \"variants\" is not an array");
    const QJsonArray a = v.toArray();
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (!a[i].isObject())
            bad("bad JSON: variants[" + std::to_string(i) + "] is not an object");
        const QByteArray text = QJsonDocument(a[i].toObject()).toJson(QJsonDocument::Compact);
        out.emplace_back(text.constData(), size_t(text.size()));
    }
    return out;
}

Model parseArchitecture(const QJsonObject &root, const float *blob, uint64_t blobCount)
{
    Model model;
    model.name = getString(root, "name", "model");
    model.inputShape = getInts(getArray(root, "input_shape", "model"), "input_shape", 1, 1 << 30);
    if (model.inputShape.empty())
        bad("bad JSON: input_shape is empty");
    model.classNames = getStrings(getArray(root, "class_names", "model"), "class_names");

    const QJsonObject norm = getObject(root, "normalization", "model");
    try {
        model.normalization.kind
            = Normalization::kindFromName(getString(norm, "kind", "normalization"));
    } catch (const Error &e) {
        bad(std::string("bad JSON: normalization: ") + e.what());
    }
    model.normalization.offset
        = getFloats(getArray(norm, "offset", "normalization"), "normalization.offset");
    model.normalization.scale
        = getFloats(getArray(norm, "scale", "normalization"), "normalization.scale");
    if (model.normalization.offset.size() != model.normalization.scale.size())
        bad("bad JSON: normalization offset and scale differ in length");

    const QJsonObject meta = getObject(root, "metadata", "model");
    for (auto it = meta.begin(); it != meta.end(); ++it) {
        if (!it.value().isString())
            bad("bad JSON: metadata \"" + it.key().toStdString() + "\" is not a string");
        model.metadata[it.key().toStdString()] = it.value().toString().toStdString();
    }

    const std::vector<std::string> known = layerTypes();
    const QJsonArray layers = getArray(root, "layers", "model");
    if (layers.isEmpty())
        bad("bad graph: the model has no layers");
    std::vector<Shape> shapes;
    for (qsizetype i = 0; i < layers.size(); ++i) {
        const std::string ctx = "layer " + std::to_string(i);
        if (!layers[i].isObject())
            bad("bad JSON: " + ctx + " is not an object");
        const QJsonObject l = layers[i].toObject();
        const std::string name = getString(l, "name", ctx);
        const std::string type = getString(l, "type", ctx);
        const std::string lctx = "layer '" + name + "'";
        if (name.empty())
            bad("bad graph: " + ctx + " has an empty name");
        if (model.layerIndex(name) >= 0)
            bad("bad graph: duplicate layer name '" + name + "'");
        if (std::find(known.begin(), known.end(), type) == known.end())
            bad(lctx + ": unknown layer type '" + type + "'");

        Attributes attrs;
        const QJsonObject ao = getObject(l, "attributes", lctx);
        for (auto it = ao.begin(); it != ao.end(); ++it) {
            std::vector<double> values;
            if (it.value().isDouble()) {
                values.push_back(it.value().toDouble());
            } else if (it.value().isArray()) {
                const QJsonArray a = it.value().toArray();
                for (qsizetype k = 0; k < a.size(); ++k) {
                    if (!a[k].isDouble())
                        bad("bad JSON: " + lctx + " attribute \"" + it.key().toStdString()
                            + "\" holds a non-number");
                    values.push_back(a[k].toDouble());
                }
            } else {
                bad("bad JSON: " + lctx + " attribute \"" + it.key().toStdString()
                    + "\" is not a number list");
            }
            attrs[it.key().toStdString()] = std::move(values);
        }

        std::unique_ptr<Layer> layer;
        try {
            layer = createLayer(type, attrs);
        } catch (const Error &e) {
            bad(lctx + ": " + e.what());
        }
        layer->name = name;
        layer->inputs = getInts(getArray(l, "inputs", lctx), lctx + " inputs", INT_MIN, INT_MAX);
        for (int in : layer->inputs) {
            if (in < -1 || in >= int(i))
                bad("bad graph: " + lctx + " reads " + (in >= 0 ? "layer " : "")
                    + std::to_string(in) + ", which is not the model input or an earlier layer");
        }
        if (int(layer->inputs.size()) != layer->inputCount())
            bad("bad graph: " + lctx + " (" + type + ") has " + std::to_string(layer->inputs.size())
                + " inputs, needs " + std::to_string(layer->inputCount()));
        std::vector<Shape> inShapes;
        for (int in : layer->inputs)
            inShapes.push_back(in < 0 ? model.inputShape : shapes[size_t(in)]);

        // What the layer expects for these input shapes.
        std::unique_ptr<Layer> probe = layer->clone();
        try {
            probe->initialize(inShapes, 0);
        } catch (const Error &e) {
            bad("bad graph: " + lctx + ": " + e.what());
        } catch (const std::bad_alloc &) {
            bad("bad graph: " + lctx + ": its parameters for inputs "
                + (inShapes.empty() ? std::string("?") : shapeToString(inShapes.front()))
                + " are too large to hold");
        } catch (const std::length_error &) {
            bad("bad graph: " + lctx + ": its parameters for inputs "
                + (inShapes.empty() ? std::string("?") : shapeToString(inShapes.front()))
                + " are too large to hold");
        }
        const std::vector<Param> &expected = probe->params();

        const QJsonArray params = getArray(l, "params", lctx);
        if (params.size() != qsizetype(expected.size()))
            bad("param size mismatch: " + lctx + " has " + std::to_string(params.size())
                + " parameter tensors, a " + type + " layer needs "
                + std::to_string(expected.size()));
        std::vector<Param> loaded;
        for (qsizetype k = 0; k < params.size(); ++k) {
            const std::string pctx = lctx + " param " + std::to_string(k);
            if (!params[k].isObject())
                bad("bad JSON: " + pctx + " is not an object");
            const QJsonObject po = params[k].toObject();
            Param p;
            p.name = getString(po, "name", pctx);
            p.shape = getInts(getArray(po, "shape", pctx), pctx + " shape", 0, INT_MAX);
            const int64_t offset
                = toInteger(member(po, "offset", pctx), pctx + " offset", 0, int64_t(1) << 53);
            const int64_t count
                = toInteger(member(po, "count", pctx), pctx + " count", 0, int64_t(1) << 53);
            const QJsonValue trainable = member(po, "trainable", pctx);
            if (!trainable.isBool())
                bad("bad JSON: " + pctx + " \"trainable\" is not a boolean");
            p.trainable = trainable.toBool();
            const Param &want = expected[size_t(k)];
            if (p.name != want.name)
                bad("param size mismatch: " + lctx + " param " + std::to_string(k) + " is '"
                    + p.name + "', expected '" + want.name + "'");
            if (count != numel(p.shape) || p.shape != want.shape)
                bad("param size mismatch: " + lctx + " param '" + p.name + "' has shape "
                    + shapeToString(p.shape) + " and " + std::to_string(count)
                    + " values, expected " + shapeToString(want.shape));
            if (uint64_t(offset) + uint64_t(count) > blobCount)
                bad("param size mismatch: " + lctx + " param '" + p.name
                    + "' lies outside the parameter blob");
            p.value.assign(blob + offset, blob + offset + count);
            loaded.push_back(std::move(p));
        }
        layer->params() = std::move(loaded);
        try {
            shapes.push_back(layer->outputShape(inShapes));
        } catch (const Error &e) {
            bad("bad graph: " + std::string(e.what()));
        }
        if (numel(shapes.back()) > kMaxActivationElements)
            bad("bad graph: " + lctx + ": output " + shapeToString(shapes.back()) + " has "
                + std::to_string(numel(shapes.back()))
                + " elements per sample, more than the limit of "
                + std::to_string(kMaxActivationElements));
        model.layers.push_back(std::move(layer));
    }

    const QJsonArray heads = getArray(root, "heads", "model");
    if (heads.isEmpty())
        bad("bad graph: the model has no heads");
    std::set<std::string> headNames;
    for (qsizetype i = 0; i < heads.size(); ++i) {
        const std::string ctx = "head " + std::to_string(i);
        if (!heads[i].isObject())
            bad("bad JSON: " + ctx + " is not an object");
        const QJsonObject ho = heads[i].toObject();
        Head h;
        h.name = getString(ho, "name", ctx);
        const std::string layerName = getString(ho, "layer", ctx);
        h.layer = model.layerIndex(layerName);
        if (h.layer < 0)
            bad("bad graph: head '" + h.name + "' refers to a missing layer '" + layerName + "'");
        const QJsonValue w = member(ho, "loss_weight", ctx);
        if (!w.isDouble() || !(w.toDouble() >= 0.0))
            bad("bad JSON: head '" + h.name + "' loss_weight is not a number >= 0");
        h.lossWeight = float(w.toDouble());
        if (!headNames.insert(h.name).second)
            bad("bad graph: duplicate head name '" + h.name + "'");
        model.heads.push_back(std::move(h));
    }
    parseVariants(root); // validates them
    return model;
}

} // namespace

std::vector<uint8_t> serializeModel(const Model &model)
{
    return serializeModel(model, {});
}

std::vector<uint8_t> serializeModel(const Model &model, const std::vector<std::string> &variants)
{
    if (model.heads.empty())
        throw Error("model " + model.name, "has no output head");
    model.layerShapes(); // throws on a broken graph
    std::vector<float> blob;
    const QByteArray json
        = QJsonDocument(architecture(model, blob, variants)).toJson(QJsonDocument::Indented);

    std::vector<uint8_t> out(sizeof kMagic);
    std::memcpy(out.data(), kMagic, sizeof kMagic);
    putU32(out, kModelFormatVersion);
    putU64(out, uint64_t(json.size()));
    putU64(out, uint64_t(blob.size()));
    const size_t jsonAt = out.size();
    out.resize(jsonAt + size_t(json.size()) + blob.size() * 4);
    std::memcpy(out.data() + jsonAt, json.constData(), size_t(json.size()));
    uint8_t *b = out.data() + jsonAt + size_t(json.size());
    for (float v : blob) {
        const uint32_t bits = std::bit_cast<uint32_t>(v);
        for (int i = 0; i < 4; ++i)
            *b++ = uint8_t(bits >> (8 * i));
    }
    putU32(out, crc32Of(out.data(), out.size()));
    return out;
}

Model deserializeModel(const std::vector<uint8_t> &bytes, const std::string &where)
{
    return deserializeModelFile(bytes, where).model;
}

ModelFile deserializeModelFile(const std::vector<uint8_t> &bytes, const std::string &where)
{
    const size_t size = bytes.size();
    const uint8_t *p = bytes.data();
    if (size < sizeof kMagic) {
        if (size > 0 && std::memcmp(p, kMagic, size) == 0)
            throw Error(where, "truncated model file (" + std::to_string(size) + " bytes)");
        throw Error(where, "not a Frontier model file (bad magic)");
    }
    if (std::memcmp(p, kMagic, sizeof kMagic) != 0)
        throw Error(where, "not a Frontier model file (bad magic)");
    if (size < kHeaderSize)
        throw Error(where, "truncated model file (" + std::to_string(size) + " bytes)");
    const uint32_t version = getU32(p + 16);
    if (version > kModelFormatVersion)
        throw Error(where, "model format version " + std::to_string(version)
                               + " is newer than this Frontier supports ("
                               + std::to_string(kModelFormatVersion) + ")");
    if (version == 0)
        throw Error(where, "model format version 0 is not valid");
    const uint64_t jsonLength = getU64(p + 20);
    const uint64_t blobCount = getU64(p + 28);
    const uint64_t limit = uint64_t(1) << 48;
    if (jsonLength > limit || blobCount > limit)
        throw Error(where, "corrupt header (section lengths out of range)");
    const uint64_t expected = kHeaderSize + jsonLength + blobCount * 4 + kTrailerSize;
    if (size < expected)
        throw Error(where, "truncated model file (" + std::to_string(size) + " of "
                               + std::to_string(expected) + " bytes)");
    if (size > expected)
        throw Error(where, "unexpected data after the end of the model ("
                               + std::to_string(size - expected) + " bytes)");
    const uint32_t stored = getU32(p + size - kTrailerSize);
    if (crc32Of(p, size - kTrailerSize) != stored)
        throw Error(where, "checksum mismatch (the file is corrupt)");

    QJsonParseError parseError;
    const QByteArray json(reinterpret_cast<const char *>(p + kHeaderSize), qsizetype(jsonLength));
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw Error(where, "bad JSON: " + parseError.errorString().toStdString() + " at offset "
                               + std::to_string(parseError.offset));
    if (!doc.isObject())
        throw Error(where, "bad JSON: the architecture is not an object");

    std::vector<float> blob(static_cast<size_t>(blobCount));
    const uint8_t *b = p + kHeaderSize + jsonLength;
    for (size_t i = 0; i < blob.size(); ++i)
        blob[i] = std::bit_cast<float>(getU32(b + 4 * i));
    try {
        ModelFile file;
        file.model = parseArchitecture(doc.object(), blob.data(), blobCount);
        file.variants = parseVariants(doc.object());
        return file;
    } catch (const BadFile &e) {
        throw Error(where, e.reason);
    }
}

void saveModel(const Model &model, const std::string &path)
{
    saveModel(model, path, {});
}

void saveModel(const Model &model, const std::string &path,
               const std::vector<std::string> &variants)
{
    std::vector<uint8_t> bytes;
    try {
        bytes = serializeModel(model, variants);
    } catch (const Error &e) {
        throw Error(path, std::string("cannot save: ") + e.what());
    }
    writeFileAtomic(path, bytes.data(), bytes.size());
}

Model loadModel(const std::string &path)
{
    return deserializeModel(readFileBytes(path), path);
}

ModelFile loadModelFile(const std::string &path)
{
    return deserializeModelFile(readFileBytes(path), path);
}

} // namespace frontier::model
