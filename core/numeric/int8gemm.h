#pragma once

#include <cstdint>
#include <vector>

namespace frontier::numeric {

// Exact integer GEMM on 8-bit codes with AVX-512 VNNI (vpdpbusd: u8 x s8 products summed
// in int32 lanes), for integer layers whose codes fit in 8 bits:
//   acc[i, j] = sum_k a[i, k] * w[j, k]       a: u8 [m, k], w: s8 [n, k]
// The caller guarantees sum_k |a| * |w| < 2^31 for every output, so no int32 lane ever
// wraps and the result is the exact integer sum (which makes it equal, bit for bit, to
// every other exact path of IntegerKernel).
//
// available() tells whether the active instruction-set path is AVX-512 on a CPU with VNNI
// (common/cpu.h); otherwise multiply() may not be called. Weights are packed once (Int8Weights); a
// is row-major with rows padded to paddedK() bytes (the padding must be 0). Thread-safe (no state).
class Int8Weights
{
public:
    Int8Weights() = default;
    Int8Weights(const int32_t *codes, int n, int k); // codes in [-128, 127], [n, k]

    static bool available();
    int n() const { return m_n; }
    int k() const { return m_k; }
    int paddedK() const { return (m_k + 3) / 4 * 4; }
    bool empty() const { return m_packed.empty(); }

    // acc [m, n] (row-major, leading dimension ldc) = a [m, paddedK()] * w^T.
    void multiply(int m, const uint8_t *a, int32_t *acc, int64_t ldc) const;

private:
    int m_n = 0;
    int m_k = 0;
    // [n / 16 blocks (rounded up)][paddedK / 4][16 outputs][4 k] bytes, zero padded.
    std::vector<int8_t> m_packed;
};

// The convolution form: acc [m, pixels] (leading dimension ldc) = w [m, k] * col [k, pixels]
// with w s8 row-major (rows of paddedK bytes, zero padded) and col u8 packed by
// packColumns(). Same exactness condition as above.
class Int8Columns
{
public:
    // Packs columns given as float32 integer codes col[k, pixels] (row-major), adding
    // `shift` to each (the result must lie in [0, 255]); interleaved as
    // [pixels / 32 pairs of 16][paddedK / 4][16 pixels][4 k], zero padded.
    void pack(const float *col, int k, int64_t pixels, int shift);
    // The same in steps: reset() once, then packRows() for each group of 4 rows
    // (rows 4 * p4 .. 4 * p4 + count - 1, given as `count` rows of `pixels` floats).
    void reset(int k, int64_t pixels);
    void packRows(int p4, const float *rows, int count, int shift);
    // acc = w * columns; w: m rows of paddedK(k) bytes.
    void multiply(int m, const int8_t *w, int32_t *acc, int64_t ldc) const;

private:
    int m_k4 = 0;
    int64_t m_pixels = 0;
    std::vector<uint8_t> m_packed;
};

} // namespace frontier::numeric
