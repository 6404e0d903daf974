#include "dense.h"

#include "layerutil.h"

#include "common/error.h"
#include "common/random.h"

#include <climits>
#include <cmath>

namespace frontier::model {

namespace {

enum { Weight, Bias };

} // namespace

Dense::Dense(const Attributes &a)
{
    detail::checkKnownKeys(a, "dense", {"units"});
    m_units = detail::attrInt(a, "dense", "units", 1);
    m_params = {{"weight", {}, {}, true}, {"bias", {}, {}, true}};
}

std::unique_ptr<Layer> Dense::clone() const
{
    return std::make_unique<Dense>(*this);
}

int Dense::inputSize(const std::vector<Shape> &inputs) const
{
    detail::checkInputCount(*this, inputs);
    detail::checkNonEmpty(*this, inputs[0]);
    const int64_t in = numel(inputs[0]);
    if (in > INT_MAX)
        throw Error(where(), "input " + shapeToString(inputs[0]) + " is too large");
    return int(in);
}

Shape Dense::outputShape(const std::vector<Shape> &inputs) const
{
    const int in = inputSize(inputs);
    detail::checkParam(*this, m_params[Weight], {m_units, in});
    detail::checkParam(*this, m_params[Bias], {m_units});
    return {m_units};
}

void Dense::prepareInference(bool fuseRelu)
{
    const std::vector<float> &w = m_params[Weight].value;
    if (w.empty() || w.size() % size_t(m_units) != 0
        || m_params[Bias].value.size() != size_t(m_units))
        throw Error(where(), "prepareInference() needs initialised weights");
    const int inSize = int(w.size() / size_t(m_units));
    m_packed.resize(size_t(gemm::packedPanelsSize(inSize, m_units)));
    gemm::packPanelsTransposed(w.data(), m_units, inSize, m_packed.data());
    m_packedInput = inSize;
    m_fusedRelu = fuseRelu;
}

void Dense::forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const
{
    (void)ws;
    const int n = detail::prepareForward(*this, in, out);
    if (n > 0)
        forwardRaw(in[0]->data.data(), n, out.data.data());
}

void Dense::forwardRaw(const float *x, int n, float *y) const
{
    const int inSize = int(m_params[Weight].value.size() / size_t(m_units));
    const float *bias = m_params[Bias].value.data();
    gemm::Epilogue epilogue;
    epilogue.columnBias = bias;
    epilogue.activation = m_fusedRelu ? gemm::Activation::Relu : gemm::Activation::None;
    if (m_packedInput != inSize) {
        // Not prepared (training, where the weights change every step): yᵀ = W · xᵀ, which
        // packs the n samples (small) instead of the weights, then yᵀ is transposed back.
        // Each element is the same sum in the same order as the prepared path's, from the
        // bias, so the bits are too.
        thread_local std::vector<float> transposed;
        float *yt = gemm::alignedScratch(transposed, int64_t(m_units) * n);
        gemm::Epilogue rows;
        rows.rowBias = bias;
        rows.activation = epilogue.activation;
        gemm::gemmTrain(false, true, m_units, n, inSize, m_params[Weight].value.data(), inSize, x,
                        inSize, yt, n, false, rows);
        for (int s = 0; s < n; ++s) {
            for (int u = 0; u < m_units; ++u)
                y[int64_t(s) * m_units + u] = yt[int64_t(u) * n + s];
        }
        return;
    }
    const gemm::PanelView packed{m_packed.data(), gemm::panelWidth,
                                 int64_t(inSize) * gemm::panelWidth};
    gemm::sgemm(n, m_units, inSize, x, inSize, packed, y, m_units, epilogue);
}

void Dense::forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const
{
    const int n = detail::prepareForward(*this, in, out);
    const int64_t inSize = in[0]->sampleSize();
    const float *w = m_params[Weight].value.data();
    for (int s = 0; s < n; ++s) {
        const float *x = in[0]->sample(s);
        float *y = out.sample(s);
        for (int u = 0; u < m_units; ++u) {
            double acc = m_params[Bias].value[size_t(u)];
            for (int64_t i = 0; i < inSize; ++i)
                acc += double(x[i]) * w[u * inSize + i];
            y[u] = m_fusedRelu && !(acc > 0.0) ? 0.0f : float(acc);
        }
    }
}

void Dense::backward(const std::vector<const Tensor *> &in, const Tensor &out,
                     const Tensor &gradOut, const std::vector<Tensor *> &gradIn,
                     std::vector<std::vector<float>> &gradParams, const LayerCache &cache,
                     Workspace &ws) const
{
    (void)cache;
    (void)ws;
    if (m_fusedRelu)
        throw Error(where(), "backward() through a fused ReLU (an inference-only copy)");
    const bool wantParams = detail::prepareBackward(*this, in, out, gradOut, gradIn, gradParams);
    const int n = in[0]->n;
    const int inSize = int(in[0]->sampleSize());
    const float *g = gradOut.data.data();
    const float *w = m_params[Weight].value.data();
    if (wantParams) {
        // gw [units, in] += gᵀ [units, n] · x [n, in]
        gemm::gemmTrain(true, false, m_units, inSize, n, g, m_units, in[0]->data.data(), inSize,
                        gradParams[Weight].data(), inSize, true);
        float *gb = gradParams[Bias].data();
        for (int s = 0; s < n; ++s) {
            const float *row = gradOut.sample(s);
            for (int u = 0; u < m_units; ++u)
                gb[u] += row[u];
        }
    }
    if (!gradIn.empty() && gradIn[0]) {
        // gx [n, in] = g [n, units] · w [units, in]
        gemm::gemmTrain(false, false, n, inSize, m_units, g, m_units, w, inSize,
                        gradIn[0]->data.data(), inSize, false);
    }
}

void Dense::initialize(const std::vector<Shape> &inputs, uint64_t seed)
{
    const int in = inputSize(inputs);
    Random rng(seed);
    detail::fillNormal(m_params[Weight], {m_units, in}, std::sqrt(2.0 / in), rng);
    detail::fillParam(m_params[Bias], {m_units}, 0.0f);
}

Attributes Dense::attributes() const
{
    return {{"units", {double(m_units)}}};
}

LayerStats Dense::stats(const std::vector<Shape> &inputs) const
{
    const Shape out = outputShape(inputs);
    const int64_t in = inputSize(inputs);
    LayerStats s;
    s.params = in * m_units + m_units;
    s.macs = in * m_units;
    s.activations = numel(out);
    return s;
}

} // namespace frontier::model
