#pragma once

#include <cstdint>
#include <vector>

namespace frontier::numeric {

// Stochastic-computing stream generation and bit counting.
//
// A k-bit stream generator (k = 2..16, stream length L = 2^k) compares a k-bit value c
// (0..L-1) with a sequence of k-bit numbers r_t and emits bit t = (r_t < c).
//
// LFSR sequences: a k-bit Galois LFSR (right shift; when the bit shifted out is 1 the
// state is XORed with the tap mask) with a maximal-length mask visits all 2^k - 1 non-zero
// states; the all-zero state is inserted once per period (the usual de Bruijn extension),
// so the cycle D[0..L-1] = 0, then the states from 1 on, holds every k-bit number exactly
// once and a stream of length L encodes c / L exactly. A stream's seed picks where in the
// cycle its generator starts: r_t = D[(t + offset) mod L]. Two masks per k
// (role 0: activations, role 1: weights; the second is the reciprocal polynomial of the
// first) keep activation and weight generators from being shifts of one sequence
// (except k = 2, whose only primitive polynomial is its own reciprocal).
//
// Low-discrepancy sequences (:ld): role 0 is the van der Corput sequence (bit-reversed
// t), role 1 the second Sobol dimension; a stream's seed is a digital shift (r_t XOR
// offset), which keeps every k-bit number exactly once per stream and the pair a (0,k,2)-net.
//
// Streams are packed little-endian in 64-bit words, ceil(L / 64) words per stream; bits
// beyond L (k < 6) are zero.
//
// Everything here is pure or immutable after construction; thread-safe.

// Maximal-length Galois tap mask for k bits and role 0/1 (bit i = tap i + 1).
uint32_t lfsrMask(int k, int role);
// One step of the Galois LFSR.
inline uint32_t lfsrStep(uint32_t state, uint32_t mask)
{
    return (state >> 1) ^ ((state & 1u) ? mask : 0u);
}

int streamWords(int k);

class StreamSource
{
public:
    StreamSource(int k, int role, bool lowDiscrepancy);

    int bits() const { return m_k; }
    int64_t length() const { return int64_t(1) << m_k; }
    // r_t for a stream started at `offset` (0..L-1).
    uint32_t value(uint32_t offset, int64_t t) const;
    // Writes the stream of value c (0..L-1) started at `offset` into streamWords(k) words.
    void generate(uint32_t offset, uint32_t c, uint64_t *words) const;
    // The cycle D (LFSR) or the unshifted sequence (low discrepancy), L entries.
    const std::vector<uint16_t> &cycle() const { return m_cycle; }

private:
    int m_k;
    bool m_ld;
    std::vector<uint16_t> m_cycle;   // L entries
    std::vector<uint16_t> m_doubled; // LFSR: the cycle twice (no modulo in generate)
};

// The k-bit level of a bipolar value v in [-1, 1]: clamp(nearbyint((v + 1) * L / 2), 0,
// L - 1) (v outside [-1, 1] is clamped; NaN gives L / 2, the value 0). The level
// represents 2c / L - 1.
uint32_t bipolarLevel(double v, int k);

// out[m * ldo + n] = sum over i < words of popcount(a[m * lda + i] XOR b[n * ldb + i]),
// for m < rows, n < cols (counts of disagreeing bits; XNOR agreements are words * 64
// minus these). AVX-512 VPOPCNTDQ, AVX2 nibble lookups (vpshufb) or the portable
// bit-twiddling popcount, by the active path; the same counts on every path.
void xorPopcount(int64_t rows, int64_t cols, int64_t words, const uint64_t *a, int64_t lda,
                 const uint64_t *b, int64_t ldb, int64_t *out, int64_t ldo);

// Bits per second one core can push through popcount in a tight loop of independent
// popcounts on the active instruction-set path, measured over about `seconds`: that
// path's popcount limit. VPOPCNTDQ on AVX-512; on AVX2 the faster of the nibble lookups
// and POPCNT; on the portable path the faster of independent bit-twiddling popcounts and
// the kernel's own row loop.
double popcountBitsPerSecond(double seconds);

} // namespace frontier::numeric
