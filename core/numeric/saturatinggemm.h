#pragma once

#include <cstdint>

namespace frontier::numeric {

// The integer kernel's saturating accumulation (integerkernel.h, Path::Saturating) as a
// GEMM. For rows r < m (output channels) and columns j < n (samples or pixels):
//   acc = start[r]; for i = 0..k-1: acc = min(max(acc + w[r, i] * x[i, j], lo), hi)
//   out[r, j] = acc
// w: int32 codes [m, k] (row-major), x: int32 codes [k, n] (leading dimension ldx), out:
// int64 [m, n] (leading dimension ldc). Each element's chain is sequential in i, so the
// result is one integer whatever the path; the vector paths run many chains side by side
// (columns in int64 lanes, signed 32 x 32 -> 64-bit products, the clamps as min/max).
// lo <= start[r] <= hi and |acc + product| < 2^63 (Accumulator's precondition). With
// lo = INT64_MIN and hi = INT64_MAX (a 64-bit accumulator, or sums known to stay in
// range) the clamps are skipped: the exact integer sums.
// Thread-safe (no state).
void saturatingGemm(int m, int64_t n, int64_t k, const int32_t *w, const int32_t *x, int64_t ldx,
                    const int64_t *start, int64_t lo, int64_t hi, int64_t *out, int64_t ldc);

} // namespace frontier::numeric
