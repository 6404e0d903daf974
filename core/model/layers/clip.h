#pragma once

#include "elementwise.h"

namespace frontier::model {

// "clip": out = min(max(x, min), max) element-wise, any input shape. Attributes: min,
// max (default: the float range; "relu6" is clip(0, 6)). The gradient passes strictly inside
// (min, max). No params.
class Clip : public ElementwiseLayer
{
public:
    explicit Clip(const Attributes &attributes = {});

    std::string type() const override { return "clip"; }
    std::unique_ptr<Layer> clone() const override;
    Attributes attributes() const override;

protected:
    void apply(const float *x, float *y, size_t n) const override;
    void applyNaive(const float *x, float *y, size_t n) const override;
    void gradient(const float *x, const float *y, const float *g, float *gx,
                  size_t n) const override;

private:
    // As given (double), for an exact attributes() round trip; applied in float.
    double m_min;
    double m_max;
};

} // namespace frontier::model
