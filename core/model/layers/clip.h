#pragma once

#include "layer.h"

namespace frontier::model {

// "clip": out = min(max(x, min), max) element-wise, any input shape. Attributes: min,
// max (defaults: the lowest and the largest float; min <= max). createLayer("relu6")
// makes clip(0, 6). The gradient passes where min < x < max. No params.
class Clip : public Layer
{
public:
    explicit Clip(const Attributes &attributes = {});

    std::string type() const override { return "clip"; }
    std::unique_ptr<Layer> clone() const override;
    Shape outputShape(const std::vector<Shape> &inputs) const override;
    void forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const override;
    void forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const override;
    void backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gradOut,
                  const std::vector<Tensor *> &gradIn, std::vector<std::vector<float>> &gradParams,
                  const LayerCache &cache, Workspace &ws) const override;
    Attributes attributes() const override;

    double min() const { return m_min; }
    double max() const { return m_max; }

private:
    // As given (double), for an exact attributes() round trip; applied in float.
    double m_min;
    double m_max;
};

} // namespace frontier::model
