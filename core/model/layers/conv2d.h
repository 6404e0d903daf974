#pragma once

#include "layer.h"

namespace frontier::model {

// "conv2d": 2-D convolution (cross-correlation, as PyTorch/ONNX) of an NCHW batch.
// Attributes: filters (>= 1), kernel [kh, kw], stride [sh, sw] (default 1),
// pad [top, left, bottom, right] (default 0; 1 or 2 values are broadcast), groups
// (default 1; must divide both the input channels C and filters; depthwise is
// groups == C == filters). Params: weight [filters, C/groups, kh, kw], bias [filters].
// Input {C, H, W} -> output {filters, OH, OW}, OH = floor((H + top + bottom - kh)/sh) + 1.
// MACs per sample: filters · (C/groups) · kh · kw · OH · OW.
// forward(): im2col + one GEMM per group (the kernel of gemm.h, bias and a fused ReLU in
// its epilogue): per sample straight into the output when a sample has at least 64
// output pixels, otherwise over blocks of samples followed by a scatter to NCHW. Scratch
// in the Workspace (ws.a: columns; ws.b: GEMM result; ws.c: zero-padded sample in
// forward, column gradients in backward).
// backward(): weight gradient as a GEMM against the columns, input gradient as a GEMM
// followed by col2im.
class Conv2d : public Layer
{
public:
    explicit Conv2d(const Attributes &attributes);

    std::string type() const override { return "conv2d"; }
    std::unique_ptr<Layer> clone() const override;
    Shape outputShape(const std::vector<Shape> &inputs) const override;
    void forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const override;
    void forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const override;
    void backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gradOut,
                  const std::vector<Tensor *> &gradIn, std::vector<std::vector<float>> &gradParams,
                  const LayerCache &cache, Workspace &ws) const override;
    void initialize(const std::vector<Shape> &inputs, uint64_t seed) override;
    Attributes attributes() const override;
    LayerStats stats(const std::vector<Shape> &inputs) const override;

    int filters() const { return m_filters; }
    int groups() const { return m_groups; }

    // For an inference-only copy of the layer (the Engine's): with fuseRelu, forward(),
    // forwardRaw() and forwardNaive() return relu(conv(in) + bias), so that a ReLU reading
    // only this layer can be dropped; backward() then throws Error. Not thread-safe.
    void prepareInference(bool fuseRelu);
    bool fusedRelu() const { return m_fusedRelu; }

    // forward() on raw NCHW buffers without argument checks, for callers that validated
    // the shapes beforehand (the Engine): x holds n >= 1 samples of `input` {C, H, W}
    // (valid for this layer, weights initialised), y receives n samples of
    // outputShape({input}) and may not overlap x. Uses ws.a, ws.b and ws.c as scratch.
    void forwardRaw(const float *x, const Shape &input, int n, float *y, Workspace &ws) const;

private:
    struct Geometry;
    Geometry geometry(const Shape &input) const;

    int m_filters = 1;
    int m_groups = 1;
    int m_kh = 1, m_kw = 1;
    int m_sh = 1, m_sw = 1;
    int m_pt = 0, m_pl = 0, m_pb = 0, m_pr = 0;
    bool m_fusedRelu = false;
};

} // namespace frontier::model
