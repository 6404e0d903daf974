#pragma once

#include "layer.h"

namespace frontier::model {

// "flatten": any sample shape -> {numel} (e.g. {C, H, W} -> {C·H·W}); data unchanged.
// No attributes, no params.
class Flatten : public Layer
{
public:
    explicit Flatten(const Attributes &attributes = {});

    std::string type() const override { return "flatten"; }
    std::unique_ptr<Layer> clone() const override;
    Shape outputShape(const std::vector<Shape> &inputs) const override;
    void forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const override;
    void forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const override;
    void backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gradOut,
                  const std::vector<Tensor *> &gradIn, std::vector<std::vector<float>> &gradParams,
                  const LayerCache &cache, Workspace &ws) const override;
};

} // namespace frontier::model
