#include "leakyrelu.h"

#include "eigen.h"
#include "layerutil.h"

namespace frontier::model {

using detail::ArrayMap;
using detail::ConstArrayMap;

LeakyRelu::LeakyRelu(const Attributes &a)
{
    detail::checkKnownKeys(a, "leakyrelu", {"alpha"});
    m_alpha = attrScalar(a, "leakyrelu", "alpha", 0.01);
}

std::unique_ptr<Layer> LeakyRelu::clone() const
{
    return std::make_unique<LeakyRelu>(*this);
}

Shape LeakyRelu::outputShape(const std::vector<Shape> &inputs) const
{
    detail::checkInputCount(*this, inputs);
    detail::checkNonEmpty(*this, inputs[0]);
    return inputs[0];
}

void LeakyRelu::forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const
{
    (void)ws;
    detail::prepareForward(*this, in, out);
    const ConstArrayMap x(in[0]->data.data(), Eigen::Index(in[0]->data.size()));
    ArrayMap y(out.data.data(), Eigen::Index(out.data.size()));
    y = (x > 0.0f).select(x, x * float(m_alpha));
}

void LeakyRelu::forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const
{
    detail::prepareForward(*this, in, out);
    for (size_t i = 0; i < out.data.size(); ++i) {
        const float x = in[0]->data[i];
        out.data[i] = x > 0.0f ? x : float(m_alpha) * x;
    }
}

void LeakyRelu::backward(const std::vector<const Tensor *> &in, const Tensor &out,
                         const Tensor &gradOut, const std::vector<Tensor *> &gradIn,
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
        gx[i] = x[i] > 0.0f ? gradOut.data[i] : float(m_alpha) * gradOut.data[i];
}

Attributes LeakyRelu::attributes() const
{
    return {{"alpha", {m_alpha}}};
}

} // namespace frontier::model
