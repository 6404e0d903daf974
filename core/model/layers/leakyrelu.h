#pragma once

#include "elementwise.h"

namespace frontier::model {

// "leakyrelu": out = x for x > 0, alpha · x otherwise, element-wise, any input shape.
// Attributes: alpha (default 0.01). No params.
class LeakyRelu : public ElementwiseLayer
{
public:
    explicit LeakyRelu(const Attributes &attributes = {});

    std::string type() const override { return "leakyrelu"; }
    std::unique_ptr<Layer> clone() const override;
    Attributes attributes() const override;

protected:
    void apply(const float *x, float *y, size_t n) const override;
    void applyNaive(const float *x, float *y, size_t n) const override;
    void gradient(const float *x, const float *y, const float *g, float *gx,
                  size_t n) const override;

private:
    double m_alpha = 0.01; // as given, for an exact attributes() round trip
};

} // namespace frontier::model
