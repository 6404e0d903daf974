#pragma once

#include "affine.h"
#include "int8gemm.h"
#include "layerkernel.h"
#include "orderedgemm.h"

namespace frontier::numeric {

// Integer affine (int<b>, w<b>a<b>) and fixed point (q<m>.<n>) weighted layers, as the
// numerics contract says: the input quantized per tensor, weights per output channel
// (or per tensor), bias int32 at scale s_in * s_w, an accumulator of accumulatorBits that
// saturates after every addition (bias first, then k ascending), and the output
//   y = float32(acc) * (s_in * s_w)       (float32 product, float32 multiply)
// fake-quantized again for a last weighted layer. Fixed point uses s = 2^-n and zp = 0
// for everything and no calibration.
//
// How the sum is computed (all three give the saturating sequential result exactly):
// with A = the largest |q - zp| of an input code and, per channel c,
// B_c = |bias_c| + A * sum_k |w_c,k|, every partial sum of any subset of terms is an
// integer of magnitude <= max_c B_c. When that is <= 2^24 (and no saturation is possible,
// B <= accumulator max), a float32 GEMM is exact in any order; when it is <= 2^53, the
// plain int64 sums (saturatinggemm.h without clamps; int32 sums of int16 pairs when they stay
// below 2^31 and the codes fit in 16 bits; Eigen's float64 GEMM on the portable path); otherwise,
// or when the accumulator could saturate, the int64 chains of saturatinggemm.h, saturated after
// every addition. (The float32 GEMM is the ordered fma kernel of orderedgemm.h; exactness makes its
// order irrelevant here.) Dense layers whose codes fit in 8 bits run, when the build has AVX-512
// VNNI and sum_k (2^a - 1) |w_c,k| < 2^31, an exact int8 GEMM instead (int8gemm.h; conv layers
// likewise on packed im2col columns), on
// u = q - qmin in [0, 2^a - 1]:
//   acc = sum_k u_k w_k + (qmin - zp) sum_k w_k + bias, the same integer as every path.
class IntegerKernel : public WeightedKernel
{
public:
    enum class Path { Float32, Float64, Saturating };

    explicit IntegerKernel(const KernelSetup &setup);

    void forward(const model::Tensor &in, model::Tensor &out, KernelScratch &s,
                 int64_t firstSample) const override;
    void forwardNaive(const model::Tensor &in, model::Tensor &out,
                      int64_t firstSample) const override;
    std::string describe() const override;

    Path path() const { return m_path; }
    const AffineParams &inputParams() const { return m_in; }
    const AffineParams &weightParams(int channel) const { return m_w[size_t(channel)]; }
    int64_t bias(int channel) const { return m_bias[size_t(channel)]; }
    int32_t code(int channel, int64_t k) const { return m_codes[size_t(channel * m_g.k + k)]; }

private:
    float finish(double acc, int channel) const;
    void finishRows(float *y, int rows, int64_t cols, int c0, bool perRowChannel) const;
    void gemmDense(const float *xq, int n, float *out, KernelScratch &s) const;
    void vnniDense(const float *xq, int n, float *out, KernelScratch &s) const;
    void vnniConvSample(const float *xq, float *out, KernelScratch &s) const;
    void gemmConvBlock(const float *xq, int count, float *out, KernelScratch &s) const;
    bool integerSums() const;
    void integerRows(const int32_t *b, int64_t cols, int64_t ldb, int c0, int c1, int64_t *acc,
                     KernelScratch &s) const;

    std::string m_name;
    AffineParams m_in;
    AffineParams m_out;
    bool m_quantizeOutput = false;
    std::vector<AffineParams> m_w;
    std::vector<int32_t> m_codes;   // [outputs, k]
    std::vector<float> m_codesF;    // the same, float32
    PackedWeights m_packed;         // dense: the codes packed for the float32 GEMM
    Int8Weights m_int8;             // dense: the codes packed for VNNI (empty: not used)
    std::vector<int8_t> m_int8Rows; // conv: the codes as s8 rows of paddedK (VNNI)
    bool m_vnni = false;
    std::vector<int64_t> m_offset; // VNNI: (qmin - zp) * sum_k w + bias per channel
    std::vector<float> m_biasF;    // the int32 bias as float32 (exact on the Float32 path)
    std::vector<double> m_codesD;  // the same, float64 (Float64 path only)
    std::vector<int64_t> m_bias;
    std::vector<int32_t> m_codePairs; // exact sums < 2^31 of 16-bit codes: pairs16() rows
    std::vector<int64_t> m_start;     // the bias saturated: where the integer GEMM's chains start
    std::vector<float> m_scale;       // s_in * s_w per channel
    Accumulator m_acc{};
    double m_bound = 0;
    Path m_path = Path::Float32;
};

} // namespace frontier::numeric
