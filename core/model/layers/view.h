#pragma once

#include "layer.h"

namespace frontier::model {

// Base of the layers that change only a sample's shape, never its data (flatten,
// reshape): forward, its twin and backward copy the values through. Subclasses give
// outputShape().
class ViewLayer : public Layer
{
public:
    void forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const final;
    void forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const final;
    void backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gradOut,
                  const std::vector<Tensor *> &gradIn, std::vector<std::vector<float>> &gradParams,
                  const LayerCache &cache, Workspace &ws) const final;
};

} // namespace frontier::model
