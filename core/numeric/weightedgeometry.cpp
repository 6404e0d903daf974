#include "weightedgeometry.h"

#include "common/error.h"
#include "model/layers/kernels/convkernel.h"

#include <algorithm>

namespace frontier::numeric {

namespace {

int attr(const model::Attributes &a, const char *key, size_t index, int fallback)
{
    const auto it = a.find(key);
    if (it == a.end() || it->second.empty())
        return fallback;
    const std::vector<double> &v = it->second;
    return int(v[index < v.size() ? index : v.size() - 1]);
}

model::convkernels::Window window(const WeightedGeometry &g)
{
    return {g.c, g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.pt, g.pl, g.pb, g.pr};
}

} // namespace

void im2colRows(const WeightedGeometry &g, int group, const float *in, float *col, float pad,
                int64_t rowBegin, int64_t rowEnd)
{
    const model::convkernels::Window win = window(g);
    const float *planes = in + int64_t(group) * g.channelsPerGroup() * g.h * g.w;
    model::convkernels::table().im2colRows(win, planes, col, g.pixels, pad, rowBegin, rowEnd);
}

void im2colSamples(const WeightedGeometry &g, const float *in, int count, float *col, int64_t ld,
                   std::vector<float> &padded)
{
    const model::convkernels::Window win = window(g);
    const model::convkernels::Table &kernels = model::convkernels::table();
    if (count == 1 && g.sw == 1) {
        // The copy's borders must be zero: cleared for every sample (it is a fraction of
        // the columns' size), not at all without padding, where it is unused.
        if (g.pt || g.pl || g.pb || g.pr)
            padded.assign(size_t(int64_t(g.c) * (g.h + g.pt + g.pb) * (g.w + g.pl + g.pr)), 0.0f);
        kernels.im2colStride1(win, in, col, ld, padded.data());
        return;
    }
    kernels.im2col(win, in, count, col, ld);
}

int WeightedGeometry::sampleBlock(int n) const
{
    if (pixels >= 64)
        return 1;
    int64_t b = (512 + pixels - 1) / pixels;
    b = std::min<int64_t>(b, std::max<int64_t>(1, (int64_t(1) << 21) / (groups * k * pixels)));
    return int(std::max<int64_t>(1, std::min<int64_t>(b, n)));
}

bool WeightedGeometry::isWeighted(const model::Layer &layer)
{
    return layer.type() == "dense" || layer.type() == "conv2d";
}

WeightedGeometry WeightedGeometry::of(const model::Layer &layer, const model::Shape &input)
{
    WeightedGeometry g;
    const model::Param *weight = layer.param("weight");
    const model::Param *bias = layer.param("bias");
    if (!isWeighted(layer) || !weight || !bias || weight->shape.empty())
        throw Error(layer.where(), "is not an initialised dense or conv2d layer");
    g.inSize = model::numel(input);
    g.outputs = weight->shape[0];
    g.k = int64_t(weight->value.size()) / std::max(1, g.outputs);
    if (layer.type() == "dense") {
        if (g.k != g.inSize)
            throw Error(layer.where(),
                        "weights do not match the input " + model::shapeToString(input));
    } else {
        const model::Attributes a = layer.attributes();
        if (input.size() != 3)
            throw Error(layer.where(),
                        "input " + model::shapeToString(input) + " is not {C, H, W}");
        g.conv = true;
        g.groups = attr(a, "groups", 0, 1);
        g.c = input[0];
        g.h = input[1];
        g.w = input[2];
        g.kh = attr(a, "kernel", 0, 1);
        g.kw = attr(a, "kernel", 1, g.kh);
        g.sh = attr(a, "stride", 0, 1);
        g.sw = attr(a, "stride", 1, g.sh);
        const auto pad = a.find("pad");
        const size_t pads = pad == a.end() ? 0 : pad->second.size();
        g.pt = attr(a, "pad", 0, 0);
        g.pl = pads == 4 ? attr(a, "pad", 1, 0) : attr(a, "pad", pads >= 2 ? 1 : 0, 0);
        g.pb = pads == 4 ? attr(a, "pad", 2, 0) : g.pt;
        g.pr = pads == 4 ? attr(a, "pad", 3, 0) : g.pl;
        if (g.groups < 1 || g.c % g.groups != 0 || g.outputs % g.groups != 0)
            throw Error(layer.where(), "groups do not divide channels and filters");
        g.oh = (g.h + g.pt + g.pb - g.kh) / g.sh + 1;
        g.ow = (g.w + g.pl + g.pr - g.kw) / g.sw + 1;
        if (g.h + g.pt + g.pb < g.kh || g.w + g.pl + g.pr < g.kw || g.oh <= 0 || g.ow <= 0)
            throw Error(layer.where(),
                        "kernel does not fit the input " + model::shapeToString(input));
        g.pixels = int64_t(g.oh) * g.ow;
        if (g.k != int64_t(g.channelsPerGroup()) * g.kh * g.kw)
            throw Error(layer.where(),
                        "weights do not match the input " + model::shapeToString(input));
    }
    if (bias->value.size() != size_t(g.outputs))
        throw Error(layer.where(), "bias does not match the weights");
    return g;
}

int64_t inputIndex(const WeightedGeometry &g, int group, int64_t row, int64_t pixel)
{
    if (!g.conv)
        return row;
    const int kj = int(row % g.kw);
    const int ki = int((row / g.kw) % g.kh);
    const int c = int(row / (int64_t(g.kw) * g.kh));
    const int oy = int(pixel / g.ow);
    const int ox = int(pixel % g.ow);
    const int iy = oy * g.sh - g.pt + ki;
    const int ix = ox * g.sw - g.pl + kj;
    if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w)
        return -1;
    return ((int64_t(group) * g.channelsPerGroup() + c) * g.h + iy) * g.w + ix;
}

} // namespace frontier::numeric
