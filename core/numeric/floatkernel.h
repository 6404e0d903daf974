#pragma once

#include "layerkernel.h"

namespace frontier::numeric {

// Full precision weighted layers.
// - fp32: the layer's own forward() (Eigen GEMM) and forwardNaive() as its twin, so an
//   all-fp32 variant computes exactly what model::Engine computes.
// - fp64: weights, inputs and accumulation in float64 (a float64 GEMM; the twin sums in
//   float64 in ascending k), the result rounded once to float32. Activations between
//   layers stay float32. The two agree within float64 rounding, i.e. almost always bitwise.
class FloatKernel : public WeightedKernel
{
public:
    explicit FloatKernel(const KernelSetup &setup);

    void forward(const model::Tensor &in, model::Tensor &out, KernelScratch &s,
                 int64_t firstSample) const override;
    void forwardNaive(const model::Tensor &in, model::Tensor &out,
                      int64_t firstSample) const override;
    std::string describe() const override;

private:
    std::unique_ptr<model::Layer> m_layer;
    bool m_double = false;
    std::vector<double> m_weights; // fp64: [outputs, k]
    std::vector<double> m_bias;
};

} // namespace frontier::numeric
