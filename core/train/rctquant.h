#pragma once

// The integer arithmetic of Resource-Constrained Training (RCT, REFERENCE.md §4): a layer's
// weights held only as integer codes of its current bitwidth with one scale per layer,
// updated in place with seeded stochastic rounding, and the per-layer bitwidth rule.
// Pure functions and a value type; no Qt, no shared state.

#include "common/random.h"

#include <cstdint>
#include <vector>

namespace frontier::train {

// Rounds t to floor(t) + 1 with probability t - floor(t), else floor(t), with u uniform in
// [0, 1): E[round] = t exactly (unbiased), so updates smaller than one step still move the
// weights on average. t must be finite and within ±2^52.
int64_t stochasticRound(double t, double u);

// A tensor of integer codes q in [-(2^(b-1) - 1), 2^(b-1) - 1] (symmetric, narrow range, as
// the numerics contract's weights) with one scale s: value = q · s. Codes are stored as
// int32 whatever b (the bits a device would keep are bits · size(), see residentBits()).
struct IntegerTensor
{
    std::vector<int32_t> codes;
    float scale = 1.0f; // > 0
    int bits = 8;       // 2..16

    int32_t maxCode() const { return (int32_t(1) << (bits - 1)) - 1; }
    int64_t residentBits() const { return int64_t(codes.size()) * bits; }

    // Codes for `values` at `bits` with s = max|v| / (2^(b-1) - 1) (1 when all are zero),
    // rounded to nearest (even): the initial quantization of freshly initialised weights.
    static IntegerTensor quantize(const float *values, int64_t n, int bits);

    // The values q · s (float32 product) into out[0..size()).
    void dequantize(float *out) const;

    // Adds delta[i] / s to every code with stochastic rounding (one uniform per element,
    // drawn from rng in element order), saturating to the code range. Returns the sum over
    // elements of |delta[i]| / s (the update measured in quantization steps).
    double applyUpdate(const float *delta, Random &rng);

    // One bit more: s / 2, q · 2 (exact). One bit fewer: s · 2, q / 2 stochastically rounded
    // (rng, element order), saturated. Nothing happens at 16 (more) or 2 (fewer) bits.
    void addBit();
    void removeBit(Random &rng);
};

// The bitwidth rule: given G_avg, the mean over the last check interval of
// mean |update| / quantization step of a layer, returns +1 (add a bit: updates are
// underflowing, G_avg < tMin), -1 (remove a bit: updates are large, G_avg > tMax) or 0,
// never leaving [minBits, maxBits].
int bitwidthChange(double gAvg, int bits, double tMin, double tMax, int minBits, int maxBits);

} // namespace frontier::train
