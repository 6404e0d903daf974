#include "add.h"

#include "eigen.h"
#include "layerutil.h"

#include "common/error.h"

#include <algorithm>

namespace frontier::model {

using detail::ArrayMap;
using detail::ConstArrayMap;

Add::Add(const Attributes &a)
{
    detail::checkKnownKeys(a, "add", {});
}

std::unique_ptr<Layer> Add::clone() const
{
    return std::make_unique<Add>(*this);
}

Shape Add::outputShape(const std::vector<Shape> &inputs) const
{
    detail::checkInputCount(*this, inputs);
    detail::checkNonEmpty(*this, inputs[0]);
    if (inputs[0] != inputs[1])
        throw Error(where(), "input shapes differ: " + shapeToString(inputs[0]) + " and "
                                 + shapeToString(inputs[1]));
    return inputs[0];
}

void Add::forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const
{
    (void)ws;
    detail::prepareForward(*this, in, out);
    const Eigen::Index size = Eigen::Index(out.data.size());
    const ConstArrayMap a(in[0]->data.data(), size);
    const ConstArrayMap b(in[1]->data.data(), size);
    ArrayMap y(out.data.data(), size);
    y = a + b;
}

void Add::forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const
{
    detail::prepareForward(*this, in, out);
    for (size_t i = 0; i < out.data.size(); ++i)
        out.data[i] = in[0]->data[i] + in[1]->data[i];
}

void Add::backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gradOut,
                   const std::vector<Tensor *> &gradIn, std::vector<std::vector<float>> &gradParams,
                   const LayerCache &cache, Workspace &ws) const
{
    (void)cache;
    (void)ws;
    detail::prepareBackward(*this, in, out, gradOut, gradIn, gradParams);
    for (Tensor *g : gradIn) {
        if (g)
            std::copy(gradOut.data.begin(), gradOut.data.end(), g->data.begin());
    }
}

} // namespace frontier::model
