#pragma once

#include "elementwise.h"

namespace frontier::model {

// "relu": out = max(in, 0) element-wise, any input shape. No attributes, no params.
// The gradient at exactly 0 is taken as 0.
class Relu : public ElementwiseLayer
{
public:
    explicit Relu(const Attributes &attributes = {});

    std::string type() const override { return "relu"; }
    std::unique_ptr<Layer> clone() const override;

protected:
    void apply(const float *x, float *y, size_t n) const override;
    void applyNaive(const float *x, float *y, size_t n) const override;
    void gradient(const float *x, const float *y, const float *g, float *gx,
                  size_t n) const override;
};

} // namespace frontier::model
