#include "relu.h"

#include "eigen.h"
#include "layerutil.h"

namespace frontier::model {

namespace {

using detail::ArrayMap;
using detail::ConstArrayMap;

} // namespace

Relu::Relu(const Attributes &a)
{
    detail::checkKnownKeys(a, "relu", {});
}

std::unique_ptr<Layer> Relu::clone() const
{
    return std::make_unique<Relu>(*this);
}

Shape Relu::outputShape(const std::vector<Shape> &inputs) const
{
    detail::checkInputCount(*this, inputs);
    detail::checkNonEmpty(*this, inputs[0]);
    return inputs[0];
}

void Relu::forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const
{
    (void)ws;
    detail::prepareForward(*this, in, out);
    const ConstArrayMap x(in[0]->data.data(), Eigen::Index(in[0]->data.size()));
    ArrayMap y(out.data.data(), Eigen::Index(out.data.size()));
    y = x.max(0.0f);
}

void Relu::forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const
{
    detail::prepareForward(*this, in, out);
    for (size_t i = 0; i < out.data.size(); ++i)
        out.data[i] = in[0]->data[i] > 0.0f ? in[0]->data[i] : 0.0f;
}

void Relu::backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gradOut,
                    const std::vector<Tensor *> &gradIn,
                    std::vector<std::vector<float>> &gradParams, const LayerCache &cache,
                    Workspace &ws) const
{
    (void)cache;
    (void)ws;
    detail::prepareBackward(*this, in, out, gradOut, gradIn, gradParams);
    if (gradIn.empty() || !gradIn[0])
        return;
    const std::vector<float> &x = in[0]->data;
    std::vector<float> &gx = gradIn[0]->data;
    for (size_t i = 0; i < gx.size(); ++i)
        gx[i] = x[i] > 0.0f ? gradOut.data[i] : 0.0f;
}

} // namespace frontier::model
