#pragma once

#include "layer.h"
#include "layerutil.h"

namespace frontier::model {

// "avgpool": 2-D average pooling of {C, H, W}. Attributes: kernel [kh, kw], stride
// [sh, sw] (default = kernel), pad [top, left, bottom, right] (default 0; each pad < its
// kernel side), count_include_pad (0/1, default 0 as ONNX: divide by the number of
// input elements in the window; 1: by kh · kw). Output {C, OH, OW}, OH = floor((H + top
// + bottom - kh) / sh) + 1. No params, 0 MACs.
class AvgPool : public Layer
{
public:
    explicit AvgPool(const Attributes &attributes);

    std::string type() const override { return "avgpool"; }
    std::unique_ptr<Layer> clone() const override;
    Shape outputShape(const std::vector<Shape> &inputs) const override;
    void forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const override;
    void forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const override;
    void backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gradOut,
                  const std::vector<Tensor *> &gradIn, std::vector<std::vector<float>> &gradParams,
                  const LayerCache &cache, Workspace &ws) const override;
    Attributes attributes() const override;

private:
    detail::Window2d m_window; // stride defaults to the kernel
    bool m_countIncludePad = false;
};

} // namespace frontier::model
