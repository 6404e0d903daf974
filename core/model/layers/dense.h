#pragma once

#include "layer.h"

namespace frontier::model {

// "dense": fully connected layer, out = in · weightᵀ + bias (PyTorch/ONNX layout).
// Attributes: units (>= 1). Params: weight [units, in], bias [units], where in is the
// number of elements of an input sample (any input shape is read as flat).
// Output shape {units}. MACs per sample: in · units.
class Dense : public Layer
{
public:
    explicit Dense(const Attributes &attributes);

    std::string type() const override { return "dense"; }
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

    int units() const { return m_units; }

private:
    int inputSize(const std::vector<Shape> &inputs) const;

    int m_units = 1;
};

} // namespace frontier::model
