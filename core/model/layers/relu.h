#pragma once

#include "layer.h"

namespace frontier::model {

// "relu": out = max(in, 0) element-wise, any input shape. No attributes, no params.
// The gradient at exactly 0 is taken as 0.
class Relu : public Layer
{
public:
    explicit Relu(const Attributes &attributes = {});

    std::string type() const override { return "relu"; }
    std::unique_ptr<Layer> clone() const override;
    Shape outputShape(const std::vector<Shape> &inputs) const override;
    void forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const override;
    void forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const override;
    void backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gradOut,
                  const std::vector<Tensor *> &gradIn, std::vector<std::vector<float>> &gradParams,
                  const LayerCache &cache, Workspace &ws) const override;
};

} // namespace frontier::model
