#pragma once

#include "layer.h"
#include "layerutil.h"

namespace frontier::model {

// "maxpool": 2-D max pooling of {C, H, W}. Attributes: kernel [kh, kw], stride [sh, sw]
// (default = kernel), pad [top, left, bottom, right] (default 0; each pad < its kernel
// side). Padding counts as -inf. Output {C, OH, OW}, OH = floor((H + top + bottom - kh)
// / sh) + 1. forwardTrain() caches the argmax of every output (ties: the first element in
// row-major window order); backward() routes the gradient there (recomputing the argmax
// when called without that cache). No params, 0 MACs.
class MaxPool : public Layer
{
public:
    explicit MaxPool(const Attributes &attributes);

    std::string type() const override { return "maxpool"; }
    std::unique_ptr<Layer> clone() const override;
    Shape outputShape(const std::vector<Shape> &inputs) const override;
    void forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const override;
    void forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const override;
    void forwardTrain(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws,
                      LayerCache &cache) const override;
    void backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gradOut,
                  const std::vector<Tensor *> &gradIn, std::vector<std::vector<float>> &gradParams,
                  const LayerCache &cache, Workspace &ws) const override;
    Attributes attributes() const override;

private:
    // Max over every window; argmax (index within the sample) when non-null.
    void pool(const Tensor &in, Tensor &out, int *argmax) const;

    detail::Window2d m_window; // stride defaults to the kernel
};

} // namespace frontier::model
