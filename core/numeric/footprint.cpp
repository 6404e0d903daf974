#include "footprint.h"

#include "weightedgeometry.h"

#include "common/error.h"

#include <algorithm>

namespace frontier::numeric {

namespace {

int biasBits(const FormatSpec &f)
{
    switch (f.kind) {
    case FormatSpec::Kind::Minifloat:
    case FormatSpec::Kind::Custom:
        return f.weightBits;
    case FormatSpec::Kind::Float64:
        return 64;
    default:
        return 32;
    }
}

} // namespace

Footprint computeFootprint(const model::Model &model, const std::vector<FormatSpec> &layerFormats)
{
    const int count = int(model.layers.size());
    if (int(layerFormats.size()) != count)
        throw Error("footprint", "needs one format per layer");
    const std::vector<model::Shape> shapes = model.layerShapes();
    std::vector<bool> weighted(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i)
        weighted[size_t(i)] = WeightedGeometry::isWeighted(*model.layers[size_t(i)]);

    // Folded BatchNorms (the rule of model::Engine) are aliases of their producer.
    std::vector<int> consumers(static_cast<size_t>(count), 0);
    for (const auto &layer : model.layers) {
        for (int in : layer->inputs) {
            if (in >= 0)
                ++consumers[size_t(in)];
        }
    }
    for (const model::Head &h : model.heads)
        ++consumers[size_t(h.layer)];
    std::vector<int> alias(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
        alias[size_t(i)] = i;
        const model::Layer &layer = *model.layers[size_t(i)];
        if (layer.type() != "batchnorm" || layer.inputs.size() != 1)
            continue;
        const int p = layer.inputs[0];
        if (p >= 0 && alias[size_t(p)] == p && weighted[size_t(p)] && consumers[size_t(p)] == 1)
            alias[size_t(i)] = p;
    }

    // Width of every tensor (index t + 1; t = -1 is the model input): that of its next
    // weighted readers, found backwards.
    std::vector<int> readerWidth(static_cast<size_t>(count + 1), -1);
    for (int i = count; i-- > 0;) {
        const int own = weighted[size_t(i)] ? layerFormats[size_t(i)].activationBits
                                            : readerWidth[size_t(i + 1)];
        for (int in : model.layers[size_t(i)]->inputs) {
            const int t = in < 0 ? -1 : alias[size_t(in)];
            if (own > 0)
                readerWidth[size_t(t + 1)] = std::max(readerWidth[size_t(t + 1)], own);
        }
        if (alias[size_t(i)] != i && readerWidth[size_t(i + 1)] > 0) {
            const int p = alias[size_t(i)];
            readerWidth[size_t(p + 1)]
                = std::max(readerWidth[size_t(p + 1)], readerWidth[size_t(i + 1)]);
        }
    }
    std::vector<int> width(static_cast<size_t>(count + 1), 32);
    width[0] = readerWidth[0] > 0 ? readerWidth[0] : 32;
    for (int i = 0; i < count; ++i) {
        if (readerWidth[size_t(i + 1)] > 0) {
            width[size_t(i + 1)] = readerWidth[size_t(i + 1)];
        } else if (weighted[size_t(i)]) {
            width[size_t(i + 1)] = layerFormats[size_t(i)].activationBits;
        } else {
            const std::vector<int> &ins = model.layers[size_t(i)]->inputs;
            const int t = ins.empty() || ins[0] < 0 ? -1 : alias[size_t(ins[0])];
            width[size_t(i + 1)] = width[size_t(t + 1)];
        }
    }

    // Liveness in layer order.
    std::vector<int> lastUse(static_cast<size_t>(count + 1), -1);
    for (int i = 0; i < count; ++i) {
        for (int in : model.layers[size_t(i)]->inputs) {
            const int t = in < 0 ? -1 : alias[size_t(in)];
            lastUse[size_t(t + 1)] = std::max(lastUse[size_t(t + 1)], i);
        }
    }
    for (const model::Head &h : model.heads)
        lastUse[size_t(alias[size_t(h.layer)] + 1)] = count;
    auto bitsOf = [&](int t) {
        const int64_t elements
            = t < 0 ? model::numel(model.inputShape) : model::numel(shapes[size_t(t)]);
        return elements * width[size_t(t + 1)];
    };

    Footprint fp;
    fp.inputBits = bitsOf(-1);
    for (int i = 0; i < count; ++i) {
        const model::Layer &layer = *model.layers[size_t(i)];
        LayerFootprint lf;
        lf.layer = layer.name;
        lf.type = layer.type();
        lf.outputElements = model::numel(shapes[size_t(i)]);
        if (alias[size_t(i)] != i) {
            lf.format = "folded";
            fp.layers.push_back(lf);
            continue;
        }
        if (weighted[size_t(i)]) {
            const FormatSpec &f = layerFormats[size_t(i)];
            lf.format = f.name;
            lf.weights = int64_t(layer.param("weight")->value.size());
            lf.biases = int64_t(layer.param("bias")->value.size());
            lf.parameterBits = lf.weights * f.weightBits + lf.biases * biasBits(f);
        } else {
            for (const model::Param &p : layer.params())
                lf.parameterBits += int64_t(p.value.size()) * 32;
        }
        lf.activationBits = width[size_t(i + 1)];
        lf.outputBits = lf.outputElements * lf.activationBits;
        fp.parameterBits += lf.parameterBits;

        int64_t live = lf.outputBits;
        for (int t = -1; t < i; ++t) {
            if ((t < 0 || alias[size_t(t)] == t) && lastUse[size_t(t + 1)] >= i)
                live += bitsOf(t);
        }
        fp.peakActivationBits = std::max(fp.peakActivationBits, live);
        fp.layers.push_back(lf);
    }
    return fp;
}

} // namespace frontier::numeric
