#include "engine.h"

#include "batchnormfolding.h"
#include "blocks.h"

#include "layers/conv2d.h"
#include "layers/dense.h"

#include "common/error.h"
#include "common/progress.h"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <cstring>

namespace frontier::model {

// Implementation notes.
//
// The plan is the model's layer list with folded BatchNorms removed: a folded BN is an
// alias of its producer, whose step runs a folded copy of the dense/conv layer. Every
// step writes into one of a few "slots" (activation tensors) chosen by liveness, so a
// block needs about as many buffers as the widest cut of the graph, not one per layer.
// Each thread owns one Scratch (slots + Workspace) that is reused from block to block;
// Tensor::resize keeps its allocation, so after the first block of the largest size a
// thread allocates nothing.
//
// Head rows are copied into the Outputs as soon as the head's layer has run, so heads do
// not extend the lifetime of their buffers.
//
// Dense and conv2d steps run a private copy of their layer prepared for inference
// (weights packed once for the GEMM kernel; a ReLU that reads only that layer fused into
// its epilogue and dropped from the plan, as folded BatchNorms are), called through
// forwardRaw(): the shapes were checked here, and a step that reads the model input
// reads the caller's samples in place (the block is copied only for other layer types).
// The kernel computes every output element in the same order whatever the block, so
// blocks and threads never change a bit of the result.

namespace {

struct Step
{
    const Layer *layer = nullptr;
    const Dense *dense = nullptr; // set for dense/conv2d steps that run forwardRaw()
    const Conv2d *conv = nullptr;
    Shape inShape; // of the (single) input, for forwardRaw()
    int layerIndex = -1;
    std::vector<int> inputSlots; // -1 = the block's input tensor
    int outSlot = -1;
    Shape shape;
    std::vector<int> heads; // heads whose values this step produces
};

struct Scratch
{
    Tensor input;
    std::vector<Tensor> slots;
    std::vector<const Tensor *> ins;
    Workspace ws;
};

} // namespace

struct Engine::Plan
{
    Model model;
    std::vector<std::unique_ptr<Layer>> ownedLayers; // folded and prepared copies
    std::vector<Step> steps;
    std::vector<Shape> shapes; // unfolded layer shapes
    std::vector<int> headWidths;
    int slotCount = 0;
    int folded = 0;
    bool copiesInput = false; // some step needs the block's input as a Tensor
    int64_t inputSize = 0;
    mutable tbb::enumerable_thread_specific<Scratch> scratch;

    void compile();
    void runBlock(Scratch &s, const float *x, int count, int start, Outputs &out) const;
    void fuseRelus(const std::vector<int> &consumers, std::vector<int> &alias,
                   std::vector<const Layer *> &runLayer, std::vector<bool> &withRelu);
    void prepareGemmSteps(const std::vector<bool> &withRelu);
};

void Engine::Plan::compile()
{
    const std::string where = model.name.empty() ? std::string("model") : "model " + model.name;
    if (model.layers.empty())
        throw Error(where, "has no layers");
    if (model.heads.empty())
        throw Error(where, "has no output head");
    shapes = model.layerShapes();
    inputSize = numel(model.inputShape);
    const int count = int(model.layers.size());

    for (const Head &h : model.heads) {
        if (h.layer < 0 || h.layer >= count)
            throw Error(where, "head '" + h.name + "' refers to a missing layer");
        headWidths.push_back(int(numel(shapes[size_t(h.layer)])));
    }

    BatchNormFolding folding = foldBatchNorms(model);
    const std::vector<int> &consumers = folding.consumers;
    std::vector<int> &alias = folding.alias;
    std::vector<const Layer *> &runLayer = folding.run;
    ownedLayers = std::move(folding.owned);
    folded = folding.folded;
    std::vector<bool> withRelu(size_t(count), false);
    fuseRelus(consumers, alias, runLayer, withRelu);

    // Steps in layer order; last use of every produced output.
    std::vector<int> stepOf(size_t(count), -1);
    for (int i = 0; i < count; ++i) {
        if (!runLayer[size_t(i)])
            continue;
        stepOf[size_t(i)] = int(steps.size());
        Step step;
        step.layer = runLayer[size_t(i)];
        step.layerIndex = i;
        step.shape = shapes[size_t(i)];
        steps.push_back(std::move(step));
    }
    for (size_t h = 0; h < model.heads.size(); ++h)
        steps[size_t(stepOf[size_t(alias[size_t(model.heads[h].layer)])])].heads.push_back(int(h));

    std::vector<int> lastUse(steps.size());
    for (size_t s = 0; s < steps.size(); ++s)
        lastUse[s] = int(s);
    for (size_t s = 0; s < steps.size(); ++s) {
        for (int in : model.layers[size_t(steps[s].layerIndex)]->inputs) {
            if (in < 0)
                continue;
            const int producer = stepOf[size_t(alias[size_t(in)])];
            lastUse[size_t(producer)] = std::max(lastUse[size_t(producer)], int(s));
        }
    }

    // Greedy slot assignment; the lowest free slot first (deterministic).
    std::vector<int> freeSlots;
    for (size_t s = 0; s < steps.size(); ++s) {
        Step &step = steps[s];
        for (int in : model.layers[size_t(step.layerIndex)]->inputs)
            step.inputSlots.push_back(
                in < 0 ? -1 : steps[size_t(stepOf[size_t(alias[size_t(in)])])].outSlot);
        if (freeSlots.empty()) {
            step.outSlot = slotCount++;
        } else {
            auto lowest = std::min_element(freeSlots.begin(), freeSlots.end());
            step.outSlot = *lowest;
            freeSlots.erase(lowest);
        }
        for (int in : model.layers[size_t(step.layerIndex)]->inputs) {
            if (in < 0)
                continue;
            const int producer = stepOf[size_t(alias[size_t(in)])];
            const int slot = steps[size_t(producer)].outSlot;
            if (lastUse[size_t(producer)] == int(s)
                && std::find(freeSlots.begin(), freeSlots.end(), slot) == freeSlots.end())
                freeSlots.push_back(slot);
        }
        if (lastUse[s] == int(s))
            freeSlots.push_back(step.outSlot);
    }
    prepareGemmSteps(withRelu);
}

namespace {

bool initialised(const Layer &layer)
{
    const std::vector<Param> &params = layer.params();
    return std::none_of(params.begin(), params.end(),
                        [](const Param &p) { return p.value.empty(); });
}

} // namespace

void Engine::Plan::fuseRelus(const std::vector<int> &consumers, std::vector<int> &alias,
                             std::vector<const Layer *> &runLayer, std::vector<bool> &withRelu)
{
    // A ReLU whose input is read by nothing else (heads included) and is computed by a
    // dense or conv2d layer (directly, or through a folded BatchNorm) becomes part of it.
    for (size_t i = 0; i < model.layers.size(); ++i) {
        const Layer &relu = *model.layers[i];
        if (relu.type() != "relu" || relu.inputs.size() != 1 || relu.inputs[0] < 0)
            continue;
        const int in = relu.inputs[0];
        if (consumers[size_t(in)] != 1)
            continue;
        const int p = alias[size_t(in)];
        const Layer *producer = runLayer[size_t(p)];
        if (!producer || withRelu[size_t(p)]
            || (producer->type() != "dense" && producer->type() != "conv2d")
            || !initialised(*producer))
            continue;
        withRelu[size_t(p)] = true;
        alias[i] = p;
        runLayer[i] = nullptr;
    }
}

void Engine::Plan::prepareGemmSteps(const std::vector<bool> &withRelu)
{
    for (Step &step : steps) {
        const Layer &layer = *step.layer;
        const bool dense = layer.type() == "dense";
        // Uninitialised weights: left to forward(), which reports them when run.
        if ((!dense && layer.type() != "conv2d") || !initialised(layer))
            continue;
        // A private copy (unless the step already runs one, e.g. with a BatchNorm folded).
        Layer *own = nullptr;
        for (const std::unique_ptr<Layer> &l : ownedLayers) {
            if (l.get() == step.layer)
                own = l.get();
        }
        if (!own) {
            ownedLayers.push_back(layer.clone());
            own = ownedLayers.back().get();
        }
        const int in = model.layers[size_t(step.layerIndex)]->inputs[0];
        step.inShape = in < 0 ? model.inputShape : shapes[size_t(in)];
        const bool relu = withRelu[size_t(step.layerIndex)];
        if (dense) {
            auto *d = static_cast<Dense *>(own);
            d->prepareInference(relu);
            step.dense = d;
        } else {
            auto *c = static_cast<Conv2d *>(own);
            c->prepareInference(relu);
            step.conv = c;
        }
        step.layer = own;
    }
    for (const Step &step : steps) {
        if (step.dense || step.conv)
            continue;
        for (int slot : step.inputSlots)
            copiesInput = copiesInput || slot < 0;
    }
}

void Engine::Plan::runBlock(Scratch &s, const float *x, int count, int start, Outputs &out) const
{
    if (int(s.slots.size()) < slotCount)
        s.slots.resize(size_t(slotCount));
    if (copiesInput) {
        s.input.resize(count, model.inputShape);
        std::memcpy(s.input.data.data(), x, sizeof(float) * size_t(int64_t(count) * inputSize));
    }
    for (const Step &step : steps) {
        Tensor &result = s.slots[size_t(step.outSlot)];
        result.resize(count, step.shape);
        if (step.dense || step.conv) {
            const int slot = step.inputSlots[0];
            const float *in = slot < 0 ? x : s.slots[size_t(slot)].data.data();
            if (step.dense)
                step.dense->forwardRaw(in, count, result.data.data());
            else
                step.conv->forwardRaw(in, step.inShape, count, result.data.data(), s.ws);
        } else {
            s.ins.clear();
            for (int slot : step.inputSlots)
                s.ins.push_back(slot < 0 ? &s.input : &s.slots[size_t(slot)]);
            step.layer->forward(s.ins, result, s.ws);
        }
        if (result.n != count || int64_t(result.data.size()) != int64_t(count) * numel(step.shape))
            throw Error(step.layer->where(), "forward() produced a tensor of the wrong size");
        for (int h : step.heads) {
            const size_t width = size_t(headWidths[size_t(h)]);
            std::memcpy(out.heads[size_t(h)].data() + size_t(start) * width, result.data.data(),
                        sizeof(float) * width * size_t(count));
        }
    }
}

Engine::Engine(const Model &model)
    : m_plan(std::make_unique<Plan>())
{
    m_plan->model = model;
    m_plan->compile();
}

Engine::~Engine() = default;
Engine::Engine(Engine &&) noexcept = default;
Engine &Engine::operator=(Engine &&) noexcept = default;

const Model &Engine::model() const
{
    return m_plan->model;
}

int Engine::foldedCount() const
{
    return m_plan->folded;
}

namespace {

Outputs emptyOutputs(const Model &model, const std::vector<int> &widths, int n)
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

Outputs Engine::run(const float *x, int n, const RunOptions &options) const
{
    if (n < 0)
        throw Error("engine", "negative sample count");
    if (options.blockSize < 1)
        throw Error("engine", "block size must be at least 1");
    const Plan &plan = *m_plan;
    Outputs out = emptyOutputs(plan.model, plan.headWidths, n);
    if (n == 0)
        return out;
    if (!x)
        throw Error("engine", "no input data");

    forEachBlock(n, options, [&](int, int start, int count) {
        plan.runBlock(plan.scratch.local(), x + int64_t(start) * plan.inputSize, count, start, out);
    });
    return out;
}

Outputs Engine::runSerial(const float *x, int n) const
{
    if (n < 0)
        throw Error("engine", "negative sample count");
    const Plan &plan = *m_plan;
    const Model &model = plan.model;
    Outputs out = emptyOutputs(model, plan.headWidths, n);
    if (n > 0 && !x)
        throw Error("engine", "no input data");
    std::vector<Tensor> acts(model.layers.size());
    Tensor input;
    std::vector<const Tensor *> ins;
    for (int i = 0; i < n; ++i) {
        input.resize(1, model.inputShape);
        std::memcpy(input.data.data(), x + int64_t(i) * plan.inputSize,
                    sizeof(float) * size_t(plan.inputSize));
        for (size_t l = 0; l < model.layers.size(); ++l) {
            const Layer &layer = *model.layers[l];
            ins.clear();
            for (int in : layer.inputs)
                ins.push_back(in < 0 ? &input : &acts[size_t(in)]);
            acts[l].resize(1, plan.shapes[l]);
            layer.forwardNaive(ins, acts[l]);
        }
        for (size_t h = 0; h < model.heads.size(); ++h) {
            const size_t width = size_t(plan.headWidths[h]);
            const Tensor &t = acts[size_t(model.heads[h].layer)];
            std::memcpy(out.heads[h].data() + size_t(i) * width, t.data.data(),
                        sizeof(float) * width);
        }
    }
    return out;
}

const float *Outputs::scores(int head, int i) const
{
    if (head < 0)
        head = int(heads.size()) - 1;
    return heads[size_t(head)].data() + int64_t(i) * headWidths[size_t(head)];
}

std::vector<int> Outputs::predictions(int head) const
{
    if (heads.empty())
        return {};
    if (head < 0)
        head = int(heads.size()) - 1;
    const int width = headWidths[size_t(head)];
    std::vector<int> result(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const float *row = scores(head, i);
        int best = 0;
        for (int c = 1; c < width; ++c) {
            if (row[c] > row[best])
                best = c;
        }
        result[size_t(i)] = best;
    }
    return result;
}

double accuracy(const std::vector<int> &predictions, const std::vector<int> &labels)
{
    if (predictions.size() != labels.size())
        throw Error("accuracy", std::to_string(predictions.size()) + " predictions for "
                                    + std::to_string(labels.size()) + " labels");
    if (labels.empty())
        return 0.0;
    size_t hits = 0;
    for (size_t i = 0; i < labels.size(); ++i)
        hits += predictions[i] == labels[i] ? 1 : 0;
    return double(hits) / double(labels.size());
}

} // namespace frontier::model
