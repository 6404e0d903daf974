#include "variant.h"

#include "formatassignment.h"
#include "variantengine.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace frontier::numeric {

namespace {

// What calibration needs from one weighted layer: min/max only, or every value.
struct Site
{
    bool values = false; // percentile/MSE: keep every value
    std::string method = "minmax";
    int bits = 8;
    bool symmetric = false;
    bool wanted = false;
};

} // namespace

Variant makeVariant(const model::Model &model, const std::string &assignment,
                    const float *calibration, int n, const std::string &calibrationSource,
                    Progress *progress)
{
    const FormatAssignment a = FormatAssignment::parse(assignment);
    const std::vector<FormatSpec> formats = a.resolve(model);
    Variant v;
    v.assignment = a.canonical();
    v.name = (model.name.empty() ? std::string("model") : model.name) + "@" + v.assignment;
    const std::vector<int> weighted = weightedLayerIndices(model);
    for (int i : weighted) {
        v.layers.push_back(model.layers[size_t(i)]->name);
        v.formats.push_back(formats[size_t(i)].name);
    }
    v.footprint = computeFootprint(model, formats);

    // Which layers need calibration, and how.
    const VariantEngine reference(model, std::vector<FormatSpec>());
    const std::vector<int> &order = reference.weightedLayers();
    std::vector<Site> sites(order.size());
    bool any = false;
    for (size_t w = 0; w < order.size(); ++w) {
        const FormatSpec &f = formats[size_t(order[w])];
        Site &s = sites[w];
        s.wanted = f.kind == FormatSpec::Kind::Integer || f.kind == FormatSpec::Kind::Stochastic;
        if (f.kind == FormatSpec::Kind::Integer) {
            s.method = f.calibration;
            s.values = f.calibration != "minmax";
            s.bits = f.activationBits;
            s.symmetric = f.symmetricActivations;
        }
        any = any || s.wanted;
    }
    if (!any)
        return v;
    if (n <= 0 || !calibration)
        throw Error("variant " + v.name, "needs calibration data (integer and sc formats)");

    // Observe the fp32 model: per block min/max, or all values at their sample offsets.
    const int blockSize = 64;
    const int blocks = (n + blockSize - 1) / blockSize;
    const size_t count = order.size();
    constexpr float inf = std::numeric_limits<float>::infinity();
    std::vector<Range> blockIn(static_cast<size_t>(blocks) * count, Range{inf, -inf});
    std::vector<Range> blockOut(static_cast<size_t>(blocks) * count, Range{inf, -inf});
    std::vector<std::vector<float>> valuesIn(count), valuesOut(count);
    std::vector<int64_t> inSize(count), outSize(count);
    for (size_t w = 0; w < count; ++w) {
        inSize[w] = reference.kernel(int(w)).geometry().inSize;
        outSize[w] = reference.kernel(int(w)).geometry().outSize();
        if (sites[w].values) {
            valuesIn[w].resize(size_t(inSize[w] * n));
            if (reference.isLastWeighted(int(w)))
                valuesOut[w].resize(size_t(outSize[w] * n));
        }
    }
    auto observe = [](const std::vector<float> &data, Range &r) {
        for (float x : data) {
            r.min = std::min(r.min, x);
            r.max = std::max(r.max, x);
        }
    };
    const VariantEngine::Tap tap
        = [&](int w, int start, const model::Tensor &in, const model::Tensor &out) {
              if (!sites[size_t(w)].wanted)
                  return;
              const size_t at = size_t(start / blockSize) * count + size_t(w);
              observe(in.data, blockIn[at]);
              observe(out.data, blockOut[at]);
              if (sites[size_t(w)].values) {
                  std::copy(in.data.begin(), in.data.end(),
                            valuesIn[size_t(w)].begin() + start * inSize[size_t(w)]);
                  if (!valuesOut[size_t(w)].empty())
                      std::copy(out.data.begin(), out.data.end(),
                                valuesOut[size_t(w)].begin() + start * outSize[size_t(w)]);
              }
          };
    model::RunOptions options;
    options.blockSize = blockSize;
    options.progress = progress;
    reference.run(calibration, n, options, tap);

    for (size_t w = 0; w < count; ++w) {
        const Site &s = sites[w];
        if (!s.wanted)
            continue;
        LayerCalibration c;
        c.layer = model.layers[size_t(order[w])]->name;
        c.hasOutput = reference.isLastWeighted(int(w));
        Range in{inf, -inf}, out{inf, -inf};
        for (int b = 0; b < blocks; ++b) {
            const Range &bi = blockIn[size_t(b) * count + w];
            const Range &bo = blockOut[size_t(b) * count + w];
            in = {std::min(in.min, bi.min), std::max(in.max, bi.max)};
            out = {std::min(out.min, bo.min), std::max(out.max, bo.max)};
        }
        for (const Range &r : {in, out}) {
            if (!std::isfinite(r.min) || !std::isfinite(r.max))
                throw Error("variant " + v.name,
                            std::string("layer '")
                                .append(c.layer)
                                .append("': the fp32 model produced a non-finite activation on "
                                        "the calibration data")
                                .append(calibrationSource.empty() ? "" : " from ")
                                .append(calibrationSource));
        }
        c.input = s.values ? chooseRange(valuesIn[w], s.method, s.bits, s.symmetric) : in;
        if (c.hasOutput)
            c.output = s.values ? chooseRange(valuesOut[w], s.method, s.bits, s.symmetric) : out;
        v.calibration.push_back(c);
    }
    v.calibrationSource = calibrationSource;
    v.calibrationSamples = n;
    return v;
}

std::vector<FormatSpec> variantLayerFormats(const model::Model &model, const Variant &variant)
{
    if (variant.layers.size() != variant.formats.size())
        throw Error("variant " + variant.name,
                    "has " + std::to_string(variant.layers.size()) + " layers but "
                        + std::to_string(variant.formats.size()) + " formats");
    std::vector<FormatSpec> formats(model.layers.size(), parseFormat("fp32"));
    for (size_t i = 0; i < variant.layers.size(); ++i) {
        const int at = model.layerIndex(variant.layers[i]);
        if (at < 0)
            throw Error("variant " + variant.name,
                        "names layer '" + variant.layers[i] + "', which the model does not have");
        formats[size_t(at)] = parseFormat(variant.formats[i]);
    }
    for (int i : weightedLayerIndices(model)) {
        const std::string &name = model.layers[size_t(i)]->name;
        if (std::find(variant.layers.begin(), variant.layers.end(), name) == variant.layers.end())
            throw Error("variant " + variant.name,
                        "does not cover layer '" + name
                            + "' of the model (made for another model?)");
    }
    return formats;
}

} // namespace frontier::numeric
