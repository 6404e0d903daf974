#include "opcounter.h"

#include "common/error.h"

#include <algorithm>

// Counting rules per layer type (per sample); docs/cost-model.md, "Counting", is the
// reference and this file must agree with it. Memory (tensor widths, parameter bits,
// folding, the activation peak) comes from numeric::computeFootprint.

namespace frontier::cost {

using model::Layer;
using model::Model;
using model::Shape;
using numeric::FormatSpec;

namespace {

bool isWeighted(const Layer &layer)
{
    return layer.type() == "dense" || layer.type() == "conv2d";
}

bool isView(const Layer &layer)
{
    return layer.type() == "flatten" || layer.type() == "reshape";
}

FormatSpec floatSpec(bool fp64)
{
    FormatSpec f;
    f.kind = fp64 ? FormatSpec::Kind::Float64 : FormatSpec::Kind::Float32;
    f.name = fp64 ? "fp64" : "fp32";
    f.weightBits = f.activationBits = f.accumulatorBits = fp64 ? 64 : 32;
    if (fp64) {
        f.exponentBits = 11;
        f.mantissaBits = 52;
    }
    return f;
}

int windowSize(const Layer &layer)
{
    const model::Attributes a = layer.attributes();
    const auto it = a.find("kernel");
    if (it == a.end() || it->second.empty())
        return 1;
    const double kh = it->second[0];
    const double kw = it->second.size() > 1 ? it->second[1] : kh;
    return int(kh * kw);
}

int64_t ceilBytes(int64_t bits)
{
    return (bits + 7) / 8;
}

// The arithmetic of every layer: weighted layers their own format; others that of the
// weighted layer upstream (through their first input), else of the first weighted layer;
// fp32 (fp64 after fp64) in the float tail.
std::vector<FormatSpec> layerFormats(const Model &model, const std::vector<FormatSpec> &given,
                                     std::vector<bool> &floatTail)
{
    const size_t n = model.layers.size();
    std::vector<std::vector<int>> consumers(n);
    for (size_t j = 0; j < n; ++j) {
        for (int in : model.layers[j]->inputs) {
            if (in >= 0)
                consumers[size_t(in)].push_back(int(j));
        }
    }
    std::vector<bool> feedsWeighted(n, false);
    for (size_t k = n; k-- > 0;) {
        for (int c : consumers[k])
            feedsWeighted[k] = feedsWeighted[k] || isWeighted(*model.layers[size_t(c)])
                               || feedsWeighted[size_t(c)];
    }
    const FormatSpec *firstWeighted = nullptr;
    for (size_t i = 0; i < n && !firstWeighted; ++i) {
        if (isWeighted(*model.layers[i]))
            firstWeighted = &given[i];
    }
    std::vector<FormatSpec> formats(n);
    std::vector<const FormatSpec *> upstream(n, nullptr);
    floatTail.assign(n, false);
    for (size_t i = 0; i < n; ++i) {
        const Layer &layer = *model.layers[i];
        if (isWeighted(layer)) {
            upstream[i] = &given[i];
            formats[i] = given[i];
            continue;
        }
        const int in = layer.inputs.empty() ? -1 : layer.inputs[0];
        upstream[i] = in >= 0 ? upstream[size_t(in)] : nullptr;
        const FormatSpec *from = upstream[i] ? upstream[i] : firstWeighted;
        floatTail[i] = !feedsWeighted[i];
        if (!from)
            formats[i] = floatSpec(false);
        else if (floatTail[i])
            formats[i] = floatSpec(from->kind == FormatSpec::Kind::Float64);
        else
            formats[i] = *from;
    }
    return formats;
}

} // namespace

int64_t LayerCounts::extraMultiplies() const
{
    return format.kind == FormatSpec::Kind::Stochastic ? multiplies : multiplies - macs;
}

int64_t LayerCounts::extraAdditions() const
{
    return format.kind == FormatSpec::Kind::Stochastic ? additions : additions - macs;
}

VariantCounts countOperations(const Model &model, const std::vector<FormatSpec> &formats)
{
    const size_t n = model.layers.size();
    if (formats.size() != 1 && formats.size() != n)
        throw Error("model '" + model.name + "'",
                    std::to_string(formats.size()) + " formats for " + std::to_string(n)
                        + " layers (give one for all layers or one per layer)");
    const std::vector<FormatSpec> given
        = formats.size() == 1 ? std::vector<FormatSpec>(n, formats[0]) : formats;
    const std::vector<Shape> shapes = model.layerShapes();
    const numeric::Footprint footprint = numeric::computeFootprint(model, given);
    std::vector<bool> floatTail;
    const std::vector<FormatSpec> computeFormats = layerFormats(model, given, floatTail);

    // Bits per element of every tensor as stored (index t + 1; -1 = the model input).
    std::vector<int64_t> width(n + 1, 32);
    width[0] = footprint.inputBits / std::max<int64_t>(1, model::numel(model.inputShape));
    for (size_t i = 0; i < n; ++i)
        width[i + 1] = footprint.layers[i].activationBits;

    VariantCounts result;
    result.weight_bytes = ceilBytes(footprint.parameterBits);
    result.peakActivation_bytes = ceilBytes(footprint.peakActivationBits);
    result.layers.resize(n);
    for (size_t i = 0; i < n; ++i) {
        const Layer &layer = *model.layers[i];
        const numeric::LayerFootprint &lf = footprint.layers[i];
        LayerCounts &c = result.layers[i];
        c.name = layer.name;
        c.type = layer.type();
        c.format = computeFormats[i];
        c.floatTail = floatTail[i];
        c.folded = lf.format == "folded";
        c.view = isView(layer);
        if (c.folded || c.view) {
            // Aliases its input (a view; BatchNorm folded into the weighted layer): no
            // arithmetic, no data moved.
            continue;
        }
        const std::vector<Shape> inShapes = model.inputShapesOf(int(i), shapes);
        const int64_t out = model::numel(shapes[i]);
        for (size_t k = 0; k < inShapes.size(); ++k) {
            // A view or folded layer reads as the tensor it aliases.
            int in = layer.inputs[k];
            while (in >= 0 && (result.layers[size_t(in)].view || result.layers[size_t(in)].folded))
                in = model.layers[size_t(in)]->inputs.empty() ? -1
                                                              : model.layers[size_t(in)]->inputs[0];
            c.activationBitsRead += model::numel(inShapes[k]) * width[size_t(in + 1)];
        }
        c.outputBits = lf.outputBits;
        c.activationBitsWritten = lf.outputBits;
        c.weightCount = lf.weights;
        c.biasCount = lf.biases;
        c.weightBits = lf.parameterBits;

        const std::string &type = c.type;
        const bool sc = c.format.kind == FormatSpec::Kind::Stochastic;
        const int64_t streamLength = c.format.streamLength();
        if (isWeighted(layer)) {
            c.macs = layer.stats(inShapes).macs;
            c.dotProducts = out;
            if (sc) {
                // XNOR products counted by a parallel counter; bias added in binary.
                c.additions = c.dotProducts;
                c.scBitOps = c.macs * streamLength;
                c.scCounterBits = c.macs * streamLength;
                c.scStreams = model::numel(inShapes[0]) + c.weightCount;
                c.scStreamBits = c.scStreams * streamLength;
            } else {
                // n products summed with the bias: n additions per output.
                c.multiplies = c.macs;
                c.additions = c.macs;
            }
        } else if (type == "batchnorm") {
            // Not folded: y = x · scale + shift per channel.
            c.multiplies = out;
            c.additions = out;
        } else if (type == "relu") {
            c.comparisons = out;
        } else if (type == "leakyrelu") {
            c.comparisons = out;
            c.multiplies = out;
        } else if (type == "clip") {
            c.comparisons = 2 * out;
        } else if (type == "maxpool") {
            c.comparisons = out * (windowSize(layer) - 1);
        } else if (type == "avgpool") {
            c.additions = out * (windowSize(layer) - 1);
            c.multiplies = out;
        } else if (type == "globalavgpool") {
            const int64_t channels = inShapes[0].empty() ? 0 : inShapes[0][0];
            c.additions = model::numel(inShapes[0]) - channels;
            c.multiplies = channels;
        } else if (type == "add") {
            c.additions = out;
        } else if (type == "sigmoid" || type == "tanh") {
            c.activationEvals = out;
        } else if (type == "softmax") {
            // Per row of `len`: max (len - 1 comparisons), subtract it (len additions),
            // exp (len evaluations), sum (len - 1 additions), one reciprocal (an
            // evaluation) and len multiplies by it.
            const int64_t len = shapes[i].empty() ? out : shapes[i].back();
            const int64_t rows = len > 0 ? out / len : 0;
            c.comparisons = rows * (len - 1);
            c.additions = rows * (2 * len - 1);
            c.activationEvals = rows * (len + 1);
            c.multiplies = out;
        }
        // Any other type moves its data and does no arithmetic the model prices.
    }
    return result;
}

int64_t inputBytes(const Model &model, int bitsPerElement)
{
    return ceilBytes(model::numel(model.inputShape) * bitsPerElement);
}

} // namespace frontier::cost
