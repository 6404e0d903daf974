#include "conv2d.h"

#include "gemm.h"
#include "kernels/convkernel.h"
#include "layerutil.h"

#include "common/cpu.h"
#include "common/error.h"
#include "common/random.h"

#include <algorithm>
#include <cmath>

namespace frontier::model {

namespace convkernels {

const Table &table()
{
    static const Table tables[] = {
        {&portable::im2col, &portable::im2colRows, &portable::im2colStride1, &portable::col2im,
         &portable::copy, &portable::maxPool2x2},
        {&avx2::im2col, &avx2::im2colRows, &avx2::im2colStride1, &avx2::col2im, &avx2::copy,
         &avx2::maxPool2x2},
        {&avx512::im2col, &avx512::im2colRows, &avx512::im2colStride1, &avx512::col2im,
         &avx512::copy, &avx512::maxPool2x2},
    };
    return tables[int(cpu::activeIsa())];
}

} // namespace convkernels

namespace {

enum { Weight, Bias };

// Columns per GEMM we aim for when batching im2col over samples, and the cap on the
// column buffer (floats).
constexpr int64_t targetColumns = 512;
constexpr int64_t maxColumnFloats = int64_t(1) << 21;
// forward(): output pixels per sample from which every sample gets its own GEMMs,
// written straight into the output (no scatter); smaller maps are batched.
constexpr int64_t directPixels = 64;

int64_t roundUp16(int64_t v)
{
    return (v + 15) / 16 * 16;
}

} // namespace

struct Conv2d::Geometry
{
    int c, h, w;   // input
    int f, oh, ow; // output
    int kh, kw, sh, sw, pt, pl, pb, pr;
    int groups;
    int cg, fg;     // channels and filters per group
    int64_t kg;     // rows of one group's columns: cg · kh · kw
    int64_t k;      // all rows: c · kh · kw
    int64_t p;      // output pixels: oh · ow
    bool pointwise; // 1x1, stride 1, no padding: the input is its own column matrix

    // Samples per im2col block; 1 for a pointwise convolution whose input is used in
    // place of the columns (inPlace).
    int blockSize(int n, bool inPlace = true) const
    {
        int64_t b = std::max<int64_t>(1, (targetColumns + p - 1) / p);
        b = std::min<int64_t>(b, std::max<int64_t>(1, maxColumnFloats / (k * p)));
        if (pointwise && inPlace)
            b = 1;
        return int(std::min<int64_t>(b, n));
    }
};

namespace {

// The path's kernels with this layer's geometry.
template<typename G>
convkernels::Window window(const G &g)
{
    return {g.c, g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.pt, g.pl, g.pb, g.pr};
}

} // namespace

Conv2d::Conv2d(const Attributes &a)
{
    const std::string t = "conv2d";
    detail::checkKnownKeys(a, t, {"filters", "kernel", "stride", "pad", "groups"});
    m_filters = detail::attrInt(a, t, "filters", 1);
    const int one = 1;
    m_groups = detail::attrInt(a, t, "groups", 1, &one);
    if (m_filters % m_groups != 0)
        throw Error(t, "groups (" + std::to_string(m_groups) + ") must divide filters ("
                           + std::to_string(m_filters) + ")");
    const detail::Window2d w = detail::Window2d::fromAttributes(a, t);
    m_kh = w.kh;
    m_kw = w.kw;
    m_sh = w.sh;
    m_sw = w.sw;
    m_pt = w.pt;
    m_pl = w.pl;
    m_pb = w.pb;
    m_pr = w.pr;
    m_params = {{"weight", {}, {}, true}, {"bias", {}, {}, true}};
}

std::unique_ptr<Layer> Conv2d::clone() const
{
    return std::make_unique<Conv2d>(*this);
}

Conv2d::Geometry Conv2d::geometry(const Shape &input) const
{
    detail::checkRank(*this, input, 3, "{C, H, W}");
    Geometry g{};
    g.c = input[0];
    g.h = input[1];
    g.w = input[2];
    if (g.c % m_groups != 0)
        throw Error(where(), "groups (" + std::to_string(m_groups)
                                 + ") must divide the input channels (" + std::to_string(g.c)
                                 + ")");
    detail::Window2d win;
    win.kh = m_kh;
    win.kw = m_kw;
    win.sh = m_sh;
    win.sw = m_sw;
    win.pt = m_pt;
    win.pl = m_pl;
    win.pb = m_pb;
    win.pr = m_pr;
    g.f = m_filters;
    g.oh = win.outH(g.h);
    g.ow = win.outW(g.w);
    if (g.oh <= 0 || g.ow <= 0)
        throw Error(where(), "kernel " + std::to_string(m_kh) + "x" + std::to_string(m_kw)
                                 + " does not fit the padded input " + shapeToString(input));
    g.kh = m_kh;
    g.kw = m_kw;
    g.sh = m_sh;
    g.sw = m_sw;
    g.pt = m_pt;
    g.pl = m_pl;
    g.pb = m_pb;
    g.pr = m_pr;
    g.groups = m_groups;
    g.cg = g.c / m_groups;
    g.fg = m_filters / m_groups;
    g.kg = int64_t(g.cg) * m_kh * m_kw;
    g.k = int64_t(g.c) * m_kh * m_kw;
    g.p = int64_t(g.oh) * g.ow;
    g.pointwise = m_kh == 1 && m_kw == 1 && m_sh == 1 && m_sw == 1 && m_pt == 0 && m_pl == 0
                  && m_pb == 0 && m_pr == 0;
    return g;
}

Shape Conv2d::outputShape(const std::vector<Shape> &inputs) const
{
    detail::checkInputCount(*this, inputs);
    const Geometry g = geometry(inputs[0]);
    detail::checkParam(*this, m_params[Weight], {m_filters, g.cg, m_kh, m_kw});
    detail::checkParam(*this, m_params[Bias], {m_filters});
    return {m_filters, g.oh, g.ow};
}

void Conv2d::prepareInference(bool fuseRelu)
{
    m_fusedRelu = fuseRelu;
}

void Conv2d::forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const
{
    const int n = detail::prepareForward(*this, in, out);
    if (n > 0)
        forwardRaw(in[0]->data.data(), in[0]->shape, n, out.data.data(), ws);
}

void Conv2d::forwardRaw(const float *x, const Shape &input, int n, float *y, Workspace &ws) const
{
    const Geometry g = geometry(input);
    const float *weight = m_params[Weight].value.data();
    const float *bias = m_params[Bias].value.data();
    const int64_t inSize = int64_t(g.c) * g.h * g.w;
    const int64_t outSize = int64_t(g.f) * g.p;
    const convkernels::Table &kernels = convkernels::table();
    const convkernels::Window win = window(g);
    gemm::Epilogue epilogue;
    epilogue.activation = m_fusedRelu ? gemm::Activation::Relu : gemm::Activation::None;

    // result [f, columns] (leading dimension ldc) = weight · col, group by group.
    auto multiply = [&](const float *col, int64_t ld, int64_t columns, float *result, int64_t ldc) {
        for (int grp = 0; grp < g.groups; ++grp) {
            epilogue.rowBias = bias + grp * g.fg;
            gemm::sgemm(g.fg, int(columns), int(g.kg), weight + grp * g.fg * g.kg, g.kg,
                        gemm::rowMajor(col + grp * g.kg * ld, ld), result + grp * g.fg * ldc, ldc,
                        epilogue);
        }
    };

    if (g.p >= directPixels) {
        // Rows of 16-float multiples keep the vector loads of the columns aligned.
        const int64_t ld = g.pointwise ? g.p : roundUp16(g.p);
        float *col = g.pointwise ? nullptr : gemm::alignedScratch(ws.a, g.k * ld);
        float *padded = nullptr;
        if (g.sw == 1 && !g.pointwise) {
            const int64_t size = int64_t(g.c) * (g.h + g.pt + g.pb) * (g.w + g.pl + g.pr);
            ws.c.assign(size_t(size), 0.0f);
            padded = ws.c.data();
        }
        for (int s = 0; s < n; ++s) {
            const float *xs = x + s * inSize;
            if (padded) {
                kernels.im2colStride1(win, xs, col, ld, padded);
                xs = col;
            } else if (!g.pointwise) {
                kernels.im2col(win, xs, 1, col, ld);
                xs = col;
            }
            multiply(xs, ld, g.p, y + s * outSize, g.p);
        }
        return;
    }

    // Small maps: im2col over blocks of samples, one GEMM per block, then scatter
    // [f, (sample, pixel)] back to NCHW.
    const int block = g.blockSize(n, false);
    const int64_t ld = roundUp16(int64_t(block) * g.p);
    float *col = gemm::alignedScratch(ws.a, g.k * ld);
    if (ws.b.size() < size_t(int64_t(g.f) * block * g.p))
        ws.b.resize(size_t(int64_t(g.f) * block * g.p));
    for (int n0 = 0; n0 < n; n0 += block) {
        const int count = std::min(block, n - n0);
        const int64_t cols = count * g.p;
        kernels.im2col(win, x + n0 * inSize, count, col, ld);
        multiply(col, ld, cols, ws.b.data(), cols);
        for (int s = 0; s < count; ++s) {
            float *dst = y + (n0 + s) * outSize;
            for (int f = 0; f < g.f; ++f) {
                const float *src = ws.b.data() + f * cols + s * g.p;
                kernels.copy(dst + f * g.p, src, g.p);
            }
        }
    }
}

void Conv2d::forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const
{
    const int n = detail::prepareForward(*this, in, out);
    const Geometry g = geometry(in[0]->shape);
    const std::vector<float> &w = m_params[Weight].value;
    for (int s = 0; s < n; ++s) {
        const float *x = in[0]->sample(s);
        float *y = out.sample(s);
        for (int f = 0; f < g.f; ++f) {
            const int grp = f / g.fg;
            for (int oy = 0; oy < g.oh; ++oy) {
                for (int ox = 0; ox < g.ow; ++ox) {
                    double acc = m_params[Bias].value[size_t(f)];
                    for (int cl = 0; cl < g.cg; ++cl) {
                        const int c = grp * g.cg + cl;
                        for (int ki = 0; ki < g.kh; ++ki) {
                            const int iy = oy * g.sh - g.pt + ki;
                            if (iy < 0 || iy >= g.h)
                                continue;
                            for (int kj = 0; kj < g.kw; ++kj) {
                                const int ix = ox * g.sw - g.pl + kj;
                                if (ix < 0 || ix >= g.w)
                                    continue;
                                acc += double(x[(int64_t(c) * g.h + iy) * g.w + ix])
                                       * w[size_t(((int64_t(f) * g.cg + cl) * g.kh + ki) * g.kw
                                                  + kj)];
                            }
                        }
                    }
                    y[(int64_t(f) * g.oh + oy) * g.ow + ox]
                        = m_fusedRelu && !(acc > 0.0) ? 0.0f : float(acc);
                }
            }
        }
    }
}

void Conv2d::backward(const std::vector<const Tensor *> &in, const Tensor &out,
                      const Tensor &gradOut, const std::vector<Tensor *> &gradIn,
                      std::vector<std::vector<float>> &gradParams, const LayerCache &cache,
                      Workspace &ws) const
{
    (void)cache;
    if (m_fusedRelu)
        throw Error(where(), "backward() through a fused ReLU (an inference-only copy)");
    const bool wantParams = detail::prepareBackward(*this, in, out, gradOut, gradIn, gradParams);
    Tensor *gx = gradIn.empty() ? nullptr : gradIn[0];
    if (!wantParams && !gx)
        return;
    const int n = in[0]->n;
    const Geometry g = geometry(in[0]->shape);
    const int block = g.blockSize(n);
    const float *weight = m_params[Weight].value.data();
    const convkernels::Table &kernels = convkernels::table();
    const convkernels::Window win = window(g);
    if (gx)
        gx->setZero();
    if (wantParams && !g.pointwise)
        ws.a.resize(size_t(g.k * block * g.p));
    if (block > 1)
        ws.b.resize(size_t(int64_t(g.f) * block * g.p));
    if (gx && !g.pointwise)
        ws.c.resize(size_t(g.k * block * g.p));

    for (int n0 = 0; n0 < n; n0 += block) {
        const int count = std::min(block, n - n0);
        const int64_t cols = count * g.p;
        // The output gradient as [f, (sample, pixel)].
        const float *go = gradOut.sample(n0);
        if (count > 1) {
            for (int s = 0; s < count; ++s) {
                const float *src = gradOut.sample(n0 + s);
                for (int f = 0; f < g.f; ++f) {
                    kernels.copy(ws.b.data() + f * cols + s * g.p, src + f * g.p, g.p);
                }
            }
            go = ws.b.data();
        }

        if (wantParams) {
            const float *colData = in[0]->sample(n0);
            if (!g.pointwise) {
                kernels.im2col(win, in[0]->sample(n0), count, ws.a.data(), cols);
                colData = ws.a.data();
            }
            // gw [fg, kg] += gradRes [fg, cols] · colᵀ [cols, kg], per group
            float *gw = gradParams[Weight].data();
            for (int grp = 0; grp < g.groups; ++grp) {
                gemm::gemmTrain(false, true, g.fg, int(g.kg), int(cols), go + grp * g.fg * cols,
                                cols, colData + grp * g.kg * cols, cols, gw + grp * g.fg * g.kg,
                                g.kg, true);
            }
            for (int f = 0; f < g.f; ++f) {
                const float *row = go + f * cols;
                float sum = 0.0f;
                for (int64_t i = 0; i < cols; ++i)
                    sum += row[i];
                gradParams[Bias][size_t(f)] += sum;
            }
        }
        if (gx) {
            float *gcData = g.pointwise ? gx->sample(n0) : ws.c.data();
            // gc [kg, cols] = weightᵀ [kg, fg] · gradRes [fg, cols], per group
            for (int grp = 0; grp < g.groups; ++grp) {
                gemm::gemmTrain(true, false, int(g.kg), int(cols), g.fg, weight + grp * g.fg * g.kg,
                                g.kg, go + grp * g.fg * cols, cols, gcData + grp * g.kg * cols,
                                cols, false);
            }
            if (!g.pointwise)
                kernels.col2im(win, gcData, count, gx->sample(n0));
        }
    }
}

void Conv2d::initialize(const std::vector<Shape> &inputs, uint64_t seed)
{
    detail::checkInputCount(*this, inputs);
    const Geometry g = geometry(inputs[0]);
    Random rng(seed);
    const double stddev = std::sqrt(2.0 / double(g.kg)); // He-normal, fan_in = C/groups·kh·kw
    detail::fillNormal(m_params[Weight], {m_filters, g.cg, m_kh, m_kw}, stddev, rng);
    detail::fillParam(m_params[Bias], {m_filters}, 0.0f);
}

Attributes Conv2d::attributes() const
{
    Attributes a;
    a["filters"] = {double(m_filters)};
    a["groups"] = {double(m_groups)};
    a["kernel"] = {double(m_kh), double(m_kw)};
    a["stride"] = {double(m_sh), double(m_sw)};
    a["pad"] = {double(m_pt), double(m_pl), double(m_pb), double(m_pr)};
    return a;
}

LayerStats Conv2d::stats(const std::vector<Shape> &inputs) const
{
    const Shape out = outputShape(inputs);
    const Geometry g = geometry(inputs[0]);
    LayerStats s;
    s.params = int64_t(m_filters) * g.kg + m_filters;
    s.macs = int64_t(m_filters) * g.kg * g.p;
    s.activations = numel(out);
    return s;
}

} // namespace frontier::model
