#include "globalavgpool.h"

#include "eigen.h"
#include "layerutil.h"

namespace frontier::model {

GlobalAvgPool::GlobalAvgPool(const Attributes &a)
{
    detail::checkKnownKeys(a, "globalavgpool", {});
}

std::unique_ptr<Layer> GlobalAvgPool::clone() const
{
    return std::make_unique<GlobalAvgPool>(*this);
}

Shape GlobalAvgPool::outputShape(const std::vector<Shape> &inputs) const
{
    detail::checkInputCount(*this, inputs);
    detail::checkRank(*this, inputs[0], 3, "{C, H, W}");
    return {inputs[0][0]};
}

void GlobalAvgPool::forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const
{
    (void)ws;
    const int n = detail::prepareForward(*this, in, out);
    const Eigen::Index planes = Eigen::Index(n) * in[0]->shape[0];
    const Eigen::Index hw = Eigen::Index(in[0]->shape[1]) * in[0]->shape[2];
    // Plain float loops (no Eigen reduction): bitwise independent of buffer alignment.
    const float scale = 1.0f / float(hw);
    for (Eigen::Index p = 0; p < planes; ++p) {
        const float *x = in[0]->data.data() + p * hw;
        float sum = 0.0f;
        for (Eigen::Index i = 0; i < hw; ++i)
            sum += x[i];
        out.data[size_t(p)] = sum * scale;
    }
}

void GlobalAvgPool::forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const
{
    const int n = detail::prepareForward(*this, in, out);
    const int64_t planes = int64_t(n) * in[0]->shape[0];
    const int64_t hw = int64_t(in[0]->shape[1]) * in[0]->shape[2];
    for (int64_t p = 0; p < planes; ++p) {
        double sum = 0;
        for (int64_t i = 0; i < hw; ++i)
            sum += in[0]->data[size_t(p * hw + i)];
        out.data[size_t(p)] = float(sum / double(hw));
    }
}

void GlobalAvgPool::backward(const std::vector<const Tensor *> &in, const Tensor &out,
                             const Tensor &gradOut, const std::vector<Tensor *> &gradIn,
                             std::vector<std::vector<float>> &gradParams, const LayerCache &cache,
                             Workspace &ws) const
{
    (void)cache;
    (void)ws;
    detail::prepareBackward(*this, in, out, gradOut, gradIn, gradParams);
    if (gradIn.empty() || !gradIn[0])
        return;
    const int64_t planes = int64_t(in[0]->n) * in[0]->shape[0];
    const int64_t hw = int64_t(in[0]->shape[1]) * in[0]->shape[2];
    const float scale = 1.0f / float(hw);
    float *gx = gradIn[0]->data.data();
    for (int64_t p = 0; p < planes; ++p)
        std::fill(gx + p * hw, gx + (p + 1) * hw, gradOut.data[size_t(p)] * scale);
}

} // namespace frontier::model
