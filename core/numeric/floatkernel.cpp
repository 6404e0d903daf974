#include "floatkernel.h"

#include "model/layers/eigen.h"

namespace frontier::numeric {

namespace {

using RowMatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMapD = Eigen::Map<RowMatrixD>;
using ConstMatrixMapD = Eigen::Map<const RowMatrixD>;

} // namespace

FloatKernel::FloatKernel(const KernelSetup &setup)
    : WeightedKernel(WeightedGeometry::of(*setup.layer, setup.input))
    , m_layer(setup.layer->clone())
    , m_double(setup.format.kind == FormatSpec::Kind::Float64)
{
    if (m_double) {
        const std::vector<float> &w = setup.layer->param("weight")->value;
        const std::vector<float> &b = setup.layer->param("bias")->value;
        m_weights.assign(w.begin(), w.end());
        m_bias.assign(b.begin(), b.end());
    }
}

std::string FloatKernel::describe() const
{
    return m_double ? "fp64: float64 GEMM" : "fp32: the layer's own float32 GEMM";
}

void FloatKernel::forward(const model::Tensor &in, model::Tensor &out, KernelScratch &s,
                          int64_t) const
{
    if (!m_double) {
        m_layer->forward({&in}, out, s.ws);
        return;
    }
    const int n = in.n;
    const int64_t k = m_g.k;
    const int u = m_g.outputs;
    s.d0.assign(in.data.begin(), in.data.begin() + int64_t(n) * m_g.inSize);
    if (!m_g.conv) {
        s.d1.resize(size_t(int64_t(n) * u));
        const ConstMatrixMapD x(s.d0.data(), n, k);
        const ConstMatrixMapD w(m_weights.data(), u, k);
        MatrixMapD y(s.d1.data(), n, u);
        y.noalias() = x * w.transpose();
        for (int i = 0; i < n; ++i) {
            for (int c = 0; c < u; ++c)
                out.data[size_t(int64_t(i) * u + c)]
                    = float(s.d1[size_t(int64_t(i) * u + c)] + m_bias[size_t(c)]);
        }
        return;
    }
    const int64_t p = m_g.pixels;
    const int fg = m_g.outputsPerGroup();
    s.d1.resize(size_t(k * p));
    s.d2.resize(size_t(fg * p));
    for (int i = 0; i < n; ++i) {
        for (int g = 0; g < m_g.groups; ++g) {
            im2col(m_g, g, s.d0.data() + int64_t(i) * m_g.inSize, s.d1.data(), 0.0);
            const ConstMatrixMapD w(m_weights.data() + int64_t(g) * fg * k, fg, k);
            const ConstMatrixMapD col(s.d1.data(), k, p);
            MatrixMapD y(s.d2.data(), fg, p);
            y.noalias() = w * col;
            float *o = out.sample(i) + int64_t(g) * fg * p;
            for (int f = 0; f < fg; ++f) {
                for (int64_t j = 0; j < p; ++j)
                    o[f * p + j] = float(s.d2[size_t(f * p + j)] + m_bias[size_t(g * fg + f)]);
            }
        }
    }
}

void FloatKernel::forwardNaive(const model::Tensor &in, model::Tensor &out, int64_t) const
{
    if (!m_double) {
        m_layer->forwardNaive({&in}, out);
        return;
    }
    const int fg = m_g.outputsPerGroup();
    for (int i = 0; i < in.n; ++i) {
        const float *x = in.sample(i);
        float *y = out.sample(i);
        for (int c = 0; c < m_g.outputs; ++c) {
            for (int64_t p = 0; p < m_g.pixels; ++p) {
                double acc = 0;
                for (int64_t j = 0; j < m_g.k; ++j) {
                    const int64_t at = inputIndex(m_g, c / fg, j, p);
                    if (at >= 0)
                        acc += double(x[at]) * m_weights[size_t(c * m_g.k + j)];
                }
                y[int64_t(c) * m_g.pixels + p] = float(acc + m_bias[size_t(c)]);
            }
        }
    }
}

} // namespace frontier::numeric
