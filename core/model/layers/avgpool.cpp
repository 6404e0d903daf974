#include "avgpool.h"

#include "layerutil.h"

#include "common/error.h"

#include <algorithm>

namespace frontier::model {

AvgPool::AvgPool(const Attributes &a)
{
    const std::string t = "avgpool";
    detail::checkKnownKeys(a, t, {"kernel", "stride", "pad", "count_include_pad"});
    m_window = detail::Window2d::forPooling(a, t);
    const int zero = 0;
    const int include = detail::attrInt(a, t, "count_include_pad", 0, &zero);
    if (include > 1)
        throw Error(t, "attribute 'count_include_pad' must be 0 or 1");
    m_countIncludePad = include == 1;
}

std::unique_ptr<Layer> AvgPool::clone() const
{
    return std::make_unique<AvgPool>(*this);
}

Shape AvgPool::outputShape(const std::vector<Shape> &inputs) const
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

void AvgPool::forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const
{
    (void)ws;
    detail::prepareForward(*this, in, out);
    const int c = in[0]->shape[0], h = in[0]->shape[1], w = in[0]->shape[2];
    const int oh = out.shape[1], ow = out.shape[2];
    const int64_t planes = int64_t(in[0]->n) * c;
    for (int64_t p = 0; p < planes; ++p) {
        const float *x = in[0]->data.data() + p * h * w;
        float *y = out.data.data() + p * oh * ow;
        for (int oy = 0; oy < oh; ++oy) {
            const int y0 = std::max(oy * m_window.sh - m_window.pt, 0);
            const int y1 = std::min(oy * m_window.sh - m_window.pt + m_window.kh, h);
            for (int ox = 0; ox < ow; ++ox) {
                const int x0 = std::max(ox * m_window.sw - m_window.pl, 0);
                const int x1 = std::min(ox * m_window.sw - m_window.pl + m_window.kw, w);
                float sum = 0.0f;
                for (int iy = y0; iy < y1; ++iy) {
                    for (int ix = x0; ix < x1; ++ix)
                        sum += x[iy * w + ix];
                }
                const int count
                    = m_countIncludePad ? m_window.kh * m_window.kw : (y1 - y0) * (x1 - x0);
                y[oy * ow + ox] = sum / float(count);
            }
        }
    }
}

void AvgPool::forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const
{
    const int n = detail::prepareForward(*this, in, out);
    const int c = in[0]->shape[0], h = in[0]->shape[1], w = in[0]->shape[2];
    const int oh = out.shape[1], ow = out.shape[2];
    for (int s = 0; s < n; ++s) {
        for (int ch = 0; ch < c; ++ch) {
            const float *x = in[0]->sample(s) + int64_t(ch) * h * w;
            float *y = out.sample(s) + int64_t(ch) * oh * ow;
            for (int oy = 0; oy < oh; ++oy) {
                for (int ox = 0; ox < ow; ++ox) {
                    double sum = 0;
                    int count = 0;
                    for (int ki = 0; ki < m_window.kh; ++ki) {
                        for (int kj = 0; kj < m_window.kw; ++kj) {
                            const int iy = oy * m_window.sh - m_window.pt + ki;
                            const int ix = ox * m_window.sw - m_window.pl + kj;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                sum += x[iy * w + ix];
                                ++count;
                            } else if (m_countIncludePad) {
                                ++count;
                            }
                        }
                    }
                    y[oy * ow + ox] = float(sum / count);
                }
            }
        }
    }
}

void AvgPool::backward(const std::vector<const Tensor *> &in, const Tensor &out,
                       const Tensor &gradOut, const std::vector<Tensor *> &gradIn,
                       std::vector<std::vector<float>> &gradParams, const LayerCache &cache,
                       Workspace &ws) const
{
    (void)cache;
    (void)ws;
    detail::prepareBackward(*this, in, out, gradOut, gradIn, gradParams);
    if (gradIn.empty() || !gradIn[0])
        return;
    Tensor &gradX = *gradIn[0];
    gradX.setZero();
    const int c = in[0]->shape[0], h = in[0]->shape[1], w = in[0]->shape[2];
    const int oh = out.shape[1], ow = out.shape[2];
    const int64_t planes = int64_t(in[0]->n) * c;
    for (int64_t p = 0; p < planes; ++p) {
        float *gx = gradX.data.data() + p * h * w;
        const float *g = gradOut.data.data() + p * oh * ow;
        for (int oy = 0; oy < oh; ++oy) {
            const int y0 = std::max(oy * m_window.sh - m_window.pt, 0);
            const int y1 = std::min(oy * m_window.sh - m_window.pt + m_window.kh, h);
            for (int ox = 0; ox < ow; ++ox) {
                const int x0 = std::max(ox * m_window.sw - m_window.pl, 0);
                const int x1 = std::min(ox * m_window.sw - m_window.pl + m_window.kw, w);
                const int count
                    = m_countIncludePad ? m_window.kh * m_window.kw : (y1 - y0) * (x1 - x0);
                const float share = g[oy * ow + ox] / float(count);
                for (int iy = y0; iy < y1; ++iy) {
                    for (int ix = x0; ix < x1; ++ix)
                        gx[iy * w + ix] += share;
                }
            }
        }
    }
}

Attributes AvgPool::attributes() const
{
    Attributes a;
    m_window.toAttributes(a);
    a["count_include_pad"] = {m_countIncludePad ? 1.0 : 0.0};
    return a;
}

} // namespace frontier::model
