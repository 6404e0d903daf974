#include "tanh.h"

#include "eigen.h"
#include "layerutil.h"

#include <cmath>

namespace frontier::model {

using detail::ArrayMap;
using detail::ConstArrayMap;

Tanh::Tanh(const Attributes &a)
{
    detail::checkKnownKeys(a, "tanh", {});
}

std::unique_ptr<Layer> Tanh::clone() const
{
    return std::make_unique<Tanh>(*this);
}

Shape Tanh::outputShape(const std::vector<Shape> &inputs) const
{
    detail::checkInputCount(*this, inputs);
    detail::checkNonEmpty(*this, inputs[0]);
    return inputs[0];
}

void Tanh::forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const
{
    (void)ws;
    detail::prepareForward(*this, in, out);
    const ConstArrayMap x(in[0]->data.data(), Eigen::Index(in[0]->data.size()));
    ArrayMap y(out.data.data(), Eigen::Index(out.data.size()));
    y = x.tanh();
}

void Tanh::forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const
{
    detail::prepareForward(*this, in, out);
    for (size_t i = 0; i < out.data.size(); ++i)
        out.data[i] = std::tanh(in[0]->data[i]);
}

void Tanh::backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gradOut,
                    const std::vector<Tensor *> &gradIn,
                    std::vector<std::vector<float>> &gradParams, const LayerCache &cache,
                    Workspace &ws) const
{
    (void)cache;
    (void)ws;
    detail::prepareBackward(*this, in, out, gradOut, gradIn, gradParams);
    if (gradIn.empty() || !gradIn[0])
        return;
    const ConstArrayMap y(out.data.data(), Eigen::Index(out.data.size()));
    const ConstArrayMap g(gradOut.data.data(), Eigen::Index(gradOut.data.size()));
    ArrayMap gx(gradIn[0]->data.data(), Eigen::Index(gradIn[0]->data.size()));
    gx = g * (1.0f - y.square());
}

} // namespace frontier::model
