#include "batchnorm.h"

#include "layerutil.h"

#include "common/error.h"

#include <cmath>

namespace frontier::model {

namespace {

enum { Gamma, Beta, RunningMean, RunningVar };

// Channels and elements per channel of one sample.
struct Layout
{
    int c;
    int64_t spatial;
};

Layout layoutOf(const Shape &shape)
{
    return {shape[0], numel(shape) / shape[0]};
}

} // namespace

BatchNorm::BatchNorm(const Attributes &a)
{
    const std::string t = "batchnorm";
    detail::checkKnownKeys(a, t, {"eps", "momentum"});
    const double eps = attrScalar(a, t, "eps", 1e-5);
    const double momentum = attrScalar(a, t, "momentum", 0.1);
    if (!(eps > 0))
        throw Error(t, "attribute 'eps' must be > 0");
    if (!(momentum >= 0 && momentum <= 1))
        throw Error(t, "attribute 'momentum' must be in [0, 1]");
    m_eps = eps;
    m_momentum = momentum;
    m_params = {{"gamma", {}, {}, true},
                {"beta", {}, {}, true},
                {"running_mean", {}, {}, false},
                {"running_var", {}, {}, false}};
}

std::unique_ptr<Layer> BatchNorm::clone() const
{
    return std::make_unique<BatchNorm>(*this);
}

Shape BatchNorm::outputShape(const std::vector<Shape> &inputs) const
{
    detail::checkInputCount(*this, inputs);
    detail::checkNonEmpty(*this, inputs[0]);
    for (const Param &p : m_params)
        detail::checkParam(*this, p, {inputs[0][0]});
    return inputs[0];
}

void BatchNorm::forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const
{
    (void)ws;
    const int n = detail::prepareForward(*this, in, out);
    const Layout l = layoutOf(in[0]->shape);
    for (int ch = 0; ch < l.c; ++ch) {
        const float scale = m_params[Gamma].value[size_t(ch)]
                            / std::sqrt(m_params[RunningVar].value[size_t(ch)] + float(m_eps));
        const float shift
            = m_params[Beta].value[size_t(ch)] - m_params[RunningMean].value[size_t(ch)] * scale;
        for (int s = 0; s < n; ++s) {
            const float *x = in[0]->sample(s) + ch * l.spatial;
            float *y = out.sample(s) + ch * l.spatial;
            for (int64_t i = 0; i < l.spatial; ++i)
                y[i] = x[i] * scale + shift;
        }
    }
}

void BatchNorm::forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const
{
    const int n = detail::prepareForward(*this, in, out);
    const Layout l = layoutOf(in[0]->shape);
    for (int s = 0; s < n; ++s) {
        for (int ch = 0; ch < l.c; ++ch) {
            const size_t k = size_t(ch);
            const double invStd = 1.0 / std::sqrt(double(m_params[RunningVar].value[k]) + m_eps);
            const double gamma = m_params[Gamma].value[k];
            const double beta = m_params[Beta].value[k];
            const double mean = m_params[RunningMean].value[k];
            for (int64_t i = 0; i < l.spatial; ++i) {
                const double x = in[0]->sample(s)[ch * l.spatial + i];
                out.sample(s)[ch * l.spatial + i] = float(gamma * (x - mean) * invStd + beta);
            }
        }
    }
}

void BatchNorm::forwardTrain(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws,
                             LayerCache &cache) const
{
    (void)ws;
    const int n = detail::prepareForward(*this, in, out);
    const Layout l = layoutOf(in[0]->shape);
    const double count = double(n) * double(l.spatial);
    // cache.f = [mean (C), 1/std (C), unbiased variance (C)]
    cache.f.resize(size_t(3 * l.c));
    cache.i.clear();
    for (int ch = 0; ch < l.c; ++ch) {
        double sum = 0;
        for (int s = 0; s < n; ++s) {
            const float *x = in[0]->sample(s) + ch * l.spatial;
            for (int64_t i = 0; i < l.spatial; ++i)
                sum += x[i];
        }
        const double mean = sum / count;
        double sq = 0;
        for (int s = 0; s < n; ++s) {
            const float *x = in[0]->sample(s) + ch * l.spatial;
            for (int64_t i = 0; i < l.spatial; ++i)
                sq += (x[i] - mean) * (x[i] - mean);
        }
        const double var = sq / count;
        const double invStd = 1.0 / std::sqrt(var + m_eps);
        cache.f[size_t(ch)] = float(mean);
        cache.f[size_t(l.c + ch)] = float(invStd);
        cache.f[size_t(2 * l.c + ch)] = float(count > 1 ? sq / (count - 1) : var);
        const float scale = float(m_params[Gamma].value[size_t(ch)] * invStd);
        const float shift = float(m_params[Beta].value[size_t(ch)] - mean * scale);
        for (int s = 0; s < n; ++s) {
            const float *x = in[0]->sample(s) + ch * l.spatial;
            float *y = out.sample(s) + ch * l.spatial;
            for (int64_t i = 0; i < l.spatial; ++i)
                y[i] = x[i] * scale + shift;
        }
    }
}

void BatchNorm::backward(const std::vector<const Tensor *> &in, const Tensor &out,
                         const Tensor &gradOut, const std::vector<Tensor *> &gradIn,
                         std::vector<std::vector<float>> &gradParams, const LayerCache &cache,
                         Workspace &ws) const
{
    (void)ws;
    const bool wantParams = detail::prepareBackward(*this, in, out, gradOut, gradIn, gradParams);
    const int n = in[0]->n;
    const Layout l = layoutOf(in[0]->shape);
    if (cache.f.size() != size_t(3 * l.c))
        throw Error(where(), "backward needs the cache of forwardTrain()");
    Tensor *gx = gradIn.empty() ? nullptr : gradIn[0];
    const double count = double(n) * double(l.spatial);
    // With xhat = (x - mean) · invStd and dy = gradOut:
    // dgamma = Σ dy · xhat, dbeta = Σ dy,
    // dx = gamma · invStd / m · (m · dy - Σ dy - xhat · Σ dy · xhat).
    for (int ch = 0; ch < l.c; ++ch) {
        const double mean = cache.f[size_t(ch)];
        const double invStd = cache.f[size_t(l.c + ch)];
        double sumG = 0, sumGx = 0;
        for (int s = 0; s < n; ++s) {
            const float *x = in[0]->sample(s) + ch * l.spatial;
            const float *g = gradOut.sample(s) + ch * l.spatial;
            for (int64_t i = 0; i < l.spatial; ++i) {
                sumG += g[i];
                sumGx += g[i] * (x[i] - mean);
            }
        }
        const double sumGxhat = sumGx * invStd;
        if (wantParams) {
            gradParams[Gamma][size_t(ch)] += float(sumGxhat);
            gradParams[Beta][size_t(ch)] += float(sumG);
        }
        if (!gx)
            continue;
        const double gamma = m_params[Gamma].value[size_t(ch)];
        const double k = gamma * invStd;
        const double meanG = sumG / count;
        const double xhatScale = sumGxhat / count * invStd; // times (x - mean) gives xhat·Σ/m
        for (int s = 0; s < n; ++s) {
            const float *x = in[0]->sample(s) + ch * l.spatial;
            const float *g = gradOut.sample(s) + ch * l.spatial;
            float *d = gx->sample(s) + ch * l.spatial;
            for (int64_t i = 0; i < l.spatial; ++i)
                d[i] = float(k * (g[i] - meanG - (x[i] - mean) * xhatScale));
        }
    }
}

void BatchNorm::updateRunningStats(const LayerCache &cache)
{
    const size_t c = m_params[RunningMean].value.size();
    if (cache.f.size() != 3 * c)
        throw Error(where(), "updateRunningStats needs the cache of forwardTrain()");
    const float m = float(m_momentum);
    for (size_t ch = 0; ch < c; ++ch) {
        float &mean = m_params[RunningMean].value[ch];
        float &var = m_params[RunningVar].value[ch];
        mean = (1.0f - m) * mean + m * cache.f[ch];
        var = (1.0f - m) * var + m * cache.f[2 * c + ch];
    }
}

void BatchNorm::initialize(const std::vector<Shape> &inputs, uint64_t seed)
{
    (void)seed;
    detail::checkInputCount(*this, inputs);
    detail::checkNonEmpty(*this, inputs[0]);
    const Shape shape{inputs[0][0]};
    detail::fillParam(m_params[Gamma], shape, 1.0f);
    detail::fillParam(m_params[Beta], shape, 0.0f);
    detail::fillParam(m_params[RunningMean], shape, 0.0f);
    detail::fillParam(m_params[RunningVar], shape, 1.0f);
}

Attributes BatchNorm::attributes() const
{
    return {{"eps", {m_eps}}, {"momentum", {m_momentum}}};
}

LayerStats BatchNorm::stats(const std::vector<Shape> &inputs) const
{
    const Shape out = outputShape(inputs);
    LayerStats s;
    s.params = 4 * int64_t(inputs[0][0]);
    s.macs = numel(out);
    s.activations = numel(out);
    return s;
}

bool foldBatchNormInto(Layer &weighted, const Layer &bn)
{
    const auto *norm = dynamic_cast<const BatchNorm *>(&bn);
    if (!norm || (weighted.type() != "dense" && weighted.type() != "conv2d"))
        return false;
    Param *weight = weighted.param("weight");
    Param *bias = weighted.param("bias");
    if (!weight || !bias || weight->shape.empty() || weight->value.empty())
        return false;
    const size_t channels = size_t(weight->shape[0]);
    if (bias->value.size() != channels)
        return false;
    for (const Param &p : bn.params()) {
        if (p.value.size() != channels)
            return false;
    }
    const std::vector<float> &gamma = bn.params()[Gamma].value;
    const std::vector<float> &beta = bn.params()[Beta].value;
    const std::vector<float> &mean = bn.params()[RunningMean].value;
    const std::vector<float> &var = bn.params()[RunningVar].value;
    const size_t perChannel = weight->value.size() / channels;
    for (size_t f = 0; f < channels; ++f) {
        const double scale = double(gamma[f]) / std::sqrt(double(var[f]) + double(norm->eps()));
        for (size_t i = 0; i < perChannel; ++i) {
            float &w = weight->value[f * perChannel + i];
            w = float(w * scale);
        }
        bias->value[f] = float((double(bias->value[f]) - mean[f]) * scale + beta[f]);
    }
    return true;
}

} // namespace frontier::model
