#pragma once

#include "layer.h"

namespace frontier::model {

// "leakyrelu": out = x for x > 0, alpha · x otherwise, element-wise, any input shape.
// Attributes: alpha (default 0.01). No params.
class LeakyRelu : public Layer
{
public:
    explicit LeakyRelu(const Attributes &attributes = {});

    std::string type() const override { return "leakyrelu"; }
    std::unique_ptr<Layer> clone() const override;
    Shape outputShape(const std::vector<Shape> &inputs) const override;
    void forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const override;
    void forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const override;
    void backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gradOut,
                  const std::vector<Tensor *> &gradIn, std::vector<std::vector<float>> &gradParams,
                  const LayerCache &cache, Workspace &ws) const override;
    Attributes attributes() const override;

    double alpha() const { return m_alpha; }

private:
    double m_alpha = 0.01; // as given, for an exact attributes() round trip
};

} // namespace frontier::model
