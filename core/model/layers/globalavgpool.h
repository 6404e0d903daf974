#pragma once

#include "layer.h"

namespace frontier::model {

// "globalavgpool": {C, H, W} -> {C}, the mean of every channel plane (output already
// flat). No attributes or params, 0 MACs.
class GlobalAvgPool : public Layer
{
public:
    explicit GlobalAvgPool(const Attributes &attributes = {});

    std::string type() const override { return "globalavgpool"; }
    std::unique_ptr<Layer> clone() const override;
    Shape outputShape(const std::vector<Shape> &inputs) const override;
    void forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const override;
    void forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const override;
    void backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gradOut,
                  const std::vector<Tensor *> &gradIn, std::vector<std::vector<float>> &gradParams,
                  const LayerCache &cache, Workspace &ws) const override;
};

} // namespace frontier::model
