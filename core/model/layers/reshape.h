#pragma once

#include "layer.h"

namespace frontier::model {

// "reshape": per-sample reshape, data unchanged. Attribute shape (required): the target
// dims, batch excluded; 0 copies the input dim at the same index, -1 (at most once) is
// inferred. Throws Error naming the layer when the element counts do not match.
class Reshape : public Layer
{
public:
    explicit Reshape(const Attributes &attributes);

    std::string type() const override { return "reshape"; }
    std::unique_ptr<Layer> clone() const override;
    Shape outputShape(const std::vector<Shape> &inputs) const override;
    void forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const override;
    void forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const override;
    void backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gradOut,
                  const std::vector<Tensor *> &gradIn, std::vector<std::vector<float>> &gradParams,
                  const LayerCache &cache, Workspace &ws) const override;
    Attributes attributes() const override;

private:
    std::vector<int> m_shape;
};

} // namespace frontier::model
