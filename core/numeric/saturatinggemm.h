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

namespace frontier::numeric {

// Exact sums of 16-bit codes in int32 lanes (vpmaddwd), for integer layers whose sums
// cannot saturate and stay below 2^31:
//   out[r, j] = start[r] + sum_i w[r, i] * x[i, j]
// with w, x in [-32768, 32767] and every partial sum of any subset of terms (start included)
// below 2^31 in magnitude, so that no lane wraps and the result is the exact integer.
// Both operands come as pairs of consecutive k in one int32 (low half the even i, high
// half the odd one; an odd k padded with 0): w as pairs16(w, m, k) rows [m, kPairs], x as
// packPairs16() [kPairs, n]. Vector paths only (pairsAvailable()). Thread-safe.
bool pairsAvailable();
int64_t pairCount(int64_t k);
// rows [rows, k] (leading dimension k) -> [rows, pairCount(k)]
void pairs16(const int32_t *rows, int m, int64_t k, int32_t *out);
// x [k, n] (leading dimension ldx) -> [pairCount(k), n]
void packPairs16(const int32_t *x, int64_t k, int64_t n, int64_t ldx, int32_t *out);
void pairGemm(int m, int64_t n, int64_t kPairs, const int32_t *w, const int32_t *x,
              const int64_t *start, int64_t *out, int64_t ldc);

} // namespace frontier::numeric
