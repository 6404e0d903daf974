#pragma once

#include "calibration.h"
#include "formatspec.h"
#include "int8gemm.h"
#include "weightedgeometry.h"

#include "model/layers/layer.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace frontier::numeric {

// Per-thread scratch of the kernels, owned by the caller and reused from block to block.
struct KernelScratch
{
    model::Workspace ws;
    std::vector<float> f0, f1, f2;
    std::vector<double> d0, d1, d2;
    std::vector<int32_t> i0, i1;
    std::vector<int64_t> l0;
    std::vector<uint64_t> w0, w1;
    std::vector<uint8_t> u0;
    Int8Columns columns;
};

// What a kernel is built from: a weighted layer (BatchNorm already folded), the shape of
// its input, its format and calibration, whether its output is quantized too (a last
// weighted layer), and an id that seeds its random choices (the layer index).
struct KernelSetup
{
    const model::Layer *layer = nullptr;
    model::Shape input;
    FormatSpec format;
    LayerCalibration calibration;
    bool quantizeOutput = false;
    uint64_t streamId = 0;
};

// One weighted layer (dense or conv2d) run in a number format. Kernels are immutable
// after construction; forward() and forwardNaive() may run concurrently on different
// tensors. `in` holds n samples of the layer's input shape (float32, as the previous layer
// produced them); `out` must already be sized n x the layer's output shape.
//
// forward() is the batched kernel; forwardNaive() its serial twin (per sample, direct
// loops, no GEMM, no im2col). For every format except fp32/fp64 the two are bitwise
// identical, because the contract fixes every rounding (integer arithmetic is exact, float
// accumulation is an ordered fma chain, stochastic computing counts bits).
class WeightedKernel
{
public:
    explicit WeightedKernel(const WeightedGeometry &geometry)
        : m_g(geometry)
    {}
    virtual ~WeightedKernel() = default;
    WeightedKernel(const WeightedKernel &) = delete;
    WeightedKernel &operator=(const WeightedKernel &) = delete;

    // firstSample: index of in's first sample in the whole run (only the statistical sc
    // mode uses it, to draw per-sample noise that does not depend on the blocking).
    virtual void forward(const model::Tensor &in, model::Tensor &out, KernelScratch &s,
                         int64_t firstSample) const = 0;
    virtual void forwardNaive(const model::Tensor &in, model::Tensor &out,
                              int64_t firstSample) const = 0;
    // One line for reports, e.g. "int8, float32 GEMM (|acc| <= 2^24)".
    virtual std::string describe() const = 0;

    const WeightedGeometry &geometry() const { return m_g; }

protected:
    WeightedGeometry m_g;
};

// The kernel for setup.format. Throws Error naming the layer for weights that cannot be
// quantized (non-finite values) or a calibration that does not fit.
std::unique_ptr<WeightedKernel> makeKernel(const KernelSetup &setup);

} // namespace frontier::numeric
