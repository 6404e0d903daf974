#pragma once

#include "view.h"

namespace frontier::model {

// "flatten": any sample shape -> {numel} (e.g. {C, H, W} -> {C·H·W}); data unchanged.
// No attributes, no params.
class Flatten : public ViewLayer
{
public:
    explicit Flatten(const Attributes &attributes = {});

    std::string type() const override { return "flatten"; }
    std::unique_ptr<Layer> clone() const override;
    Shape outputShape(const std::vector<Shape> &inputs) const override;
};

} // namespace frontier::model
