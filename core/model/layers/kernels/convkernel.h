#pragma once

// The data-movement kernels of the convolution and pooling layers, compiled once per
// instruction-set path like the sgemm kernels (kernels/convkernel.cpp is built three
// times: portable, avx2, avx512; see cmake/FrontierIsaKernels.cmake). conv2d.cpp and
// maxpool.cpp pick one at run time through table() (common/cpu.h).
//
// They copy, zero, add and take maxima element by element, in the same order on every
// path, so every path produces the same bits. What the vector paths change is how the
// short rows of an im2col are moved: LeNet's second convolution copies 1,500 segments of
// 10 floats per sample, which the baseline build otherwise hands to memmove one call at a
// time.
//
// As for sgemmkernel.h, nothing here or in the source may have inline functions of
// external linkage (tests/isa/check-kernel-objects.sh).

#include <cstdint>

namespace frontier::model::convkernels {

// The geometry of one convolution or pooling window in plain integers.
struct Window
{
    int c, h, w;                // input planes and their size
    int oh, ow;                 // output size
    int kh, kw, sh, sw, pt, pl; // window, stride, top/left padding
    int pb, pr;                 // bottom/right padding
};

#define FRONTIER_CONV_KERNEL_DECLS                                                                 \
    /* col [c·kh·kw, count·p] (leading dimension ld) from count consecutive samples of in,  */  \
    /* zeros in the padding; p = oh·ow.                                                       */  \
    void im2col(const Window &g, const float *in, int count, float *col, int64_t ld);              \
    /* Rows [rowBegin, rowEnd) of one sample's im2col over the c planes at in, written from */     \
    /* col with leading dimension ld, `pad` in the padding (the reduced-precision kernels).  */    \
    void im2colRows(const Window &g, const float *in, float *col, int64_t ld, float pad,           \
                    int64_t rowBegin, int64_t rowEnd);                                             \
    /* im2col() of one sample for a horizontal stride of 1 through a zero-padded copy of it  */    \
    /* (padded: [c, h + pt + pb, w + pl + pr], borders zero on entry; unused unpadded).      */    \
    void im2colStride1(const Window &g, const float *in, float *col, int64_t ld, float *padded);   \
    /* The adjoint of im2col(): adds each column entry onto its input position.              */    \
    void col2im(const Window &g, const float *col, int count, float *in);                          \
    /* dst[i] = src[i], i < n (non-overlapping).                                              */   \
    void copy(float *dst, const float *src, int64_t n);                                            \
    /* Max pooling, 2x2 windows at stride 2, no padding, over `planes` planes of h x w; each */    \
    /* candidate replaces the best only when greater (NaN never wins, the first of equals   */     \
    /* stays).                                                                                */   \
    void maxPool2x2(const float *x, int64_t planes, int h, int w, int oh, int ow, float *y);

namespace portable {
FRONTIER_CONV_KERNEL_DECLS
}
namespace avx2 {
FRONTIER_CONV_KERNEL_DECLS
}
namespace avx512 {
FRONTIER_CONV_KERNEL_DECLS
}

struct Table
{
    void (*im2col)(const Window &, const float *, int, float *, int64_t);
    void (*im2colRows)(const Window &, const float *, float *, int64_t, float, int64_t, int64_t);
    void (*im2colStride1)(const Window &, const float *, float *, int64_t, float *);
    void (*col2im)(const Window &, const float *, int, float *);
    void (*copy)(float *, const float *, int64_t);
    void (*maxPool2x2)(const float *, int64_t, int, int, int, int, float *);
};

// The kernels of the active path (cpu::activeIsa()).
const Table &table();

} // namespace frontier::model::convkernels
