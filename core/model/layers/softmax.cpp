#include "softmax.h"

#include "eigen.h"
#include "layerutil.h"

#include "common/detmath.h"

#include <cmath>

namespace frontier::model {

namespace {

using detail::ArrayMap;
using detail::ConstArrayMap;

// A plain left-to-right sum in double: unlike Eigen's vectorised reductions its result
// does not depend on the alignment of the buffer, so results are bitwise reproducible.
double serialSum(const float *x, Eigen::Index m)
{
    double sum = 0;
    for (Eigen::Index i = 0; i < m; ++i)
        sum += x[i];
    return sum;
}

} // namespace

Softmax::Softmax(const Attributes &a)
{
    detail::checkKnownKeys(a, "softmax", {});
}

std::unique_ptr<Layer> Softmax::clone() const
{
    return std::make_unique<Softmax>(*this);
}

Shape Softmax::outputShape(const std::vector<Shape> &inputs) const
{
    detail::checkInputCount(*this, inputs);
    detail::checkNonEmpty(*this, inputs[0]);
    return inputs[0];
}

void Softmax::forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const
{
    (void)ws;
    const int n = detail::prepareForward(*this, in, out);
    const Eigen::Index m = Eigen::Index(in[0]->sampleSize());
    for (int s = 0; s < n; ++s) {
        // Scalar loops over a fixed-order exp: the same bits whatever the buffer's
        // alignment, the vector width or the CPU (Eigen's vectorised exp is not).
        const float *x = in[0]->sample(s);
        float *y = out.sample(s);
        float mx = x[0];
        for (Eigen::Index i = 1; i < m; ++i)
            mx = x[i] > mx ? x[i] : mx;
        for (Eigen::Index i = 0; i < m; ++i)
            y[i] = float(dmath::exp(double(x[i] - mx)));
        const float inverse = float(1.0 / serialSum(y, m));
        for (Eigen::Index i = 0; i < m; ++i)
            y[i] *= inverse;
    }
}

void Softmax::forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const
{
    const int n = detail::prepareForward(*this, in, out);
    const int64_t m = in[0]->sampleSize();
    for (int s = 0; s < n; ++s) {
        const float *x = in[0]->sample(s);
        float *y = out.sample(s);
        float mx = x[0];
        for (int64_t i = 1; i < m; ++i)
            mx = std::max(mx, x[i]);
        double sum = 0;
        for (int64_t i = 0; i < m; ++i) {
            y[i] = float(dmath::exp(double(x[i] - mx)));
            sum += y[i];
        }
        for (int64_t i = 0; i < m; ++i)
            y[i] = float(y[i] / sum);
    }
}

void Softmax::backward(const std::vector<const Tensor *> &in, const Tensor &out,
                       const Tensor &gradOut, const std::vector<Tensor *> &gradIn,
                       std::vector<std::vector<float>> &gradParams, const LayerCache &cache,
                       Workspace &ws) const
{
    (void)cache;
    (void)ws;
    detail::prepareBackward(*this, in, out, gradOut, gradIn, gradParams);
    if (gradIn.empty() || !gradIn[0])
        return;
    const int n = out.n;
    const Eigen::Index m = Eigen::Index(out.sampleSize());
    for (int s = 0; s < n; ++s) {
        const ConstArrayMap y(out.sample(s), m);
        const ConstArrayMap g(gradOut.sample(s), m);
        ArrayMap gx(gradIn[0]->sample(s), m);
        double dot = 0;
        for (Eigen::Index i = 0; i < m; ++i)
            dot += double(g[i]) * double(y[i]);
        gx = y * (g - float(dot));
    }
}

} // namespace frontier::model
