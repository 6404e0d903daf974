#include "quanttraining.h"

#include "loss.h"
#include "optimizer.h"
#include "rctquant.h"
#include "trainingcost.h"

#include "common/detmath.h"
#include "common/error.h"
#include "common/progress.h"
#include "common/random.h"
#include "model/engine.h"
#include "numeric/affine.h"
#include "numeric/evaluation.h"
#include "numeric/formatassignment.h"
#include "numeric/variantengine.h"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <numbers>
#include <numeric>
#include <optional>

namespace frontier::train {

using model::Layer;
using model::LayerCache;
using model::Model;
using model::numel;
using model::Param;
using model::Shape;
using model::Tensor;

// Implementation notes.
//
// The loop has the structure of trainer.cpp (fixed micro-batches run in parallel, each into
// its own gradient buffers, summed in micro-batch order), with the quantizers of the method
// around every weighted layer:
//   forward   x -> x^ (qat: calibrated range; rct: the micro-batch's min/max), the layer run
//             on x^ with the effective weights (qat: fake-quantized master; rct: dequantized
//             codes), and, for qat's last weighted layers, the output fake-quantized;
//   backward  qat: the output gradient zeroed where the output was clipped; rct: the output
//             gradient quantized (symmetric, stochastic rounding seeded by step, micro-batch
//             and layer); the layer's own backward on x^ and the effective weights (the STE);
//             qat: the input gradient zeroed where x was clipped.
// The effective weights live in the parameters of the model the layers run from (`work`):
// the model itself for fp32 and rct, a copy for qat (whose model keeps the float32 master
// weights the optimizer updates). For rct they are materialised from the codes at the start
// of a step and released after the update, so between steps only the codes exist.

namespace {

enum { WeightParam = 0, BiasParam = 1 };

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

struct Weighted
{
    int layer = -1;
    std::string name;
    bool last = false;
    bool needGradIn = false; // some trainable layer lies upstream of its input
    int64_t weights = 0;
    int64_t biases = 0;
    int64_t macsPerSample = 0;
    int channels = 0;
};

struct MicroResult
{
    std::vector<std::vector<std::vector<float>>> grads; // [layer][param]
    std::vector<LayerCache> caches;
    double loss = 0;
    int correct = 0;
};

struct Scratch
{
    Tensor input;
    std::vector<Tensor> acts;
    std::vector<Tensor> grads;
    std::vector<char> ready;
    std::vector<Tensor> temp;
    std::vector<Tensor> qin;    // [layer]: quantized input of a weighted layer
    std::vector<Tensor> preOut; // [layer]: qat last layers: output before quantization
    Tensor gradQ;               // quantized / masked output gradient
    std::vector<float> lossGrad;
    std::vector<int> labels;
    std::vector<const Tensor *> ins;
    std::vector<Tensor *> gradIn;
    model::Workspace ws;
};

struct HeadLoss
{
    int logits = -1;
    int width = 0;
    float weight = 1.0f;
    bool isFinal = false;
};

// Symmetric max-abs quantization of a gradient tensor to `bits` with stochastic rounding.
void quantizeGradient(const float *g, int64_t n, int bits, Random &rng, float *out)
{
    float maxAbs = 0.0f;
    for (int64_t i = 0; i < n; ++i)
        maxAbs = std::max(maxAbs, std::fabs(g[i]));
    if (!(maxAbs > 0.0f)) {
        std::fill(out, out + n, 0.0f);
        return;
    }
    const int32_t qmax = (int32_t(1) << (bits - 1)) - 1;
    const float scale = maxAbs / float(qmax);
    const float inverse = 1.0f / scale;
    for (int64_t i = 0; i < n; ++i) {
        const int64_t q = stochasticRound(double(g[i] * inverse), rng.uniform());
        out[i] = float(std::clamp<int64_t>(q, -qmax, qmax)) * scale;
    }
}

bool insideRange(float x, const numeric::AffineParams &p)
{
    const float t = x * p.inverse;
    if (std::isnan(t))
        return false;
    const float q = float(p.zeroPoint) + std::nearbyint(t);
    return q >= float(p.qmin) && q <= float(p.qmax);
}

std::string variantAssignment(const QuantTrainOptions &o, const std::vector<Weighted> &weighted,
                              const std::vector<IntegerTensor> &codes)
{
    if (o.method == TrainMethod::Qat)
        return "int" + std::to_string(o.bits);
    if (o.method == TrainMethod::Fp32)
        return "fp32";
    const std::string a = std::to_string(o.rct.activationBits);
    std::string text = "w" + std::to_string(codes[0].bits) + "a" + a + ":pt";
    for (size_t w = 1; w < weighted.size(); ++w) {
        if (codes[w].bits != codes[0].bits)
            text += ";" + weighted[w].name + "=w" + std::to_string(codes[w].bits) + "a" + a + ":pt";
    }
    return text;
}

class QuantTrainer
{
public:
    QuantTrainer(Model &model, const data::Dataset &data, const data::Dataset *calibration,
                 const QuantTrainOptions &options)
        : m_model(model)
        , m_data(data)
        , m_calibration(calibration)
        , m_options(options)
        , m_method(options.method)
    {
        const size_t count = model.layers.size();
        m_shapes = model.layerShapes();
        m_inputSize = numel(model.inputShape);
        m_trainable.assign(count, false);
        m_needGrad.assign(count, false);
        m_weightedIndex.assign(count, -1);
        const std::vector<int> weightedLayers = numeric::weightedLayerIndices(model);
        const std::vector<bool> lastFlags = numeric::lastWeightedFlags(model);
        for (size_t l = 0; l < count; ++l) {
            const Layer &layer = *model.layers[l];
            for (const Param &p : layer.params())
                m_trainable[l] = m_trainable[l] || p.trainable;
            const bool weightedLayer = layer.type() == "dense" || layer.type() == "conv2d";
            if (m_trainable[l] && !weightedLayer && m_method != TrainMethod::Fp32)
                throw Error(layer.where(), "has parameters; " + methodName(m_method)
                                               + " trains models whose only layers with "
                                                 "parameters are dense and conv2d");
            if (!weightedLayer && !layer.params().empty() && m_method != TrainMethod::Fp32)
                throw Error(layer.where(),
                            methodName(m_method) + " does not train models with this layer");
            bool upstream = false;
            for (int in : layer.inputs)
                upstream = upstream || (in >= 0 && m_needGrad[size_t(in)]);
            m_needGrad[l] = upstream || m_trainable[l];
            if (weightedLayer) {
                Weighted w;
                w.layer = int(l);
                w.name = layer.name;
                w.needGradIn = upstream;
                w.weights = int64_t(layer.params()[WeightParam].value.size());
                w.biases = int64_t(layer.params()[BiasParam].value.size());
                w.channels = int(w.biases);
                const std::vector<Shape> ins = model.inputShapesOf(int(l), m_shapes);
                w.macsPerSample = layer.stats(ins).macs;
                for (size_t k = 0; k < weightedLayers.size(); ++k) {
                    if (weightedLayers[k] == int(l))
                        w.last = lastFlags[k];
                }
                m_weightedIndex[l] = int(m_weighted.size());
                m_weighted.push_back(w);
            }
        }
        if (m_weighted.empty())
            throw Error("train", "the model has no dense or conv2d layer to train");
        for (size_t h = 0; h < model.heads.size(); ++h) {
            HeadLoss hl;
            hl.logits = logitsLayer(model, model.heads[h]);
            hl.width = int(numel(m_shapes[size_t(hl.logits)]));
            hl.weight = model.heads[h].lossWeight;
            hl.isFinal = h + 1 == model.heads.size();
            m_heads.push_back(hl);
        }
        if (model.inputShape.size() == 3) {
            const int side = std::min(model.inputShape[1], model.inputShape[2]);
            m_shift = std::min(options.train.augmentShift, side / 14);
        }
        m_actParams.resize(count);
        m_outParams.resize(count);
        if (m_method == TrainMethod::Qat)
            m_workCopy = model; // the effective (fake-quantized) weights; model keeps masters
        if (m_method == TrainMethod::Rct) {
            const RctOptions &r = options.rct;
            const int bits = std::clamp(r.initialBits, r.minBits, r.maxBits);
            const float biasScale = std::ldexp(1.0f, -r.biasFractionBits);
            const int32_t biasMax = (int32_t(1) << (r.biasBits - 1)) - 1;
            for (const Weighted &w : m_weighted) {
                std::vector<Param> &params = model.layers[size_t(w.layer)]->params();
                m_codes.push_back(
                    IntegerTensor::quantize(params[WeightParam].value.data(), w.weights, bits));
                IntegerTensor b;
                b.bits = r.biasBits;
                b.scale = biasScale;
                for (float v : params[BiasParam].value) {
                    const float q = std::nearbyint(v / biasScale);
                    b.codes.push_back(std::clamp(int32_t(q), -biasMax, biasMax));
                }
                m_biasCodes.push_back(std::move(b));
                releaseWeights(params);
            }
            m_stepsInWindow.assign(m_weighted.size(), 0.0);
        }
    }

    Model &work() { return m_method == TrainMethod::Qat ? m_workCopy : m_model; }
    const Model &work() const { return m_method == TrainMethod::Qat ? m_workCopy : m_model; }
    const std::vector<Weighted> &weighted() const { return m_weighted; }
    const std::vector<HeadLoss> &heads() const { return m_heads; }
    const std::vector<IntegerTensor> &codes() const { return m_codes; }
    const std::vector<IntegerTensor> &biasCodes() const { return m_biasCodes; }
    const std::vector<Shape> &shapes() const { return m_shapes; }

    static void releaseWeights(std::vector<Param> &params)
    {
        for (Param &p : params) {
            p.value.clear();
            p.value.shrink_to_fit();
        }
    }

    // rct: writes the dequantized codes into the model's parameters (for a step, validation
    // or the saved model).
    void materialize()
    {
        for (size_t w = 0; w < m_weighted.size(); ++w) {
            std::vector<Param> &params = m_model.layers[size_t(m_weighted[w].layer)]->params();
            params[WeightParam].value.resize(size_t(m_weighted[w].weights));
            m_codes[w].dequantize(params[WeightParam].value.data());
            params[BiasParam].value.resize(size_t(m_weighted[w].biases));
            m_biasCodes[w].dequantize(params[BiasParam].value.data());
        }
    }

    void release()
    {
        for (const Weighted &w : m_weighted)
            releaseWeights(m_model.layers[size_t(w.layer)]->params());
    }

    // qat: activation parameters from a variant's calibration.
    void setRanges(const numeric::Variant &variant)
    {
        const int bits = m_options.bits;
        for (const numeric::LayerCalibration &c : variant.calibration) {
            const int l = m_model.layerIndex(c.layer);
            if (l < 0)
                continue;
            m_actParams[size_t(l)]
                = numeric::activationParams(c.input.min, c.input.max, bits, false);
            if (c.hasOutput)
                m_outParams[size_t(l)]
                    = numeric::activationParams(c.output.min, c.output.max, bits, false);
        }
    }

    // qat: the fake-quantized weights and biases of the master weights into work().
    void quantizeWeights()
    {
        const int bits = m_options.bits;
        for (const Weighted &w : m_weighted) {
            const std::vector<Param> &master = m_model.layers[size_t(w.layer)]->params();
            std::vector<Param> &eff = m_workCopy.layers[size_t(w.layer)]->params();
            const int64_t k = w.weights / w.channels;
            const float sIn = m_actParams[size_t(w.layer)].scale;
            for (int c = 0; c < w.channels; ++c) {
                const float *src = master[WeightParam].value.data() + c * k;
                float *dst = eff[WeightParam].value.data() + c * k;
                float maxAbs = 0.0f;
                for (int64_t i = 0; i < k; ++i)
                    maxAbs = std::max(maxAbs, std::fabs(src[i]));
                const numeric::AffineParams p = numeric::weightParams(maxAbs, bits);
                for (int64_t i = 0; i < k; ++i)
                    dst[i] = numeric::fakeQuantize(src[i], p);
                const float biasScale = sIn * p.scale;
                eff[BiasParam].value[size_t(c)]
                    = float(numeric::quantizeBias(master[BiasParam].value[size_t(c)], biasScale))
                      * biasScale;
            }
        }
    }

    void runMicro(MicroResult &r, Scratch &s, const int *indices, int count, int epoch,
                  int batchSize, int64_t step, int micro) const
    {
        const Model &model = work();
        const size_t layerCount = model.layers.size();
        if (s.acts.size() != layerCount) {
            s.acts.resize(layerCount);
            s.grads.resize(layerCount);
            s.ready.resize(layerCount);
            s.qin.resize(layerCount);
            s.preOut.resize(layerCount);
        }
        if (r.grads.size() != layerCount) {
            r.grads.resize(layerCount);
            r.caches.resize(layerCount);
            for (size_t l = 0; l < layerCount; ++l) {
                const std::vector<Param> &params = model.layers[l]->params();
                r.grads[l].resize(params.size());
                for (size_t p = 0; p < params.size(); ++p)
                    r.grads[l][p].resize(params[p].trainable ? params[p].value.size() : 0);
            }
        }
        for (std::vector<std::vector<float>> &layerGrads : r.grads) {
            for (std::vector<float> &g : layerGrads)
                std::fill(g.begin(), g.end(), 0.0f);
        }
        r.loss = 0;
        r.correct = 0;

        s.input.resize(count, model.inputShape);
        s.labels.resize(size_t(count));
        for (int i = 0; i < count; ++i) {
            const int index = indices[i];
            s.labels[size_t(i)] = m_data.y[size_t(index)];
            float *dst = s.input.sample(i);
            const float *src = m_data.sample(index);
            if (m_shift > 0)
                shifted(src, dst, epoch, index);
            else
                std::memcpy(dst, src, sizeof(float) * size_t(m_inputSize));
        }

        // Forward.
        for (size_t l = 0; l < layerCount; ++l) {
            const Layer &layer = *model.layers[l];
            s.ins.clear();
            for (int in : layer.inputs)
                s.ins.push_back(in < 0 ? &s.input : &s.acts[size_t(in)]);
            const int w = m_weightedIndex[l];
            if (w >= 0 && m_method != TrainMethod::Fp32) {
                const Tensor &x = *s.ins[0];
                Tensor &q = s.qin[l];
                q.resize(x.n, x.shape);
                numeric::AffineParams p = m_actParams[l];
                if (m_method == TrainMethod::Rct) {
                    const auto [mn, mx] = std::minmax_element(x.data.begin(), x.data.end());
                    p = numeric::activationParams(*mn, *mx, m_options.rct.activationBits, false);
                }
                for (size_t i = 0; i < x.data.size(); ++i)
                    q.data[i] = numeric::fakeQuantize(x.data[i], p);
                s.ins[0] = &q;
            }
            layer.forwardTrain(s.ins, s.acts[l], s.ws, r.caches[l]);
            if (w >= 0 && m_method == TrainMethod::Qat && m_weighted[size_t(w)].last) {
                s.preOut[l] = s.acts[l];
                const numeric::AffineParams &p = m_outParams[l];
                for (float &v : s.acts[l].data)
                    v = numeric::fakeQuantize(v, p);
            }
            s.ready[l] = 0;
        }

        const float invBatch = 1.0f / float(batchSize);
        for (const HeadLoss &h : m_heads) {
            const Tensor &logits = s.acts[size_t(h.logits)];
            const bool wantGrad = h.weight > 0.0f && m_needGrad[size_t(h.logits)];
            s.lossGrad.resize(size_t(count) * size_t(h.width));
            const double ce = softmaxCrossEntropy(
                logits.data.data(), count, h.width, s.labels.data(), h.weight * invBatch,
                wantGrad ? s.lossGrad.data() : nullptr, h.isFinal ? &r.correct : nullptr);
            r.loss += double(h.weight) * ce;
            if (wantGrad)
                accumulate(s, h.logits, logits, s.lossGrad.data());
        }

        // Backward.
        for (size_t l = layerCount; l-- > 0;) {
            if (!s.ready[l])
                continue;
            const Layer &layer = *model.layers[l];
            const int w = m_weightedIndex[l];
            s.ins.clear();
            s.gradIn.assign(layer.inputs.size(), nullptr);
            if (s.temp.size() < layer.inputs.size())
                s.temp.resize(layer.inputs.size());
            bool anyGradIn = false;
            int temps = 0;
            for (size_t k = 0; k < layer.inputs.size(); ++k) {
                const int in = layer.inputs[k];
                s.ins.push_back(in < 0 ? &s.input : &s.acts[size_t(in)]);
                if (in < 0 || !m_needGrad[size_t(in)])
                    continue;
                bool claimed = s.ready[size_t(in)];
                for (size_t j = 0; j < k; ++j)
                    claimed = claimed || layer.inputs[j] == in;
                s.gradIn[k] = claimed ? &s.temp[size_t(temps++)] : &s.grads[size_t(in)];
                anyGradIn = true;
            }
            if (!anyGradIn && !m_trainable[l])
                continue;
            const Tensor *gradOut = &s.grads[l];
            const Tensor *rawInput = s.ins.empty() ? nullptr : s.ins[0];
            if (w >= 0 && m_method != TrainMethod::Fp32) {
                s.ins[0] = &s.qin[l];
                const Tensor &g = s.grads[l];
                s.gradQ.resize(g.n, g.shape);
                if (m_method == TrainMethod::Qat) {
                    if (m_weighted[size_t(w)].last) {
                        const Tensor &pre = s.preOut[l];
                        const numeric::AffineParams &p = m_outParams[l];
                        for (size_t i = 0; i < g.data.size(); ++i)
                            s.gradQ.data[i] = insideRange(pre.data[i], p) ? g.data[i] : 0.0f;
                    } else {
                        s.gradQ.data = g.data;
                    }
                } else {
                    Random rng = Random(m_options.train.seed ^ 0x9e3779b97f4a7c15ull)
                                     .split((uint64_t(step) * 4096 + uint64_t(micro)) * 1024
                                            + uint64_t(w));
                    quantizeGradient(g.data.data(), int64_t(g.data.size()),
                                     m_options.rct.gradientBits, rng, s.gradQ.data.data());
                }
                gradOut = &s.gradQ;
            }
            layer.backward(s.ins, s.acts[l], *gradOut, s.gradIn, r.grads[l], r.caches[l], s.ws);
            if (w >= 0 && m_method == TrainMethod::Qat && s.gradIn[0]) {
                const numeric::AffineParams &p = m_actParams[l];
                Tensor &gx = *s.gradIn[0];
                for (size_t i = 0; i < gx.data.size(); ++i) {
                    if (!insideRange(rawInput->data[i], p))
                        gx.data[i] = 0.0f;
                }
            }
            for (size_t k = 0; k < layer.inputs.size(); ++k) {
                Tensor *g = s.gradIn[k];
                if (!g)
                    continue;
                const int in = layer.inputs[k];
                if (g != &s.grads[size_t(in)]) {
                    Tensor &target = s.grads[size_t(in)];
                    for (size_t i = 0; i < target.data.size(); ++i)
                        target.data[i] += g->data[i];
                }
                s.ready[size_t(in)] = 1;
            }
        }
    }

    // rct: the update of every weighted layer from the summed gradients, then (every K steps)
    // the bitwidth rule. Returns true when some layer's bitwidth changed.
    bool rctStep(const std::vector<std::vector<std::vector<float>>> &grads, float lr, int64_t step)
    {
        const RctOptions &r = m_options.rct;
        for (size_t w = 0; w < m_weighted.size(); ++w) {
            const int l = m_weighted[w].layer;
            for (int p = 0; p < 2; ++p) {
                const std::vector<float> &g = grads[size_t(l)][size_t(p)];
                m_delta.resize(g.size());
                for (size_t i = 0; i < g.size(); ++i)
                    m_delta[i] = -lr * g[i];
                Random rng = Random(m_options.train.seed ^ 0x5eed5eedull)
                                 .split(uint64_t(step) * 2048 + uint64_t(w) * 2 + uint64_t(p));
                IntegerTensor &t = p == WeightParam ? m_codes[w] : m_biasCodes[w];
                const double steps = t.applyUpdate(m_delta.data(), rng);
                if (p == WeightParam)
                    m_stepsInWindow[w] += steps / double(std::max<size_t>(1, g.size()));
            }
        }
        m_delta.clear();
        m_delta.shrink_to_fit();
        ++m_windowSteps;
        if (m_windowSteps < r.every)
            return false;
        bool changed = false;
        for (size_t w = 0; w < m_weighted.size(); ++w) {
            const double gAvg = m_stepsInWindow[w] / double(m_windowSteps);
            const int change
                = bitwidthChange(gAvg, m_codes[w].bits, r.tMin, r.tMax, r.minBits, r.maxBits);
            if (change > 0)
                m_codes[w].addBit();
            if (change < 0) {
                Random rng = Random(m_options.train.seed ^ 0xb17b17ull)
                                 .split(uint64_t(step) * 1024 + uint64_t(w));
                m_codes[w].removeBit(rng);
            }
            changed = changed || change != 0;
            m_lastGAvg.resize(m_weighted.size());
            m_lastGAvg[w] = gAvg;
            m_stepsInWindow[w] = 0;
        }
        m_windowSteps = 0;
        return changed;
    }

    std::vector<int> bits() const
    {
        std::vector<int> b;
        for (size_t w = 0; w < m_weighted.size(); ++w) {
            if (m_method == TrainMethod::Rct)
                b.push_back(m_codes[w].bits);
            else if (m_method == TrainMethod::Qat)
                b.push_back(m_options.bits);
            else
                b.push_back(32);
        }
        return b;
    }

    const std::vector<double> &lastGAvg() const { return m_lastGAvg; }

    void setCodes(std::vector<IntegerTensor> weights, std::vector<IntegerTensor> biases)
    {
        m_codes = std::move(weights);
        m_biasCodes = std::move(biases);
    }

private:
    void accumulate(Scratch &s, int layer, const Tensor &like, const float *grad) const
    {
        Tensor &g = s.grads[size_t(layer)];
        if (!s.ready[size_t(layer)]) {
            g.resize(like.n, like.shape);
            std::memcpy(g.data.data(), grad, sizeof(float) * g.data.size());
            s.ready[size_t(layer)] = 1;
        } else {
            for (size_t i = 0; i < g.data.size(); ++i)
                g.data[i] += grad[i];
        }
    }

    void shifted(const float *src, float *dst, int epoch, int index) const
    {
        const int shift = m_shift;
        Random rng = Random(m_options.train.seed ^ 0x5eedau)
                         .split(uint64_t(epoch) * 0x100000000ull + uint64_t(index));
        const int dy = int(rng.below(2 * shift + 1)) - shift;
        const int dx = int(rng.below(2 * shift + 1)) - shift;
        const int c = m_model.inputShape[0];
        const int h = m_model.inputShape[1];
        const int w = m_model.inputShape[2];
        for (int ch = 0; ch < c; ++ch) {
            const float *plane = src + int64_t(ch) * h * w;
            float *out = dst + int64_t(ch) * h * w;
            for (int y = 0; y < h; ++y) {
                const int sy = std::clamp(y - dy, 0, h - 1);
                for (int x = 0; x < w; ++x)
                    out[y * w + x] = plane[sy * w + std::clamp(x - dx, 0, w - 1)];
            }
        }
    }

    Model &m_model;
    Model m_workCopy;
    const data::Dataset &m_data;
    const data::Dataset *m_calibration;
    const QuantTrainOptions &m_options;
    TrainMethod m_method;
    std::vector<Shape> m_shapes;
    int64_t m_inputSize = 0;
    std::vector<HeadLoss> m_heads;
    std::vector<bool> m_trainable;
    std::vector<bool> m_needGrad;
    std::vector<int> m_weightedIndex; // [layer] -> index into m_weighted, -1 otherwise
    std::vector<Weighted> m_weighted;
    std::vector<numeric::AffineParams> m_actParams; // [layer], qat
    std::vector<numeric::AffineParams> m_outParams; // [layer], qat last layers
    std::vector<IntegerTensor> m_codes;             // rct weights
    std::vector<IntegerTensor> m_biasCodes;         // rct biases
    std::vector<double> m_stepsInWindow;
    std::vector<double> m_lastGAvg;
    std::vector<float> m_delta;
    int m_windowSteps = 0;
    int m_shift = 0;
};

void checkData(const Model &model, const data::Dataset &set, const char *what)
{
    const std::string where = set.name.empty() ? std::string(what) : what + (" set " + set.name);
    if (!set.hasLabels())
        throw Error(where, "has no labels");
    if (set.sampleSize() != numel(model.inputShape))
        throw Error(where, "samples of shape " + model::shapeToString(set.shape)
                               + " do not fit the model input "
                               + model::shapeToString(model.inputShape));
}

int optimizerStateBitsPerParam(const std::string &name)
{
    return name == "adam" ? 64 : 32;
}

} // namespace

std::string methodName(TrainMethod method)
{
    switch (method) {
    case TrainMethod::Fp32:
        return "fp32";
    case TrainMethod::Qat:
        return "qat";
    case TrainMethod::Rct:
        return "rct";
    }
    return "fp32";
}

TrainMethod parseMethod(const std::string &text)
{
    if (text == "fp32")
        return TrainMethod::Fp32;
    if (text == "qat")
        return TrainMethod::Qat;
    if (text == "rct")
        return TrainMethod::Rct;
    throw Error("--method", "is fp32, qat or rct, not '" + text + "'");
}

void validate(const QuantTrainOptions &o)
{
    auto bitsIn = [](int v, const char *option) {
        if (v < 2 || v > 16)
            throw Error(option, "must be between 2 and 16 bits, not " + std::to_string(v));
    };
    bitsIn(o.bits, "--bits");
    const RctOptions &r = o.rct;
    bitsIn(r.minBits, "--rct-min");
    bitsIn(r.maxBits, "--rct-max");
    if (r.minBits > r.maxBits)
        throw Error("--rct-min",
                    "b_min = " + std::to_string(r.minBits)
                        + " must not exceed --rct-max (b_max = " + std::to_string(r.maxBits) + ")");
    if (r.initialBits < r.minBits || r.initialBits > r.maxBits)
        throw Error("--rct-init",
                    "(" + std::to_string(r.initialBits) + ") must lie within --rct-min..--rct-max");
    if (r.every < 1)
        throw Error("--rct-every", "must be at least 1 batch");
    if (!(r.tMin >= 0) || !std::isfinite(r.tMin))
        throw Error("--rct-t-min", "must be a finite number >= 0");
    if (!std::isfinite(r.tMax))
        throw Error("--rct-t-max", "must be a finite number");
    if (!(r.tMin < r.tMax))
        throw Error("--rct-t-min", "must be below --rct-t-max");
    bitsIn(r.activationBits, "--rct-act-bits");
    bitsIn(r.gradientBits, "--rct-grad-bits");
    if (r.biasBits < 8 || r.biasBits > 32)
        throw Error("--rct-bias-bits", "must be between 8 and 32");
    if (r.biasFractionBits < 0 || r.biasFractionBits >= r.biasBits)
        throw Error("--rct-bias-fraction", "must be between 0 and the bias bits - 1");
    if (o.calibrationSamples < 1)
        throw Error("--calibration-samples", "must be at least 1");
}

double TrainingResult::gemmEnergy_pj(const std::string &preset) const
{
    const auto it = total.energy.find(preset);
    return it == total.energy.end() ? 0.0 : it->second.gemm_pj;
}

double TrainingResult::trainEnergy_pj(const std::string &preset) const
{
    const auto it = total.energy.find(preset);
    return it == total.energy.end() ? 0.0 : it->second.total_pj;
}

BatchGradients batchGradients(const Model &model, const data::Dataset &data, int n,
                              const QuantTrainOptions &options, const numeric::Variant *ranges)
{
    validate(options);
    if (options.method == TrainMethod::Rct)
        throw Error("--method", "rct has no float weights to differentiate");
    checkData(model, data, "gradient");
    n = std::min(n, data.size());
    if (n < 1)
        throw Error("gradient", "needs at least one sample");
    Model copy = model;
    QuantTrainOptions o = options;
    o.train.augmentShift = 0;
    QuantTrainer trainer(copy, data, &data, o);
    if (options.method == TrainMethod::Qat) {
        if (!ranges)
            throw Error("gradient", "qat needs the activation ranges of a variant");
        trainer.setRanges(*ranges);
        trainer.quantizeWeights();
    }
    std::vector<int> indices(static_cast<size_t>(n));
    std::iota(indices.begin(), indices.end(), 0);
    MicroResult r;
    Scratch s;
    trainer.runMicro(r, s, indices.data(), n, 0, n, 0, 0);
    BatchGradients g;
    g.loss = r.loss / double(n);
    g.grads = std::move(r.grads);
    return g;
}

QuantTrainedModel trainQuantized(Model model, const data::Dataset &trainSet,
                                 const data::Dataset *validation, const data::Dataset *test,
                                 const QuantTrainOptions &options, const data::Dataset *calibration,
                                 const std::function<void(const EpochAccount &)> &onEpoch)
{
    validate(options);
    const TrainOptions &to = options.train;
    const std::string where = "train";
    if (to.epochs < 0)
        throw Error(where, "epochs must be >= 0");
    if (to.batchSize < 1 || to.microBatch < 1)
        throw Error(where, "batch sizes must be >= 1");
    if (!(to.learningRate > 0.0f) || !std::isfinite(to.learningRate))
        throw Error(where, "learning rate must be > 0");
    if (to.schedule != "cosine" && to.schedule != "constant")
        throw Error(where, "unknown schedule '" + to.schedule + "' (known: constant, cosine)");
    if (model.heads.empty())
        throw Error(where, "the model has no heads");
    for (const std::unique_ptr<Layer> &layer : model.layers) {
        for (const Param &p : layer->params()) {
            if (p.value.empty())
                throw Error(layer->where(), "parameter '" + p.name
                                                + "' is not initialised (initialise the model "
                                                  "first)");
        }
    }
    checkData(model, trainSet, "training");
    const int n = trainSet.size();
    if (n == 0)
        throw Error(where, "the training set is empty");
    const bool validate = validation && validation->size() > 0 && validation->hasLabels();
    if (validate)
        checkData(model, *validation, "validation");
    const data::Dataset *cal = calibration && calibration->size() > 0 ? calibration
                               : validate                             ? validation
                                                                      : &trainSet;
    const int calN = std::min(cal->size(), options.calibrationSamples);
    const std::string calSource = cal->name.empty() ? std::string("calibration") : cal->name;

    const TrainMethod method = options.method;
    QuantTrainedModel out;
    TrainingResult &result = out.result;
    result.method = method;
    result.seed = to.seed;
    result.bits = method == TrainMethod::Qat   ? options.bits
                  : method == TrainMethod::Rct ? options.rct.initialBits
                                               : 32;
    result.rct = options.rct;
    result.recipe = model.metadata.count("recipe") ? model.metadata.at("recipe") : model.name;
    result.dataset = trainSet.name;

    // Cost tables before anything is quantized (the pricing needs shapes only).
    TrainingCostTable costs(model, options.costPresets, method, options);

    QuantTrainer trainer(model, trainSet, cal, options);
    for (const HeadLoss &h : trainer.heads()) {
        for (int label : trainSet.y) {
            if (label < 0 || label >= h.width)
                throw Error(where, "label " + std::to_string(label) + " is outside the "
                                       + std::to_string(h.width) + " outputs of a head");
        }
    }
    const std::vector<Weighted> &weighted = trainer.weighted();
    for (const Weighted &w : weighted)
        result.weightedLayers.push_back(w.name);

    Optimizer optimizer(to.optimizer, to.momentum, to.weightDecay);
    const bool usesOptimizer = method != TrainMethod::Rct;

    auto makeVariant = [&](const Model &floatModel, const std::vector<IntegerTensor> &codes) {
        return numeric::makeVariant(floatModel, variantAssignment(options, weighted, codes),
                                    cal->x.data(), calN, calSource);
    };
    // Accuracy over a data set in chunks of 256 samples, polling cancellation between them
    // (a chunk of lenet in int8 takes about 100 ms here); nullopt when cancelled. The
    // engines' outputs do not depend on how the samples are grouped, so the result is the
    // one of a single run.
    Progress *const progress = to.progress;
    auto chunkedAccuracy = [&](const data::Dataset &d,
                               const std::function<std::vector<int>(const float *, int)> &run)
        -> std::optional<double> {
        std::vector<int> predictions;
        predictions.reserve(size_t(d.size()));
        for (int first = 0; first < d.size(); first += 256) {
            if (progress && progress->cancelRequested())
                return std::nullopt;
            const std::vector<int> p = run(d.sample(first), std::min(256, d.size() - first));
            predictions.insert(predictions.end(), p.begin(), p.end());
        }
        return model::accuracy(predictions, d.y);
    };
    auto variantAccuracy = [&](const Model &m, const numeric::Variant &v, const data::Dataset &d) {
        const numeric::VariantEngine engine(m, v);
        return chunkedAccuracy(
            d, [&](const float *x, int count) { return engine.run(x, count).predictions(); });
    };
    auto floatAccuracy = [&](const Model &m, const data::Dataset &d) {
        const model::Engine engine(m);
        return chunkedAccuracy(
            d, [&](const float *x, int count) { return engine.run(x, count).predictions(); });
    };

    if (method == TrainMethod::Qat)
        trainer.setRanges(makeVariant(model, {}));

    const int batch = std::min(to.batchSize, n);
    const int stepsPerEpoch = n / batch;
    const int samplesPerEpoch = stepsPerEpoch * batch;
    const int micro = std::min(to.microBatch, batch);
    const int microCount = (batch + micro - 1) / micro;
    const int64_t totalSteps = int64_t(stepsPerEpoch) * to.epochs;
    if (progress)
        progress->setTotal(int64_t(samplesPerEpoch) * to.epochs);

    std::vector<MicroResult> results(static_cast<size_t>(microCount));
    tbb::enumerable_thread_specific<Scratch> scratch;
    std::vector<ParamSlot> slots;

    // Memory.
    auto parameterMemory = [&]() {
        ParameterMemory m;
        const std::vector<int> bits = trainer.bits();
        for (size_t w = 0; w < weighted.size(); ++w) {
            const int64_t params = weighted[w].weights + weighted[w].biases;
            if (method == TrainMethod::Fp32) {
                m.weightBits += params * 32;
            } else if (method == TrainMethod::Qat) {
                m.weightBits += weighted[w].weights * bits[w] + weighted[w].biases * 32;
                m.masterBits += params * 32;
            } else {
                m.weightBits += weighted[w].weights * bits[w]
                                + weighted[w].biases * options.rct.biasBits + 32;
            }
            if (usesOptimizer)
                m.optimizerBits += params * optimizerStateBitsPerParam(to.optimizer);
        }
        return m;
    };
    {
        const std::vector<Shape> &shapes = trainer.shapes();
        int64_t bits = numel(model.inputShape)
                       * (method == TrainMethod::Rct ? options.rct.activationBits : 32);
        for (size_t l = 0; l < shapes.size(); ++l)
            bits += numel(shapes[l])
                    * (method == TrainMethod::Rct ? options.rct.activationBits : 32);
        result.peakActivationBytes = (bits * batch + 7) / 8;
    }
    result.parameterMemory = parameterMemory();
    result.peakParameterMemory = result.parameterMemory;
    result.bitHistory.push_back({0, trainer.bits()});

    const double start = now();
    std::vector<int> order(static_cast<size_t>(n));
    int64_t step = 0;
    std::vector<std::vector<Param>> lastGood;
    auto snapshot = [&]() {
        lastGood.clear();
        for (const std::unique_ptr<Layer> &layer : model.layers)
            lastGood.push_back(layer->params());
    };
    std::vector<IntegerTensor> lastCodes = trainer.codes();
    std::vector<IntegerTensor> lastBias = trainer.biasCodes();
    if (method != TrainMethod::Rct)
        snapshot();
    numeric::Variant currentVariant;
    double lossWindow = 0;
    int lossCount = 0;

    std::vector<TrainingAccumulator::LayerInfo> infos;
    for (const Weighted &w : weighted)
        infos.push_back({w.layer, w.name, w.needGradIn, w.weights + w.biases, w.macsPerSample});
    TrainingAccumulator accumulator(std::move(infos));
    for (int epoch = 0; epoch < to.epochs; ++epoch) {
        const double epochStart = now();
        std::iota(order.begin(), order.end(), 0);
        Random shuffler = Random(to.seed).split(uint64_t(epoch));
        shuffler.shuffle(order);
        double lossSum = 0;
        int64_t correct = 0;
        accumulator.startEpoch();
        for (int s = 0; s < stepsPerEpoch; ++s, ++step) {
            if (progress && progress->cancelRequested()) {
                result.cancelled = true;
                break;
            }
            if (method == TrainMethod::Rct)
                trainer.materialize();
            else if (method == TrainMethod::Qat)
                trainer.quantizeWeights();
            const int *indices = order.data() + int64_t(s) * batch;
            tbb::parallel_for(
                tbb::blocked_range<int>(0, microCount, 1),
                [&](const tbb::blocked_range<int> &range) {
                    for (int m = range.begin(); m != range.end(); ++m) {
                        const int first = m * micro;
                        const int count = std::min(micro, batch - first);
                        trainer.runMicro(results[size_t(m)], scratch.local(), indices + first,
                                         count, epoch, batch, step, m);
                    }
                },
                tbb::simple_partitioner());
            std::vector<std::vector<std::vector<float>>> &total = results[0].grads;
            for (int m = 1; m < microCount; ++m) {
                const std::vector<std::vector<std::vector<float>>> &g = results[size_t(m)].grads;
                for (size_t l = 0; l < total.size(); ++l) {
                    for (size_t p = 0; p < total[l].size(); ++p) {
                        float *dst = total[l][p].data();
                        const float *src = g[l][p].data();
                        for (size_t i = 0; i < total[l][p].size(); ++i)
                            dst[i] += src[i];
                    }
                }
            }
            float lr = to.learningRate;
            if (to.schedule == "cosine" && totalSteps > 0)
                lr = float(
                    0.5 * double(to.learningRate)
                    * (1.0 + dmath::cos(std::numbers::pi * double(step) / double(totalSteps))));
            // Accounting at the bitwidths of this step.
            accumulator.addStep(costs, trainer.bits(), batch, to.optimizer);
            if (usesOptimizer) {
                if (slots.empty()) {
                    for (size_t l = 0; l < model.layers.size(); ++l) {
                        std::vector<Param> &params = model.layers[l]->params();
                        const std::string type = model.layers[l]->type();
                        for (size_t p = 0; p < params.size(); ++p) {
                            if (!params[p].trainable)
                                continue;
                            ParamSlot slot;
                            slot.value = params[p].value.data();
                            slot.grad = total[l][p].data();
                            slot.size = params[p].value.size();
                            slot.decay = params[p].name == "weight"
                                         && (type == "dense" || type == "conv2d");
                            slots.push_back(slot);
                        }
                    }
                }
                optimizer.step(slots, lr);
                for (int m = 0; m < microCount; ++m) {
                    for (size_t l = 0; l < model.layers.size(); ++l)
                        model.layers[l]->updateRunningStats(results[size_t(m)].caches[l]);
                }
            } else {
                const bool changed = trainer.rctStep(total, lr, step);
                trainer.release();
                if (changed || (step + 1) % options.rct.every == 0)
                    result.bitHistory.push_back({step + 1, trainer.bits()});
                const ParameterMemory pm = parameterMemory();
                if (pm.totalBits() > result.peakParameterMemory.totalBits())
                    result.peakParameterMemory = pm;
            }
            if (options.inspectStep) {
                StepInspection in;
                for (const std::unique_ptr<Layer> &layer : trainer.work().layers) {
                    for (const Param &p : layer->params())
                        in.floatWeightBytes += int64_t(p.value.capacity() * sizeof(float));
                }
                if (method == TrainMethod::Qat) {
                    for (const std::unique_ptr<Layer> &layer : model.layers) {
                        for (const Param &p : layer->params())
                            in.floatWeightBytes += int64_t(p.value.capacity() * sizeof(float));
                    }
                }
                in.optimizerStateBytes = usesOptimizer ? optimizer.stateBytes() : 0;
                for (const IntegerTensor &t : trainer.codes())
                    in.integerCodes += int64_t(t.codes.size());
                for (const IntegerTensor &t : trainer.biasCodes())
                    in.integerCodes += int64_t(t.codes.size());
                in.bits = trainer.bits();
                in.step = step + 1;
                options.inspectStep(in);
            }
            double stepLoss = 0;
            for (int m = 0; m < microCount; ++m) {
                lossSum += results[size_t(m)].loss;
                stepLoss += results[size_t(m)].loss;
                correct += results[size_t(m)].correct;
            }
            lossWindow += stepLoss / double(batch);
            if (++lossCount == result.lossEvery) {
                result.stepLoss.push_back(lossWindow / lossCount);
                lossWindow = 0;
                lossCount = 0;
            }
            if (progress)
                progress->advance(batch);
        }
        if (result.cancelled) {
            if (method == TrainMethod::Rct) {
                trainer.setCodes(lastCodes, lastBias);
            } else {
                for (size_t l = 0; l < model.layers.size(); ++l)
                    model.layers[l]->params() = lastGood[l];
            }
            break;
        }

        EpochAccount ea = accumulator.finishEpoch(costs, trainer.bits());
        ea.epoch = epoch + 1;
        ea.loss = lossSum / double(samplesPerEpoch);
        ea.trainAccuracy = double(correct) / double(samplesPerEpoch);
        if (method == TrainMethod::Rct)
            trainer.materialize();
        if (method != TrainMethod::Fp32) {
            currentVariant = makeVariant(model, trainer.codes());
            if (method == TrainMethod::Qat)
                trainer.setRanges(currentVariant);
        }
        if (validate) {
            const std::optional<double> accuracy
                = method == TrainMethod::Fp32 ? floatAccuracy(model, *validation)
                                              : variantAccuracy(model, currentVariant, *validation);
            if (!accuracy) {
                // Cancelled while validating: back to the last completed epoch.
                result.cancelled = true;
                if (method == TrainMethod::Rct) {
                    trainer.release();
                    trainer.setCodes(lastCodes, lastBias);
                } else {
                    for (size_t l = 0; l < model.layers.size(); ++l)
                        model.layers[l]->params() = lastGood[l];
                }
                break;
            }
            ea.validationAccuracy = *accuracy;
        }
        if (method == TrainMethod::Rct) {
            trainer.release();
            lastCodes = trainer.codes();
            lastBias = trainer.biasCodes();
        } else {
            snapshot();
        }
        ea.seconds = now() - epochStart;
        result.epochs.push_back(ea);
        if (onEpoch)
            onEpoch(ea);
    }
    if (method == TrainMethod::Rct)
        trainer.materialize();
    result.seconds = now() - start;
    result.total = accumulator.total(costs, trainer.bits());
    result.finalBits = trainer.bits();
    result.parameterMemory = parameterMemory();
    if (result.parameterMemory.totalBits() > result.peakParameterMemory.totalBits())
        result.peakParameterMemory = result.parameterMemory;

    if (method == TrainMethod::Fp32) {
        result.format = "fp32";
    } else {
        out.variant = makeVariant(model, trainer.codes());
        out.hasVariant = true;
        result.format = out.variant.assignment;
    }
    if (test && test->size() > 0 && test->hasLabels()) {
        checkData(model, *test, "test");
        const std::optional<double> floatAcc = floatAccuracy(model, *test);
        const std::optional<double> acc
            = floatAcc && out.hasVariant ? variantAccuracy(model, out.variant, *test) : floatAcc;
        if (!floatAcc || !acc)
            result.cancelled = true;
        result.testAccuracyFloat = floatAcc.value_or(-1);
        result.testAccuracy = acc.value_or(-1);
    }
    out.model = std::move(model);
    out.model.metadata["train_method"] = methodName(method);
    out.model.metadata["train_format"] = result.format;
    return out;
}

} // namespace frontier::train
