#include "view.h"

#include "layerutil.h"

#include <algorithm>

namespace frontier::model {

void ViewLayer::forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const
{
    (void)ws;
    detail::prepareForward(*this, in, out);
    std::copy(in[0]->data.begin(), in[0]->data.end(), out.data.begin());
}

void ViewLayer::forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const
{
    detail::prepareForward(*this, in, out);
    for (size_t i = 0; i < out.data.size(); ++i)
        out.data[i] = in[0]->data[i];
}

void ViewLayer::backward(const std::vector<const Tensor *> &in, const Tensor &out,
                         const Tensor &gradOut, const std::vector<Tensor *> &gradIn,
                         std::vector<std::vector<float>> &gradParams, const LayerCache &cache,
                         Workspace &ws) const
{
    (void)cache;
    (void)ws;
    detail::prepareBackward(*this, in, out, gradOut, gradIn, gradParams);
    if (!gradIn.empty() && gradIn[0])
        std::copy(gradOut.data.begin(), gradOut.data.end(), gradIn[0]->data.begin());
}

} // namespace frontier::model
