#pragma once

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
//                                   suffixes :ld (low-discrepancy streams), :stat (statistical mode)
struct FormatSpec
{
    enum class Kind { Float32, Float64, Integer, FixedPoint, Minifloat, Stochastic };

    Kind kind = Kind::Float32;
    std::string name;             // canonical name, e.g. "w4a8", "fp16", "sc8", "q4.12"

    // Integer / fixed point
    int weightBits = 32;          // bits per stored weight (all kinds)
    int activationBits = 32;      // bits per activation value moved between layers (all kinds)
    int accumulatorBits = 32;     // integer accumulator width (int: 32 unless :acc<b>)
    bool perChannelWeights = true;
    bool symmetricActivations = false;
    bool stochasticRounding = false;
    std::string calibration = "minmax";
    int fractionBits = 0;         // q<m>.<n>: n

    // Minifloat
    int exponentBits = 8;
    int mantissaBits = 23;
    bool saturate = true;         // false: overflow to infinity (:inf)
    bool accumulateInFormat = false;
    bool ocpE4M3 = false;         // fp8e4m3: OCP variant (no infinities, max 448)

    // Stochastic computing
    int scBits = 0;               // k; stream length 2^k
    bool lowDiscrepancy = false;
    bool statistical = false;

    bool isFull() const { return kind == Kind::Float32 || kind == Kind::Float64; }
    long long streamLength() const { return scBits > 0 ? (1LL << scBits) : 0; }
};

// Parses one format name; throws frontier::Error("format '<text>'", "<why>; valid forms: ...")
// listing the valid forms when it is not one.
FormatSpec parseFormat(const std::string &text);

// Expands a comma-separated list with ranges, e.g. "int2..int8,fp16,bf16,sc6..sc12",
// into canonical names in the given order. Throws Error on a bad element or range.
std::vector<std::string> expandFormatList(const std::string &list);

// One line per registered format family: name pattern and description.
std::vector<std::pair<std::string, std::string>> formatFamilies();

} // namespace frontier::numeric
