#pragma once

#include "layer.h"

namespace frontier::model {

// "softmax": out = exp(x - max x) / Σ exp(x - max x) over all elements of a sample (the
// last axis of a flat sample). Output shape = input shape. No attributes, no params.
// backward() is the exact Jacobian-vector product: gIn = y ⊙ (gOut - <gOut, y>).
class Softmax : public Layer
{
public:
    explicit Softmax(const Attributes &attributes = {});

    std::string type() const override { return "softmax"; }
    std::unique_ptr<Layer> clone() const override;
    Shape outputShape(const std::vector<Shape> &inputs) const override;
    void forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const override;
    void forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const override;
    void backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gradOut,
                  const std::vector<Tensor *> &gradIn, std::vector<std::vector<float>> &gradParams,
                  const LayerCache &cache, Workspace &ws) const override;
};

} // namespace frontier::model
