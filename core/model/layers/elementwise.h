#pragma once

#include "layer.h"

#include <cstddef>

namespace frontier::model {

// Base of the element-wise activations (relu, leakyrelu, clip, sigmoid, tanh): one input
// of any shape, an output of the same shape, no parameters. Subclasses give the function,
// its naive twin and its derivative over flat arrays; shape checks, argument checks and
// the Layer plumbing live here once.
class ElementwiseLayer : public Layer
{
public:
    Shape outputShape(const std::vector<Shape> &inputs) const final;
    void forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const final;
    void forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const final;
    void backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gradOut,
                  const std::vector<Tensor *> &gradIn, std::vector<std::vector<float>> &gradParams,
                  const LayerCache &cache, Workspace &ws) const final;

protected:
    // y[i] = f(x[i]) for i < n: the fast path (may vectorise).
    virtual void apply(const float *x, float *y, size_t n) const = 0;
    // The serial twin: a plain scalar loop.
    virtual void applyNaive(const float *x, float *y, size_t n) const = 0;
    // gx[i] = g[i] · f'(x[i]), given x, y = f(x) and g.
    virtual void gradient(const float *x, const float *y, const float *g, float *gx,
                          size_t n) const = 0;
};

} // namespace frontier::model
