#include "maxpool.h"

#include "kernels/convkernel.h"
#include "layerutil.h"

#include "common/error.h"

#include <algorithm>
#include <limits>

namespace frontier::model {

MaxPool::MaxPool(const Attributes &a)
{
    const std::string t = "maxpool";
    detail::checkKnownKeys(a, t, {"kernel", "stride", "pad"});
    m_window = detail::Window2d::forPooling(a, t);
}

std::unique_ptr<Layer> MaxPool::clone() const
{
    return std::make_unique<MaxPool>(*this);
}

Shape MaxPool::outputShape(const std::vector<Shape> &inputs) const
{
    detail::checkInputCount(*this, inputs);
    detail::checkRank(*this, inputs[0], 3, "{C, H, W}");
    const int oh = m_window.outH(inputs[0][1]);
    const int ow = m_window.outW(inputs[0][2]);
    if (oh <= 0 || ow <= 0)
        throw Error(where(), "kernel " + std::to_string(m_window.kh) + "x"
                                 + std::to_string(m_window.kw) + " does not fit the padded input "
                                 + shapeToString(inputs[0]));
    return {inputs[0][0], oh, ow};
}

void MaxPool::pool(const Tensor &in, Tensor &out, int *argmax) const
{
    const int c = in.shape[0], h = in.shape[1], w = in.shape[2];
    const int oh = out.shape[1], ow = out.shape[2];
    const int64_t planes = int64_t(in.n) * c;
    for (int64_t pl = 0; pl < planes; ++pl) {
        const float *x = in.data.data() + pl * h * w;
        float *y = out.data.data() + pl * oh * ow;
        const int base = int((pl % c) * h * w);
        for (int oy = 0; oy < oh; ++oy) {
            const int y0 = std::max(oy * m_window.sh - m_window.pt, 0);
            const int y1 = std::min(oy * m_window.sh - m_window.pt + m_window.kh, h);
            for (int ox = 0; ox < ow; ++ox) {
                const int x0 = std::max(ox * m_window.sw - m_window.pl, 0);
                const int x1 = std::min(ox * m_window.sw - m_window.pl + m_window.kw, w);
                float best = -std::numeric_limits<float>::infinity();
                int at = y0 * w + x0;
                for (int iy = y0; iy < y1; ++iy) {
                    for (int ix = x0; ix < x1; ++ix) {
                        if (x[iy * w + ix] > best) {
                            best = x[iy * w + ix];
                            at = iy * w + ix;
                        }
                    }
                }
                y[oy * ow + ox] = best;
                if (argmax)
                    argmax[pl * oh * ow + oy * ow + ox] = base + at;
            }
        }
    }
}

void MaxPool::forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const
{
    (void)ws;
    detail::prepareForward(*this, in, out);
    if (m_window.kh == 2 && m_window.kw == 2 && m_window.sh == 2 && m_window.sw == 2
        && m_window.pt == 0 && m_window.pl == 0 && m_window.pb == 0 && m_window.pr == 0) {
        // The 2x2, stride-2 case of LeNet and VGG: the same values as pool() (each
        // candidate replaces the best only when greater), without the generic window
        // bounds and argmax tracking, vectorised on every path.
        const Tensor &x = *in[0];
        convkernels::table().maxPool2x2(x.data.data(), int64_t(x.n) * x.shape[0], x.shape[1],
                                        x.shape[2], out.shape[1], out.shape[2], out.data.data());
        return;
    }
    pool(*in[0], out, nullptr);
}

void MaxPool::forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const
{
    const int n = detail::prepareForward(*this, in, out);
    const int c = in[0]->shape[0], h = in[0]->shape[1], w = in[0]->shape[2];
    const int oh = out.shape[1], ow = out.shape[2];
    const float ninf = -std::numeric_limits<float>::infinity();
    for (int s = 0; s < n; ++s) {
        for (int ch = 0; ch < c; ++ch) {
            const float *x = in[0]->sample(s) + int64_t(ch) * h * w;
            float *y = out.sample(s) + int64_t(ch) * oh * ow;
            for (int oy = 0; oy < oh; ++oy) {
                for (int ox = 0; ox < ow; ++ox) {
                    float best = ninf;
                    for (int ki = 0; ki < m_window.kh; ++ki) {
                        for (int kj = 0; kj < m_window.kw; ++kj) {
                            const int iy = oy * m_window.sh - m_window.pt + ki;
                            const int ix = ox * m_window.sw - m_window.pl + kj;
                            const bool inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                            best = std::max(best, inside ? x[iy * w + ix] : ninf);
                        }
                    }
                    y[oy * ow + ox] = best;
                }
            }
        }
    }
}

void MaxPool::forwardTrain(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws,
                           LayerCache &cache) const
{
    (void)ws;
    detail::prepareForward(*this, in, out);
    cache.i.resize(out.data.size());
    pool(*in[0], out, cache.i.data());
}

void MaxPool::backward(const std::vector<const Tensor *> &in, const Tensor &out,
                       const Tensor &gradOut, const std::vector<Tensor *> &gradIn,
                       std::vector<std::vector<float>> &gradParams, const LayerCache &cache,
                       Workspace &ws) const
{
    (void)ws;
    detail::prepareBackward(*this, in, out, gradOut, gradIn, gradParams);
    if (gradIn.empty() || !gradIn[0])
        return;
    const int *argmax = cache.i.data();
    std::vector<int> recomputed;
    if (cache.i.size() != out.data.size()) {
        Tensor scratch(out.n, out.shape);
        recomputed.resize(out.data.size());
        pool(*in[0], scratch, recomputed.data());
        argmax = recomputed.data();
    }
    Tensor &gx = *gradIn[0];
    gx.setZero();
    const int64_t outSize = out.sampleSize();
    for (int s = 0; s < out.n; ++s) {
        float *dst = gx.sample(s);
        const float *g = gradOut.sample(s);
        const int *am = argmax + s * outSize;
        for (int64_t i = 0; i < outSize; ++i)
            dst[am[i]] += g[i];
    }
}

Attributes MaxPool::attributes() const
{
    Attributes a;
    m_window.toAttributes(a);
    return a;
}

} // namespace frontier::model
