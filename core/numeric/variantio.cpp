#include "variantio.h"

#include "common/error.h"
#include "model/modelfile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace frontier::numeric {

namespace {

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

QJsonArray rangeJson(const Range &r)
{
    return QJsonArray{double(r.min), double(r.max)};
}

struct Bad
{
    std::string reason;
};

QJsonValue need(const QJsonObject &o, const char *key, const std::string &context)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        throw Bad{context + " has no \"" + key + "\""};
    return v;
}

std::string needString(const QJsonObject &o, const char *key, const std::string &context)
{
    const QJsonValue v = need(o, key, context);
    if (!v.isString())
        throw Bad{context + " \"" + key + "\" is not a string"};
    return v.toString().toStdString();
}

int64_t needInteger(const QJsonObject &o, const char *key, const std::string &context)
{
    const QJsonValue v = need(o, key, context);
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 0 || d != std::floor(d) || d > 9.0e15)
        throw Bad{context + " \"" + key + "\" is not a non-negative integer"};
    return int64_t(d);
}

Range needRange(const QJsonValue &v, const std::string &context)
{
    const QJsonArray a = v.toArray();
    if (!v.isArray() || a.size() != 2 || !a[0].isDouble() || !a[1].isDouble())
        throw Bad{context + " is not [min, max]"};
    const Range r{float(a[0].toDouble()), float(a[1].toDouble())};
    if (!std::isfinite(r.min) || !std::isfinite(r.max) || r.min > r.max)
        throw Bad{context + " is not a finite range with min <= max"};
    return r;
}

} // namespace

std::string variantToJson(const Variant &v)
{
    QJsonObject o;
    o[QStringLiteral("name")] = qs(v.name);
    o[QStringLiteral("assignment")] = qs(v.assignment);
    QJsonArray layers;
    for (size_t i = 0; i < v.layers.size(); ++i) {
        QJsonObject l;
        l[QStringLiteral("name")] = qs(v.layers[i]);
        l[QStringLiteral("format")] = qs(i < v.formats.size() ? v.formats[i] : std::string());
        for (const LayerCalibration &c : v.calibration) {
            if (c.layer != v.layers[i])
                continue;
            l[QStringLiteral("input_range")] = rangeJson(c.input);
            if (c.hasOutput)
                l[QStringLiteral("output_range")] = rangeJson(c.output);
        }
        layers.append(l);
    }
    o[QStringLiteral("layers")] = layers;
    QJsonObject cal;
    cal[QStringLiteral("source")] = qs(v.calibrationSource);
    cal[QStringLiteral("samples")] = v.calibrationSamples;
    o[QStringLiteral("calibration")] = cal;
    QJsonObject fp;
    fp[QStringLiteral("parameter_bits")] = double(v.footprint.parameterBits);
    fp[QStringLiteral("peak_activation_bits")] = double(v.footprint.peakActivationBits);
    fp[QStringLiteral("input_bits")] = double(v.footprint.inputBits);
    QJsonArray fl;
    for (const LayerFootprint &l : v.footprint.layers) {
        QJsonObject lo;
        lo[QStringLiteral("layer")] = qs(l.layer);
        lo[QStringLiteral("type")] = qs(l.type);
        lo[QStringLiteral("format")] = qs(l.format);
        lo[QStringLiteral("weights")] = double(l.weights);
        lo[QStringLiteral("biases")] = double(l.biases);
        lo[QStringLiteral("parameter_bits")] = double(l.parameterBits);
        lo[QStringLiteral("output_elements")] = double(l.outputElements);
        lo[QStringLiteral("activation_bits")] = l.activationBits;
        fl.append(lo);
    }
    fp[QStringLiteral("layers")] = fl;
    o[QStringLiteral("footprint")] = fp;
    const QByteArray text = QJsonDocument(o).toJson(QJsonDocument::Compact);
    return std::string(text.constData(), size_t(text.size()));
}

Variant variantFromJson(const std::string &json, const std::string &where)
{
    QJsonParseError error;
    const QJsonDocument doc
        = QJsonDocument::fromJson(QByteArray(json.data(), qsizetype(json.size())), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        throw Error(where, "a variant is not a JSON object");
    const QJsonObject o = doc.object();
    Variant v;
    try {
        v.name = needString(o, "name", "variant");
        const std::string ctx = "variant '" + v.name + "'";
        v.assignment = needString(o, "assignment", ctx);
        const QJsonValue layers = need(o, "layers", ctx);
        if (!layers.isArray())
            throw Bad{ctx + " \"layers\" is not an array"};
        for (const QJsonValue &lv : layers.toArray()) {
            if (!lv.isObject())
                throw Bad{ctx + " has a layer that is not an object"};
            const QJsonObject l = lv.toObject();
            const std::string name = needString(l, "name", ctx + " layer");
            const std::string lctx = ctx + " layer '" + name + "'";
            const std::string format = needString(l, "format", lctx);
            try {
                parseFormat(format);
            } catch (const Error &e) {
                throw Bad{lctx + ": " + e.what()};
            }
            v.layers.push_back(name);
            v.formats.push_back(format);
            if (l.contains(QLatin1String("input_range"))) {
                LayerCalibration c;
                c.layer = name;
                c.input = needRange(l.value(QLatin1String("input_range")), lctx + " input_range");
                if (l.contains(QLatin1String("output_range"))) {
                    c.hasOutput = true;
                    c.output
                        = needRange(l.value(QLatin1String("output_range")), lctx + " output_range");
                }
                v.calibration.push_back(c);
            }
        }
        const QJsonValue cal = need(o, "calibration", ctx);
        if (!cal.isObject())
            throw Bad{ctx + " \"calibration\" is not an object"};
        v.calibrationSource = needString(cal.toObject(), "source", ctx + " calibration");
        v.calibrationSamples = int(needInteger(cal.toObject(), "samples", ctx + " calibration"));
        const QJsonValue fpv = need(o, "footprint", ctx);
        if (!fpv.isObject())
            throw Bad{ctx + " \"footprint\" is not an object"};
        const QJsonObject fp = fpv.toObject();
        v.footprint.parameterBits = needInteger(fp, "parameter_bits", ctx + " footprint");
        v.footprint.peakActivationBits
            = needInteger(fp, "peak_activation_bits", ctx + " footprint");
        v.footprint.inputBits = needInteger(fp, "input_bits", ctx + " footprint");
        const QJsonValue fl = need(fp, "layers", ctx + " footprint");
        for (const QJsonValue &lv : fl.toArray()) {
            const QJsonObject l = lv.toObject();
            const std::string lctx = ctx + " footprint layer";
            LayerFootprint f;
            f.layer = needString(l, "layer", lctx);
            f.type = needString(l, "type", lctx);
            f.format = needString(l, "format", lctx);
            f.weights = needInteger(l, "weights", lctx);
            f.biases = needInteger(l, "biases", lctx);
            f.parameterBits = needInteger(l, "parameter_bits", lctx);
            f.outputElements = needInteger(l, "output_elements", lctx);
            f.activationBits = int(needInteger(l, "activation_bits", lctx));
            f.outputBits = f.outputElements * f.activationBits;
            v.footprint.layers.push_back(f);
        }
    } catch (const Bad &b) {
        throw Error(where, b.reason);
    }
    return v;
}

std::vector<Variant> loadVariants(const std::string &modelPath)
{
    const model::ModelFile file = model::loadModelFile(modelPath);
    std::vector<Variant> out;
    for (const std::string &json : file.variants)
        out.push_back(variantFromJson(json, modelPath));
    return out;
}

void storeVariant(const std::string &modelPath, const Variant &variant)
{
    model::ModelFile file = model::loadModelFile(modelPath);
    std::vector<std::string> kept;
    for (const std::string &json : file.variants) {
        if (variantFromJson(json, modelPath).name != variant.name)
            kept.push_back(json);
    }
    kept.push_back(variantToJson(variant));
    model::saveModel(file.model, modelPath, kept);
}

} // namespace frontier::numeric
