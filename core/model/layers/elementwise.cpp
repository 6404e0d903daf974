#include "elementwise.h"

#include "layerutil.h"

namespace frontier::model {

Shape ElementwiseLayer::outputShape(const std::vector<Shape> &inputs) const
{
    detail::checkInputCount(*this, inputs);
    detail::checkNonEmpty(*this, inputs[0]);
    return inputs[0];
}

void ElementwiseLayer::forward(const std::vector<const Tensor *> &in, Tensor &out,
                               Workspace &ws) const
{
    (void)ws;
    detail::prepareForward(*this, in, out);
    apply(in[0]->data.data(), out.data.data(), out.data.size());
}

void ElementwiseLayer::forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const
{
    detail::prepareForward(*this, in, out);
    applyNaive(in[0]->data.data(), out.data.data(), out.data.size());
}

void ElementwiseLayer::backward(const std::vector<const Tensor *> &in, const Tensor &out,
                                const Tensor &gradOut, const std::vector<Tensor *> &gradIn,
                                std::vector<std::vector<float>> &gradParams,
                                const LayerCache &cache, Workspace &ws) const
{
    (void)cache;
    (void)ws;
    detail::prepareBackward(*this, in, out, gradOut, gradIn, gradParams);
    if (gradIn.empty() || !gradIn[0])
        return;
    gradient(in[0]->data.data(), out.data.data(), gradOut.data.data(), gradIn[0]->data.data(),
             gradIn[0]->data.size());
}

} // namespace frontier::model
