#pragma once

#include "layerkernel.h"
#include "minifloat.h"
#include "orderedgemm.h"

namespace frontier::numeric {

// Minifloat weighted layers (e<E>m<M>, fp16, bf16, fp8e4m3, fp8e5m2). Weights, bias, the
// layer's input and its output are rounded to the format (Minifloat::round). The dot
// products accumulate
// - by default in float32 as an ordered fma chain (orderedgemm.h): acc = 0; for k
//   ascending: acc = fma(x^_k, w^_k, acc); then y = round(acc + b^) with a float32 add;
// - with :acc in the format itself: acc = 0; for k ascending:
//   acc = round(acc + round(x^_k * w^_k)) (the product exact in double, each sum rounded
//   once to the format: double rounding through float64 is innocuous for <= 24-bit
//   significands); then y = round(acc + b^), the sum exact in double.
// Padding of a convolution contributes x^ = 0.
// Custom formats from plugins (FormatSpec::Kind::Custom) run here too: rounding by
// CustomFormat::round, float32 accumulation.
class MinifloatKernel : public WeightedKernel
{
public:
    explicit MinifloatKernel(const KernelSetup &setup);

    void forward(const model::Tensor &in, model::Tensor &out, KernelScratch &s,
                 int64_t firstSample) const override;
    void forwardNaive(const model::Tensor &in, model::Tensor &out,
                      int64_t firstSample) const override;
    std::string describe() const override;

private:
    float roundValue(float x) const;
    void roundMany(const float *in, float *out, size_t count) const;
    float addBias(float acc, int channel) const;
    float dot(const float *x, int64_t stride, const float *w, int64_t k) const;
    void sequentialDense(const float *xr, int n, float *out) const;
    void convInFormat(const float *x, std::vector<float> &col, float *y) const;

    std::string m_name;
    Minifloat m_format;
    std::shared_ptr<const CustomFormat> m_custom; // rounds instead of m_format when set
    bool m_accumulateInFormat = false;
    std::vector<float> m_weights; // rounded, [outputs, k]
    PackedWeights m_packed;       // rounded, packed for orderedGemmPacked (dense only)
    std::vector<float> m_bias;    // rounded
};

} // namespace frontier::numeric
