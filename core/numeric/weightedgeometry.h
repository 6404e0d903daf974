#pragma once

#include "model/layers/layer.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace frontier::numeric {

// A weighted layer ("dense" or "conv2d") seen as the GEMMs the quantized kernels run.
// Weights are [outputs, k] row-major in both cases (dense [units, in]; conv
// [filters, C/groups * kh * kw]); output channel c reads group c / (outputs / groups).
// For a conv layer, one sample's group g is col_g[k, pixels] (im2col), and the output
// is [outputs, pixels] (NCHW). A dense layer has one "pixel" and one group.
struct WeightedGeometry
{
    bool conv = false;
    int outputs = 0; // units or filters
    int groups = 1;
    int64_t k = 0;      // reduction length per output value
    int64_t inSize = 0; // elements of one input sample
    int64_t pixels = 1; // output positions per channel (oh * ow for conv)
    // conv only
    int c = 0, h = 0, w = 0, oh = 0, ow = 0;
    int kh = 1, kw = 1, sh = 1, sw = 1, pt = 0, pl = 0, pb = 0, pr = 0;

    int outputsPerGroup() const { return outputs / groups; }
    int channelsPerGroup() const { return c / groups; }
    int64_t outSize() const { return int64_t(outputs) * pixels; }
    // Samples per block of im2colSamples() for a batch of n: 1 for maps of 64 pixels or
    // more, else enough for 512 columns (Conv2d's choice), the columns capped at 2^21 floats.
    int sampleBlock(int n) const;

    // Throws Error naming the layer when it is not dense/conv2d or does not fit `input`.
    static WeightedGeometry of(const model::Layer &layer, const model::Shape &input);
    static bool isWeighted(const model::Layer &layer);
};

// im2col of one sample and one group: col[k, pixels] (row-major) with
// row (c, ki, kj) and column (oy, ox) = in[g * C/groups + c][oy*sh - pt + ki][ox*sw - pl + kj],
// or `pad` outside the input. T is float, double or a word type.
// im2colRows() writes only rows [rowBegin, rowEnd) of col, starting at `col` itself.
// For float, the active instruction-set path's kernel (model/layers/kernels/convkernel.h):
// the same values, short rows moved with vector loads and stores.
void im2colRows(const WeightedGeometry &g, int group, const float *in, float *col, float pad,
                int64_t rowBegin, int64_t rowEnd);

template<typename T>
void im2colRows(const WeightedGeometry &g, int group, const T *in, T *col, T pad, int64_t rowBegin,
                int64_t rowEnd)
{
    const int cg = g.channelsPerGroup();
    for (int64_t r = rowBegin; r < rowEnd; ++r) {
        const int kj = int(r % g.kw);
        const int ki = int((r / g.kw) % g.kh);
        const int c = int(r / (int64_t(g.kw) * g.kh));
        {
            const T *plane = in + (int64_t(group) * cg + c) * g.h * g.w;
            {
                T *row = col + (r - rowBegin) * g.pixels;
                // Output columns ox whose input column ox*sw - pl + kj lies inside [0, w).
                const int shift = kj - g.pl;
                int xLo = 0;
                while (xLo < g.ow && xLo * g.sw + shift < 0)
                    ++xLo;
                int xHi = g.ow;
                while (xHi > xLo && (xHi - 1) * g.sw + shift >= g.w)
                    --xHi;
                for (int oy = 0; oy < g.oh; ++oy) {
                    const int iy = oy * g.sh - g.pt + ki;
                    T *dst = row + int64_t(oy) * g.ow;
                    if (iy < 0 || iy >= g.h) {
                        std::fill(dst, dst + g.ow, pad);
                        continue;
                    }
                    const T *src = plane + int64_t(iy) * g.w;
                    std::fill(dst, dst + xLo, pad);
                    if (g.sw == 1 && xHi > xLo) {
                        std::copy(src + (xLo + shift), src + (xHi + shift), dst + xLo);
                    } else {
                        for (int ox = xLo; ox < xHi; ++ox)
                            dst[ox] = src[ox * g.sw + shift];
                    }
                    std::fill(dst + xHi, dst + g.ow, pad);
                }
            }
        }
    }
}

template<typename T>
void im2col(const WeightedGeometry &g, int group, const T *in, T *col, T pad)
{
    im2colRows(g, group, in, col, pad, 0, g.k);
}

// im2col of `count` consecutive samples over all groups at once: col[groups · k,
// count · pixels] (leading dimension ld), zeros in the padding; group g's rows begin at
// row g · k, sample s's columns at s · pixels. The same values as im2col() of each sample
// and group, moved by the active path's fp32 kernels (with count == 1 and a horizontal
// stride of 1 through a zero-padded copy of the sample in `padded`, resized here).
// Conv only; the reduced-precision kernels batch small maps with it as Conv2d does.
void im2colSamples(const WeightedGeometry &g, const float *in, int count, float *col, int64_t ld,
                   std::vector<float> &padded);

// The input element that column `pixel`, row `row` of group `group` reads, or -1 for
// padding (the naive kernels' direct indexing; same convention as im2col).
int64_t inputIndex(const WeightedGeometry &g, int group, int64_t row, int64_t pixel);

} // namespace frontier::numeric
