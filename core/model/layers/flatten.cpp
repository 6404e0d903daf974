#include "flatten.h"

#include "layerutil.h"

namespace frontier::model {

Flatten::Flatten(const Attributes &a)
{
    detail::checkKnownKeys(a, "flatten", {});
}

std::unique_ptr<Layer> Flatten::clone() const
{
    return std::make_unique<Flatten>(*this);
}

Shape Flatten::outputShape(const std::vector<Shape> &inputs) const
{
    detail::checkInputCount(*this, inputs);
    detail::checkNonEmpty(*this, inputs[0]);
    return {int(numel(inputs[0]))};
}

} // namespace frontier::model
