#pragma once

// The register kernels behind gemm::sgemm(), compiled once per instruction-set path
// (kernels/sgemmkernel.cpp is built three times: portable, avx2, avx512; see
// cmake/FrontierIsaKernels.cmake). gemm.cpp picks one at run time (common/cpu.h).
//
// panel(): C[m x cols] = act(bias + A[m x k] · B[k x cols]) for one panel of at most
// gemm::panelWidth columns, with the per-element order of gemm.h: products summed in
// increasing p with fused multiply-adds, in blocks of kBlock (each block from zero, added
// to the running sum that starts from the bias with the first block), or in one chain from
// the bias when singleChain is set. Every path produces the same bits.
//
// This header and the kernel source include nothing with inline functions of external
// linkage (no standard containers or algorithms): a copy compiled with AVX-512 must never
// be the one the linker keeps for code that runs on other CPUs (tests/isa checks it).

#include <cstdint>

namespace frontier::model::gemm::kernels {

constexpr int kBlock = 128;

#define FRONTIER_SGEMM_PANEL_ARGS                                                                  \
    int m, int cols, int k, const float *a, int64_t lda, const float *b, int64_t ldb, float *c,    \
        int64_t ldc, const float *rowBias, const float *columnBias, bool relu, bool singleChain

using PanelFn = void (*)(FRONTIER_SGEMM_PANEL_ARGS);

namespace portable {
void panel(FRONTIER_SGEMM_PANEL_ARGS);
}
namespace avx2 {
void panel(FRONTIER_SGEMM_PANEL_ARGS);
}
namespace avx512 {
void panel(FRONTIER_SGEMM_PANEL_ARGS);
}

} // namespace frontier::model::gemm::kernels
