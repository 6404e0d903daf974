#include "bitstream.h"

#include "common/error.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>

#include "common/simd.h"

#include "common/cpu.h"

namespace frontier::numeric {

namespace {

// Maximal-length taps (Xilinx XAPP052, "Efficient Shift Registers, LFSR Counters, and
// Long Pseudo-Random Sequence Generators", table 3), k = 2..16. Every mask is checked for
// period 2^k - 1 by tst_stochastic.
const std::vector<std::vector<int>> kTaps = {{},
                                             {},
                                             {2, 1},
                                             {3, 2},
                                             {4, 3},
                                             {5, 3},
                                             {6, 5},
                                             {7, 6},
                                             {8, 6, 5, 4},
                                             {9, 5},
                                             {10, 7},
                                             {11, 9},
                                             {12, 6, 4, 1},
                                             {13, 4, 3, 1},
                                             {14, 5, 3, 1},
                                             {15, 14},
                                             {16, 15, 13, 4}};

void checkBits(int k)
{
    if (k < 2 || k > 16)
        throw Error("stochastic computing",
                    "stream bits k = " + std::to_string(k) + " is outside 2..16");
}

} // namespace

uint32_t lfsrMask(int k, int role)
{
    checkBits(k);
    uint32_t mask = 0;
    for (int tap : kTaps[size_t(k)]) {
        const int t = role == 0 || tap == k ? tap : k - tap;
        mask |= 1u << (t - 1);
    }
    return mask;
}

int streamWords(int k)
{
    return int(((int64_t(1) << k) + 63) / 64);
}

StreamSource::StreamSource(int k, int role, bool lowDiscrepancy)
    : m_k(k)
    , m_ld(lowDiscrepancy)
{
    checkBits(k);
    const uint32_t length = 1u << k;
    m_cycle.resize(length);
    if (!lowDiscrepancy) {
        const uint32_t mask = lfsrMask(k, role);
        uint32_t state = 1;
        m_cycle[0] = 0;
        for (uint32_t t = 1; t < length; ++t) {
            m_cycle[t] = uint16_t(state);
            state = lfsrStep(state, mask);
        }
        m_doubled = m_cycle;
        m_doubled.insert(m_doubled.end(), m_cycle.begin(), m_cycle.end());
        return;
    }
    // Direction numbers V_j = m_j << (k - j): van der Corput (m_j = 1) for role 0, the
    // second Sobol dimension (m_j = 2 m_{j-1} XOR m_{j-1}, m_1 = 1) for role 1.
    std::vector<uint32_t> v(static_cast<size_t>(k));
    uint32_t m = 1;
    for (int j = 1; j <= k; ++j) {
        if (role != 0 && j > 1)
            m = (m << 1) ^ m;
        v[size_t(j - 1)] = (role == 0 ? 1u : m) << (k - j);
    }
    for (uint32_t t = 0; t < length; ++t) {
        uint32_t r = 0;
        for (int j = 0; j < k; ++j) {
            if (t & (1u << j))
                r ^= v[size_t(j)];
        }
        m_cycle[t] = uint16_t(r);
    }
}

uint32_t StreamSource::value(uint32_t offset, int64_t t) const
{
    const uint32_t mask = uint32_t(length() - 1);
    if (m_ld)
        return m_cycle[size_t(t) & mask] ^ (offset & mask);
    return m_cycle[size_t((uint64_t(t) + offset) & mask)];
}

namespace {

// Bit j of word t / 64 is (seq[t + j] ^ shift) < c, for lengths that are multiples of 64
// and c <= 0xFFFF: this loop on the portable path; AVX2 and AVX-512 BW compare 16 and 32
// values at once.
__attribute__((always_inline)) inline void generateWords(const uint16_t *seq, uint16_t shift,
                                                         uint32_t c, int64_t length,
                                                         uint64_t *words)
{
    for (int64_t t = 0; t < length; t += 64) {
        uint64_t w = 0;
        for (int j = 0; j < 64; ++j)
            w |= uint64_t((seq[t + j] ^ shift) < c) << j;
        words[t / 64] = w;
    }
}

void generatePortable(const uint16_t *seq, uint16_t shift, uint32_t c, int64_t length,
                      uint64_t *words)
{
    generateWords(seq, shift, c, length, words);
}

// 16 comparisons per instruction: AVX2 has no unsigned 16-bit compare, so both sides are
// offset by 0x8000 and compared signed; the results are packed to bytes and gathered
// with movemask (packs works within 128-bit lanes, hence the permute). Bits of 32 values.
FRONTIER_TARGET_AVX2 inline uint32_t belowAvx2(const uint16_t *p, __m256i flip, __m256i threshold)
{
    const __m256i lo
        = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(p)), flip);
    const __m256i hi
        = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(p + 16)), flip);
    const __m256i packed
        = _mm256_packs_epi16(_mm256_cmpgt_epi16(threshold, lo), _mm256_cmpgt_epi16(threshold, hi));
    return uint32_t(_mm256_movemask_epi8(_mm256_permute4x64_epi64(packed, 0xD8)));
}

FRONTIER_TARGET_AVX2 void generateAvx2(const uint16_t *seq, uint16_t shift, uint32_t c,
                                       int64_t length, uint64_t *words)
{
    const __m256i flip = _mm256_set1_epi16(short(shift ^ 0x8000));
    const __m256i threshold = _mm256_set1_epi16(short(c ^ 0x8000));
    for (int64_t t = 0; t < length; t += 64) {
        words[t / 64] = uint64_t(belowAvx2(seq + t, flip, threshold))
                        | (uint64_t(belowAvx2(seq + t + 32, flip, threshold)) << 32);
    }
}

FRONTIER_TARGET_AVX512 void generateAvx512(const uint16_t *seq, uint16_t shift, uint32_t c,
                                           int64_t length, uint64_t *words)
{
    const __m512i threshold = _mm512_set1_epi16(short(c));
    const __m512i xorShift = _mm512_set1_epi16(short(shift));
    for (int64_t t = 0; t < length; t += 64) {
        const __m512i lo = _mm512_xor_si512(_mm512_loadu_si512(seq + t), xorShift);
        const __m512i hi = _mm512_xor_si512(_mm512_loadu_si512(seq + t + 32), xorShift);
        const uint64_t a = _mm512_cmplt_epu16_mask(lo, threshold);
        const uint64_t b = _mm512_cmplt_epu16_mask(hi, threshold);
        words[t / 64] = a | (b << 32);
    }
}

} // namespace

void StreamSource::generate(uint32_t offset, uint32_t c, uint64_t *words) const
{
    const int64_t length = this->length();
    offset &= uint32_t(length - 1);
    const uint16_t *seq = m_ld ? m_cycle.data() : m_doubled.data() + offset;
    const uint16_t shift = m_ld ? uint16_t(offset) : uint16_t(0);
    if (length < 64) {
        uint64_t w = 0;
        for (int64_t t = 0; t < length; ++t)
            w |= uint64_t((seq[t] ^ shift) < c) << t;
        words[0] = w;
        return;
    }
    if (c > 0xFFFF) {
        // Every 16-bit value is below c (the vector paths compare 16-bit lanes).
        for (int64_t t = 0; t < length; t += 64)
            words[t / 64] = ~uint64_t(0);
        return;
    }
    if (cpu::activeIsa() == cpu::Isa::Avx512)
        generateAvx512(seq, shift, c, length, words);
    else if (cpu::activeIsa() == cpu::Isa::Avx2)
        generateAvx2(seq, shift, c, length, words);
    else
        generatePortable(seq, shift, c, length, words);
}

uint32_t bipolarLevel(double v, int k)
{
    const double length = double(int64_t(1) << k);
    if (std::isnan(v))
        return uint32_t(length / 2);
    const double level = std::nearbyint((std::clamp(v, -1.0, 1.0) + 1.0) * (length / 2));
    return uint32_t(std::clamp(level, 0.0, length - 1));
}

namespace {

template<int R, int C>
FRONTIER_TARGET_AVX512_VPOPCNTDQ void popTile(int64_t words, const uint64_t *a, int64_t lda,
                                              const uint64_t *b, int64_t ldb, int64_t *out,
                                              int64_t ldo)
{
    __m512i acc[R][C];
    for (int r = 0; r < R; ++r) {
        for (int c = 0; c < C; ++c)
            acc[r][c] = _mm512_setzero_si512();
    }
    for (int64_t i = 0; i < words; i += 8) {
        const __mmask8 m = words - i >= 8 ? __mmask8(0xFF) : __mmask8((1u << (words - i)) - 1);
        __m512i bv[C];
        for (int c = 0; c < C; ++c)
            bv[c] = _mm512_maskz_loadu_epi64(m, b + c * ldb + i);
        for (int r = 0; r < R; ++r) {
            const __m512i av = _mm512_maskz_loadu_epi64(m, a + r * lda + i);
            for (int c = 0; c < C; ++c)
                acc[r][c]
                    = _mm512_add_epi64(acc[r][c], _mm512_popcnt_epi64(_mm512_xor_si512(av, bv[c])));
        }
    }
    for (int r = 0; r < R; ++r) {
        for (int c = 0; c < C; ++c)
            out[r * ldo + c] += _mm512_reduce_add_epi64(acc[r][c]);
    }
}

using PopTileFn
    = void (*)(int64_t, const uint64_t *, int64_t, const uint64_t *, int64_t, int64_t *, int64_t);

// [rows 1..4][cols 1..4]
constexpr PopTileFn kPopTiles[4][4]
    = {{popTile<1, 1>, popTile<1, 2>, popTile<1, 3>, popTile<1, 4>},
       {popTile<2, 1>, popTile<2, 2>, popTile<2, 3>, popTile<2, 4>},
       {popTile<3, 1>, popTile<3, 2>, popTile<3, 3>, popTile<3, 4>},
       {popTile<4, 1>, popTile<4, 2>, popTile<4, 3>, popTile<4, 4>}};

// Hamming distances on the portable path: the compiler's bit-twiddling popcount (no
// POPCNT instruction in the x86-64 baseline).
__attribute__((always_inline)) inline void xorPopcountRows(int64_t rows, int64_t cols,
                                                           int64_t words, const uint64_t *a,
                                                           int64_t lda, const uint64_t *b,
                                                           int64_t ldb, int64_t *out, int64_t ldo)
{
    for (int64_t m = 0; m < rows; ++m) {
        for (int64_t n = 0; n < cols; ++n) {
            int64_t d = 0;
            for (int64_t i = 0; i < words; ++i)
                d += __builtin_popcountll(a[m * lda + i] ^ b[n * ldb + i]);
            out[m * ldo + n] = d;
        }
    }
}

// AVX2 has no vector popcount: each byte's count comes from two 16-entry table lookups
// (vpshufb on the low and high nibbles), and vpsadbw sums the bytes into four 64-bit
// lanes. A tile of R rows of a against C rows of b loads each 256-bit chunk once for C
// (or R) pairs; tails of fewer than 4 words use POPCNT.
FRONTIER_TARGET_AVX2 inline __m256i popcountBytesAvx2(__m256i x, __m256i lut, __m256i low)
{
    const __m256i lo = _mm256_and_si256(x, low);
    const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(x, 4), low);
    return _mm256_add_epi8(_mm256_shuffle_epi8(lut, lo), _mm256_shuffle_epi8(lut, hi));
}

template<int R, int C>
FRONTIER_TARGET_AVX2 void popTileAvx2(int64_t words, const uint64_t *a, int64_t lda,
                                      const uint64_t *b, int64_t ldb, int64_t *out, int64_t ldo)
{
    const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2,
                                         1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0F);
    const __m256i zero = _mm256_setzero_si256();
    __m256i acc[R][C];
    for (int r = 0; r < R; ++r) {
        for (int c = 0; c < C; ++c)
            acc[r][c] = zero;
    }
    // Byte counts (at most 8 per lookup pair) add up in bytes for up to 31 chunks (248 <
    // 256) before one vpsadbw folds them into the 64-bit sums.
    int64_t i = 0;
    while (i + 4 <= words) {
        const int64_t steps = std::min<int64_t>(31, (words - i) / 4);
        __m256i bytes[R][C];
        for (int r = 0; r < R; ++r) {
            for (int c = 0; c < C; ++c)
                bytes[r][c] = zero;
        }
        for (int64_t step = 0; step < steps; ++step, i += 4) {
            __m256i bv[C];
            for (int c = 0; c < C; ++c)
                bv[c] = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(b + c * ldb + i));
            for (int r = 0; r < R; ++r) {
                const __m256i av
                    = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(a + r * lda + i));
                for (int c = 0; c < C; ++c) {
                    bytes[r][c] = _mm256_add_epi8(
                        bytes[r][c], popcountBytesAvx2(_mm256_xor_si256(av, bv[c]), lut, low));
                }
            }
        }
        for (int r = 0; r < R; ++r) {
            for (int c = 0; c < C; ++c)
                acc[r][c] = _mm256_add_epi64(acc[r][c], _mm256_sad_epu8(bytes[r][c], zero));
        }
    }
    for (int r = 0; r < R; ++r) {
        for (int c = 0; c < C; ++c) {
            const __m128i s = _mm_add_epi64(_mm256_castsi256_si128(acc[r][c]),
                                            _mm256_extracti128_si256(acc[r][c], 1));
            int64_t d = _mm_cvtsi128_si64(s) + _mm_extract_epi64(s, 1);
            for (int64_t j = i; j < words; ++j)
                d += __builtin_popcountll(a[r * lda + j] ^ b[c * ldb + j]);
            out[r * ldo + c] += d;
        }
    }
}

// [rows 1..2][cols 1..2]
constexpr PopTileFn kPopTilesAvx2[2][2]
    = {{popTileAvx2<1, 1>, popTileAvx2<1, 2>}, {popTileAvx2<2, 1>, popTileAvx2<2, 2>}};

bool useVpopcnt()
{
    return cpu::activeIsa() == cpu::Isa::Avx512 && cpu::features().avx512vpopcntdq;
}

} // namespace

void xorPopcount(int64_t rows, int64_t cols, int64_t words, const uint64_t *a, int64_t lda,
                 const uint64_t *b, int64_t ldb, int64_t *out, int64_t ldo)
{
    for (int64_t m = 0; m < rows; ++m) {
        for (int64_t n = 0; n < cols; ++n)
            out[m * ldo + n] = 0;
    }
    if (cpu::activeIsa() == cpu::Isa::Portable) {
        xorPopcountRows(rows, cols, words, a, lda, b, ldb, out, ldo);
        return;
    }
    const bool vpopcnt = useVpopcnt();
    const int tile = vpopcnt ? 4 : 2;
    // Chunks of the reduction keep a tile of b in L1 while the rows of a stream from L2.
    constexpr int64_t chunk = 1024;
    for (int64_t i0 = 0; i0 < words; i0 += chunk) {
        const int64_t len = std::min(chunk, words - i0);
        for (int64_t n = 0; n < cols; n += tile) {
            const int c = int(std::min<int64_t>(tile, cols - n));
            for (int64_t m = 0; m < rows; m += tile) {
                const int r = int(std::min<int64_t>(tile, rows - m));
                const PopTileFn f = vpopcnt ? kPopTiles[r - 1][c - 1] : kPopTilesAvx2[r - 1][c - 1];
                f(len, a + m * lda + i0, lda, b + n * ldb + i0, ldb, out + m * ldo + n, ldo);
            }
        }
    }
}

namespace {
volatile uint64_t g_popcountSink = 0;
}

namespace {

// Popcounts of 8 x 512 bits per iteration; returns the bits counted.
FRONTIER_TARGET_AVX512_VPOPCNTDQ int64_t popcountLoopVpopcnt(int64_t iterations, uint64_t &sink)
{
    __m512i x[8];
    __m512i acc[8];
    for (int j = 0; j < 8; ++j) {
        x[j] = _mm512_set1_epi64(int64_t(0x0123456789ABCDEFull * uint64_t(j + 1)));
        acc[j] = _mm512_setzero_si512();
    }
    for (int64_t it = 0; it < iterations; ++it) {
        // The empty asm keeps the compiler from hoisting the loop-invariant popcounts.
        __asm__ volatile(""
                         : "+v"(x[0]), "+v"(x[1]), "+v"(x[2]), "+v"(x[3]), "+v"(x[4]), "+v"(x[5]),
                           "+v"(x[6]), "+v"(x[7]));
        for (int j = 0; j < 8; ++j)
            acc[j] = _mm512_add_epi64(acc[j], _mm512_popcnt_epi64(x[j]));
    }
    for (int j = 0; j < 8; ++j)
        sink += uint64_t(_mm512_reduce_add_epi64(acc[j]));
    return iterations * 8 * 512;
}

__attribute__((always_inline)) inline int64_t popcountLoopScalar(int64_t iterations, uint64_t &sink)
{
    uint64_t x[4] = {0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0x5555AAAA3333CCCCull,
                     0x0F0F0F0FF0F0F0F0ull};
    uint64_t acc[4] = {0, 0, 0, 0};
    for (int64_t it = 0; it < iterations; ++it) {
        __asm__ volatile("" : "+r"(x[0]), "+r"(x[1]), "+r"(x[2]), "+r"(x[3]));
        for (int j = 0; j < 4; ++j)
            acc[j] += uint64_t(__builtin_popcountll(x[j]));
    }
    sink += acc[0] + acc[1] + acc[2] + acc[3];
    return iterations * 4 * 64;
}

// The portable path's popcount as its kernel uses it (the compiler may vectorize the
// bit-twiddling over a row): Hamming distances of two 4 KiB rows in L1, `iterations`
// times; returns the bits counted.
int64_t popcountLoopRows(int64_t iterations, uint64_t &sink)
{
    constexpr int words = 512;
    uint64_t a[words], b[words];
    for (int i = 0; i < words; ++i) {
        a[i] = 0x0123456789ABCDEFull * uint64_t(i + 1);
        b[i] = 0xFEDCBA9876543210ull ^ uint64_t(i);
    }
    uint64_t *pa = a;
    for (int64_t it = 0; it < iterations; ++it) {
        __asm__ volatile("" : "+r"(pa) : : "memory"); // the rows may have changed
        int64_t d = 0;
        xorPopcountRows(1, 1, words, pa, words, b, words, &d, 1);
        sink += uint64_t(d);
    }
    return iterations * words * 64;
}

FRONTIER_TARGET_AVX2 int64_t popcountLoopPopcnt(int64_t iterations, uint64_t &sink)
{
    return popcountLoopScalar(iterations, sink);
}

// The AVX2 path's vector popcount (nibble lookups, byte sums folded every 31 chunks, as
// popTileAvx2 does) on 8 x 256 bits per iteration; returns the bits counted.
FRONTIER_TARGET_AVX2 int64_t popcountLoopAvx2(int64_t iterations, uint64_t &sink)
{
    const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2,
                                         1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0F);
    const __m256i zero = _mm256_setzero_si256();
    __m256i x[8];
    __m256i bytes[8];
    __m256i acc = zero;
    for (int j = 0; j < 8; ++j) {
        x[j] = _mm256_set1_epi64x(int64_t(0x0123456789ABCDEFull * uint64_t(j + 1)));
        bytes[j] = zero;
    }
    const int64_t rounds = iterations / 31;
    for (int64_t it = 0; it < rounds; ++it) {
        for (int step = 0; step < 31; ++step) {
            // The empty asm keeps the compiler from hoisting the loop-invariant lookups.
            __asm__ volatile(""
                             : "+x"(x[0]), "+x"(x[1]), "+x"(x[2]), "+x"(x[3]), "+x"(x[4]),
                               "+x"(x[5]), "+x"(x[6]), "+x"(x[7]));
#pragma GCC unroll 8
            for (int j = 0; j < 8; ++j)
                bytes[j] = _mm256_add_epi8(bytes[j], popcountBytesAvx2(x[j], lut, low));
        }
#pragma GCC unroll 8
        for (int j = 0; j < 8; ++j) {
            acc = _mm256_add_epi64(acc, _mm256_sad_epu8(bytes[j], zero));
            bytes[j] = zero;
        }
    }
    sink += uint64_t(_mm256_extract_epi64(acc, 0) + _mm256_extract_epi64(acc, 1)
                     + _mm256_extract_epi64(acc, 2) + _mm256_extract_epi64(acc, 3));
    return rounds * 31 * 8 * 256;
}

} // namespace

double popcountBitsPerSecond(double seconds)
{
    using Clock = std::chrono::steady_clock;
    int64_t bits = 0;
    uint64_t sink = 0;
    double elapsed = 0;
    const bool vpopcnt = useVpopcnt();
    const bool portable = cpu::activeIsa() == cpu::Isa::Portable;
    // AVX2: the faster of its vector popcount and POPCNT (which xorPopcount uses for
    // tails); portable: of independent scalar popcounts and the kernel's own row loop.
    double otherRate = 0;
    if (!vpopcnt) {
        const auto otherStart = Clock::now();
        int64_t otherBits = 0;
        double otherElapsed = 0;
        do {
            otherBits
                += portable ? popcountLoopRows(1 << 10, sink) : popcountLoopPopcnt(1 << 20, sink);
            otherElapsed = std::chrono::duration<double>(Clock::now() - otherStart).count();
        } while (otherElapsed < seconds / 2);
        otherRate = double(otherBits) / otherElapsed;
    }
    const auto start = Clock::now();
    do {
        constexpr int64_t iterations = 1 << 20;
        bits += vpopcnt    ? popcountLoopVpopcnt(iterations, sink)
                : portable ? popcountLoopScalar(iterations, sink)
                           : popcountLoopAvx2(iterations, sink);
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < seconds);
    g_popcountSink = sink; // keeps the counted popcounts alive
    return std::max(double(bits) / elapsed, otherRate);
}

} // namespace frontier::numeric
