#pragma once

#include "view.h"

namespace frontier::model {

// "reshape": per-sample reshape, data unchanged. Attribute shape (required): the target
// dims, batch excluded; 0 copies the input dim at the same index, -1 (at most once) is
// inferred. Throws Error naming the layer when the element counts do not match.
class Reshape : public ViewLayer
{
public:
    explicit Reshape(const Attributes &attributes);

    std::string type() const override { return "reshape"; }
    std::unique_ptr<Layer> clone() const override;
    Shape outputShape(const std::vector<Shape> &inputs) const override;
    Attributes attributes() const override;

private:
    std::vector<int> m_shape;
};

} // namespace frontier::model
