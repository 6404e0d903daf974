#pragma once

#include "layer.h"

namespace frontier::model {

// "add": out = a + b for two inputs of identical shape (residual connections). No
// attributes or params; both input gradients equal the output gradient.
class Add : public Layer
{
public:
    explicit Add(const Attributes &attributes = {});

    std::string type() const override { return "add"; }
    std::unique_ptr<Layer> clone() const override;
    int inputCount() const override { return 2; }
    Shape outputShape(const std::vector<Shape> &inputs) const override;
    void forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const override;
    void forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const override;
    void backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gradOut,
                  const std::vector<Tensor *> &gradIn, std::vector<std::vector<float>> &gradParams,
                  const LayerCache &cache, Workspace &ws) const override;
};

} // namespace frontier::model
