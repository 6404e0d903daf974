#pragma once

#include "elementwise.h"

namespace frontier::model {

// "tanh": out = tanh(x) element-wise, any input shape. No attributes or params.
class Tanh : public ElementwiseLayer
{
public:
    explicit Tanh(const Attributes &attributes = {});

    std::string type() const override { return "tanh"; }
    std::unique_ptr<Layer> clone() const override;

protected:
    void apply(const float *x, float *y, size_t n) const override;
    void applyNaive(const float *x, float *y, size_t n) const override;
    void gradient(const float *x, const float *y, const float *g, float *gx,
                  size_t n) const override;
};

} // namespace frontier::model
