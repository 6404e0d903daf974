#pragma once

#include "customformat.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace frontier::numeric {

// What a number format is, parsed from its name. The one description of a format that
// the quantizers (numeric/), the cost model (cost/) and the store share.
//
// Names (DESIGN.md, Numerics):
//   fp32, fp64                      full precision (fp64: reference mode)
//   int<b>, w<b>a<b>                integer affine, b = 2..16;
//                                   suffixes :pt (per-tensor weights), :sym (symmetric
//                                   activations), :acc<b> (accumulator width, saturating),
//                                   :sr (seeded stochastic rounding of weights),
//                                   :cal=minmax|percentile|mse
//   q<m>.<n>                        fixed point, m integer bits (incl. sign), n fraction bits
//   e<E>m<M>, fp16, bf16, fp8e4m3, fp8e5m2
//                                   minifloat; suffixes :inf (overflow to infinity),
//                                   :acc (accumulate in the format)
//   sc<k>                           stochastic computing, streams of 2^k bits;
//                                   suffixes :ld (low-discrepancy streams), :stat (statistical
//                                   mode)
//   others                          families added by plugins (Kind::Custom), e.g.
//                                   posit<n>es<es> from the posit plugin
//   :seed=<n> (int with :sr, sc)    seed of stochastic rounding / stream generation (default 0)
//
// Ranges: int/w..a..: b = 2..16, :acc<b> b = 8..64; q<m>.<n>: m >= 1, n >= 0, m + n = 2..16
// (suffixes :acc<b>, :sr); e<E>m<M>: E = 2..8, M = 0..23; sc<k>: k = 2..16. A suffix that
// does not apply to a family (e.g. int8:inf, fp8e4m3:inf) is an error. Canonical names put
// the suffixes in a fixed order and leave out defaults (acc32, cal=minmax, seed=0), so two
// spellings of one format have the same name ("e5m10" -> "fp16", "w8a8" -> "int8").
//
// Bits per value (what the cost model reads): int/w..a.. as given; q<m>.<n>: m + n for
// weights and activations; minifloats 1 + E + M; sc<k>: k (the binary value that feeds the
// stream generator); fp32 32, fp64 64. accumulatorBits: int/q as given (default 32),
// minifloat 32 (float32 accumulation) or 1 + E + M with :acc, sc 32, fp32 32, fp64 64.
struct FormatSpec
{
    enum class Kind { Float32, Float64, Integer, FixedPoint, Minifloat, Stochastic, Custom };

    Kind kind = Kind::Float32;
    std::string name; // canonical name, e.g. "w4a8", "fp16", "sc8", "q4.12"

    // Integer / fixed point
    int weightBits = 32;      // bits per stored weight (all kinds)
    int activationBits = 32;  // bits per activation value moved between layers (all kinds)
    int accumulatorBits = 32; // integer accumulator width (int: 32 unless :acc<b>)
    bool perChannelWeights = true;
    bool symmetricActivations = false;
    bool stochasticRounding = false;
    std::string calibration = "minmax";
    int fractionBits = 0; // q<m>.<n>: n

    // Minifloat
    int exponentBits = 8;
    int mantissaBits = 23;
    bool saturate = true; // false: overflow to infinity (:inf)
    bool accumulateInFormat = false;
    bool ocpE4M3 = false; // fp8e4m3: OCP variant (no infinities, max 448)

    // Stochastic computing
    int scBits = 0; // k; stream length 2^k
    bool lowDiscrepancy = false;
    bool statistical = false;

    uint64_t seed = 0; // :seed=<n>; stochastic rounding (:sr) and sc streams

    // Custom (a format family registered by a plugin, formatregistry.h): its rounding
    // and cost; weightBits = activationBits = custom->bits(); provider names the plugin
    // and providerVersion is its version (part of the identity of cached outputs: a new
    // version of a plugin may round differently).
    std::shared_ptr<const CustomFormat> custom;
    std::string provider;
    std::string providerVersion;

    bool isFull() const { return kind == Kind::Float32 || kind == Kind::Float64; }
    long long streamLength() const { return scBits > 0 ? (1LL << scBits) : 0; }
};

// Parses one format name; throws frontier::Error("format '<text>'", "<why>; valid forms: ...")
// listing the valid forms when it is not one.
FormatSpec parseFormat(const std::string &text);

// Expands a comma-separated list with ranges, e.g. "int2..int8,fp16,bf16,sc6..sc12",
// into canonical names in the given order. Throws Error on a bad element or range.
std::vector<std::string> expandFormatList(const std::string &list);

// One line per registered format family: name pattern and description (see
// formatregistry.h for the registry itself).
std::vector<std::pair<std::string, std::string>> formatFamilies();

} // namespace frontier::numeric
