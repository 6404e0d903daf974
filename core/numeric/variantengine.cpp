#include "variantengine.h"

#include "common/detmath.h"

#include "model/batchnormfolding.h"
#include "model/blocks.h"

#include "variant.h"

#include "common/error.h"
#include "common/progress.h"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>

namespace frontier::numeric {

// Implementation notes. The plan mirrors model::Engine's: the layer list with folded
// BatchNorms removed (a folded BN is an alias of its producer). Unlike model::Engine every
// step keeps its own output tensor for the whole block, so that taps and compare() can
// read any layer after the block has run; a block of 64 samples of the recipes' models
// needs a few MB per thread.

using model::Layer;
using model::Outputs;
using model::Shape;
using model::Tensor;

double LayerError::sqnrDb() const
{
    if (noise <= 0)
        return INFINITY;
    if (signal <= 0)
        return -INFINITY;
    return 10.0 * dmath::log10(signal / noise);
}

namespace {

struct Step
{
    const Layer *layer = nullptr;           // layers without weights
    const WeightedKernel *kernel = nullptr; // weighted layers
    int layerIndex = -1;
    int weighted = -1;
    std::vector<int> inputs; // step indices; -1 = the block input
    Shape shape;
    std::vector<int> heads;
};

struct Scratch
{
    Tensor input;
    std::vector<Tensor> outs;
    std::vector<const Tensor *> ins;
    KernelScratch k;
};

bool needsCalibration(const FormatSpec &f)
{
    return f.kind == FormatSpec::Kind::Integer || f.kind == FormatSpec::Kind::Stochastic;
}

} // namespace

struct VariantEngine::Plan
{
    model::Model model;
    std::vector<std::unique_ptr<Layer>> foldedLayers;
    std::vector<std::unique_ptr<WeightedKernel>> kernels;
    std::vector<FormatSpec> formats;
    std::vector<int> weighted;
    std::vector<int> weightedStep;
    std::vector<bool> last;
    std::vector<Step> steps;
    std::vector<Shape> shapes;
    std::vector<int> headWidths;
    int folded = 0;
    int64_t inputSize = 0;
    mutable tbb::enumerable_thread_specific<Scratch> scratch;

    void compile(const std::vector<FormatSpec> &layerFormats,
                 const std::vector<LayerCalibration> &calibration);
    void runBlock(Scratch &s, const float *x, int count, int start, Outputs *out,
                  const Tap *tap) const;
};

void VariantEngine::Plan::compile(const std::vector<FormatSpec> &layerFormats,
                                  const std::vector<LayerCalibration> &calibration)
{
    const std::string where = model.name.empty() ? std::string("model") : "model " + model.name;
    if (model.layers.empty())
        throw Error(where, "has no layers");
    if (model.heads.empty())
        throw Error(where, "has no output head");
    const int count = int(model.layers.size());
    if (!layerFormats.empty() && int(layerFormats.size()) != count)
        throw Error(where, "variant has " + std::to_string(layerFormats.size())
                               + " layer formats for " + std::to_string(count) + " layers");
    shapes = model.layerShapes();
    inputSize = model::numel(model.inputShape);
    for (const model::Head &h : model.heads) {
        if (h.layer < 0 || h.layer >= count)
            throw Error(where, "head '" + h.name + "' refers to a missing layer");
        headWidths.push_back(int(model::numel(shapes[size_t(h.layer)])));
    }

    // BatchNorm folding, shared with model::Engine.
    model::BatchNormFolding folding = model::foldBatchNorms(model);
    const std::vector<int> &alias = folding.alias;
    const std::vector<const Layer *> &runLayer = folding.run;
    foldedLayers = std::move(folding.owned);
    folded = folding.folded;

    std::vector<int> stepOf(static_cast<size_t>(count), -1);
    for (int i = 0; i < count; ++i) {
        if (!runLayer[size_t(i)])
            continue;
        stepOf[size_t(i)] = int(steps.size());
        Step step;
        step.layerIndex = i;
        step.shape = shapes[size_t(i)];
        for (int in : model.layers[size_t(i)]->inputs)
            step.inputs.push_back(in < 0 ? -1 : stepOf[size_t(alias[size_t(in)])]);
        if (WeightedGeometry::isWeighted(*runLayer[size_t(i)])) {
            step.weighted = int(weighted.size());
            weighted.push_back(i);
            weightedStep.push_back(int(steps.size()));
        } else {
            step.layer = runLayer[size_t(i)];
        }
        steps.push_back(std::move(step));
    }
    for (size_t h = 0; h < model.heads.size(); ++h)
        steps[size_t(stepOf[size_t(alias[size_t(model.heads[h].layer)])])].heads.push_back(int(h));

    // Last weighted layers: no weighted layer is reachable from their output.
    std::vector<bool> reaches(steps.size(), false);
    for (size_t s = steps.size(); s-- > 0;) {
        for (int in : steps[s].inputs) {
            if (in >= 0 && (steps[s].weighted >= 0 || reaches[s]))
                reaches[size_t(in)] = true;
        }
    }

    for (size_t w = 0; w < weighted.size(); ++w) {
        Step &step = steps[size_t(weightedStep[w])];
        const int i = step.layerIndex;
        const Layer &layer = *runLayer[size_t(i)];
        const FormatSpec format
            = layerFormats.empty() ? parseFormat("fp32") : layerFormats[size_t(i)];
        KernelSetup setup;
        setup.layer = &layer;
        setup.input = step.inputs[0] < 0 ? model.inputShape : steps[size_t(step.inputs[0])].shape;
        setup.format = format;
        setup.quantizeOutput = !reaches[size_t(weightedStep[w])];
        setup.streamId = uint64_t(i);
        if (needsCalibration(format)) {
            const auto it
                = std::find_if(calibration.begin(), calibration.end(),
                               [&](const LayerCalibration &c) { return c.layer == layer.name; });
            if (it == calibration.end())
                throw Error(layer.where(), "has no calibration for " + format.name);
            if (setup.quantizeOutput && !it->hasOutput)
                throw Error(layer.where(), "has no output calibration for " + format.name);
            setup.calibration = *it;
        }
        kernels.push_back(makeKernel(setup));
        step.kernel = kernels.back().get();
        formats.push_back(format);
        last.push_back(setup.quantizeOutput);
    }
}

void VariantEngine::Plan::runBlock(Scratch &s, const float *x, int count, int start, Outputs *out,
                                   const Tap *tap) const
{
    s.outs.resize(steps.size());
    s.input.resize(count, model.inputShape);
    std::memcpy(s.input.data.data(), x, sizeof(float) * size_t(int64_t(count) * inputSize));
    for (size_t i = 0; i < steps.size(); ++i) {
        const Step &step = steps[i];
        s.ins.clear();
        for (int in : step.inputs)
            s.ins.push_back(in < 0 ? &s.input : &s.outs[size_t(in)]);
        Tensor &result = s.outs[i];
        result.resize(count, step.shape);
        if (step.kernel) {
            step.kernel->forward(*s.ins[0], result, s.k, start);
            if (tap && *tap)
                (*tap)(step.weighted, start, *s.ins[0], result);
        } else {
            step.layer->forward(s.ins, result, s.k.ws);
        }
        if (!out)
            continue;
        for (int h : step.heads) {
            const size_t width = size_t(headWidths[size_t(h)]);
            std::memcpy(out->heads[size_t(h)].data() + size_t(start) * width, result.data.data(),
                        sizeof(float) * width * size_t(count));
        }
    }
}

VariantEngine::VariantEngine(const model::Model &model, const std::vector<FormatSpec> &layerFormats,
                             const std::vector<LayerCalibration> &calibration)
    : m_plan(std::make_unique<Plan>())
{
    m_plan->model = model;
    m_plan->compile(layerFormats, calibration);
}

VariantEngine::VariantEngine(const model::Model &model, const Variant &variant)
    : VariantEngine(model, variantLayerFormats(model, variant), variant.calibration)
{}

VariantEngine::~VariantEngine() = default;
VariantEngine::VariantEngine(VariantEngine &&) noexcept = default;
VariantEngine &VariantEngine::operator=(VariantEngine &&) noexcept = default;

const model::Model &VariantEngine::model() const
{
    return m_plan->model;
}

const std::vector<int> &VariantEngine::weightedLayers() const
{
    return m_plan->weighted;
}

bool VariantEngine::isLastWeighted(int w) const
{
    return m_plan->last[size_t(w)];
}

const WeightedKernel &VariantEngine::kernel(int w) const
{
    return *m_plan->kernels[size_t(w)];
}

const FormatSpec &VariantEngine::format(int w) const
{
    return m_plan->formats[size_t(w)];
}

int VariantEngine::foldedCount() const
{
    return m_plan->folded;
}

namespace {

Outputs emptyOutputs(const model::Model &model, const std::vector<int> &widths, int n)
{
    Outputs out;
    out.n = n;
    out.headWidths = widths;
    for (size_t h = 0; h < model.heads.size(); ++h) {
        out.headNames.push_back(model.heads[h].name);
        out.heads.emplace_back(size_t(int64_t(n) * widths[h]));
    }
    return out;
}

} // namespace

Outputs VariantEngine::run(const float *x, int n, const model::RunOptions &options,
                           const Tap &tap) const
{
    if (n < 0)
        throw Error("engine", "negative sample count");
    const Plan &plan = *m_plan;
    Outputs out = emptyOutputs(plan.model, plan.headWidths, n);
    if (n == 0)
        return out;
    if (!x)
        throw Error("engine", "no input data");
    model::forEachBlock(n, options, [&](int, int start, int count) {
        plan.runBlock(plan.scratch.local(), x + int64_t(start) * plan.inputSize, count, start, &out,
                      &tap);
    });
    return out;
}

Outputs VariantEngine::runSerial(const float *x, int n) const
{
    if (n < 0)
        throw Error("engine", "negative sample count");
    const Plan &plan = *m_plan;
    Outputs out = emptyOutputs(plan.model, plan.headWidths, n);
    if (n > 0 && !x)
        throw Error("engine", "no input data");
    std::vector<Tensor> outs(plan.steps.size());
    Tensor input;
    std::vector<const Tensor *> ins;
    for (int i = 0; i < n; ++i) {
        input.resize(1, plan.model.inputShape);
        std::memcpy(input.data.data(), x + int64_t(i) * plan.inputSize,
                    sizeof(float) * size_t(plan.inputSize));
        for (size_t s = 0; s < plan.steps.size(); ++s) {
            const Step &step = plan.steps[s];
            ins.clear();
            for (int in : step.inputs)
                ins.push_back(in < 0 ? &input : &outs[size_t(in)]);
            outs[s].resize(1, step.shape);
            if (step.kernel)
                step.kernel->forwardNaive(*ins[0], outs[s], i);
            else
                step.layer->forwardNaive(ins, outs[s]);
            for (int h : step.heads) {
                const size_t width = size_t(plan.headWidths[size_t(h)]);
                std::memcpy(out.heads[size_t(h)].data() + size_t(i) * width, outs[s].data.data(),
                            sizeof(float) * width);
            }
        }
    }
    return out;
}

std::vector<LayerError> VariantEngine::compare(const VariantEngine &reference, const float *x,
                                               int n, const model::RunOptions &options) const
{
    const Plan &plan = *m_plan;
    const Plan &ref = *reference.m_plan;
    if (ref.weighted != plan.weighted || ref.steps.size() != plan.steps.size())
        throw Error("engine", "compare() needs two engines of the same model");
    const size_t layers = plan.weighted.size();
    if (n <= 0)
        return std::vector<LayerError>(layers);
    if (!x)
        throw Error("engine", "no input data");
    const int blocks
        = int((int64_t(n) + std::max(1, options.blockSize) - 1) / std::max(1, options.blockSize));
    std::vector<LayerError> perBlock(static_cast<size_t>(blocks) * layers);
    model::forEachBlock(n, options, [&](int b, int start, int count) {
        Scratch &mine = plan.scratch.local();
        Scratch &theirs = &ref == &plan ? mine : ref.scratch.local();
        const float *xb = x + int64_t(start) * plan.inputSize;
        ref.runBlock(theirs, xb, count, start, nullptr, nullptr);
        if (&ref != &plan)
            plan.runBlock(mine, xb, count, start, nullptr, nullptr);
        for (size_t w = 0; w < layers; ++w) {
            const std::vector<float> &a = theirs.outs[size_t(ref.weightedStep[w])].data;
            const std::vector<float> &v = mine.outs[size_t(plan.weightedStep[w])].data;
            LayerError &e = perBlock[size_t(b) * layers + w];
            for (size_t i = 0; i < a.size(); ++i) {
                const double d = double(v[i]) - double(a[i]);
                e.signal += double(a[i]) * double(a[i]);
                e.noise += d * d;
            }
        }
    });
    std::vector<LayerError> total(layers);
    for (int b = 0; b < blocks; ++b) {
        for (size_t w = 0; w < layers; ++w) {
            total[w].signal += perBlock[size_t(b) * layers + w].signal;
            total[w].noise += perBlock[size_t(b) * layers + w].noise;
        }
    }
    return total;
}

} // namespace frontier::numeric
