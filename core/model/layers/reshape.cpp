#include "reshape.h"

#include "layerutil.h"

#include "common/error.h"

#include <algorithm>

namespace frontier::model {

Reshape::Reshape(const Attributes &a)
{
    detail::checkKnownKeys(a, "reshape", {"shape"});
    if (!a.count("shape"))
        throw Error("reshape", "missing attribute 'shape'");
    m_shape = attrInts(a, "reshape", "shape", {});
    if (m_shape.empty())
        throw Error("reshape", "attribute 'shape' is empty");
    if (std::count(m_shape.begin(), m_shape.end(), -1) > 1)
        throw Error("reshape", "attribute 'shape' has more than one -1");
    if (std::any_of(m_shape.begin(), m_shape.end(), [](int d) { return d < -1; }))
        throw Error("reshape", "attribute 'shape' has a dimension below -1");
}

std::unique_ptr<Layer> Reshape::clone() const
{
    return std::make_unique<Reshape>(*this);
}

Shape Reshape::outputShape(const std::vector<Shape> &inputs) const
{
    detail::checkInputCount(*this, inputs);
    const Shape &in = inputs[0];
    detail::checkNonEmpty(*this, in);
    Shape out = m_shape;
    int64_t known = 1;
    int inferred = -1;
    for (size_t i = 0; i < out.size(); ++i) {
        if (out[i] == 0) {
            if (i >= in.size())
                throw Error(where(), "shape " + shapeToString(m_shape) + ": dim "
                                         + std::to_string(i) + " copies a dim the input "
                                         + shapeToString(in) + " does not have");
            out[i] = in[i];
        }
        if (out[i] == -1)
            inferred = int(i);
        else
            known *= out[i];
    }
    const int64_t total = numel(in);
    if (inferred >= 0) {
        if (known == 0 || total % known != 0)
            throw Error(where(),
                        "cannot reshape " + shapeToString(in) + " to " + shapeToString(m_shape));
        out[size_t(inferred)] = int(total / known);
    }
    if (numel(out) != total)
        throw Error(where(), "cannot reshape " + shapeToString(in) + " (" + std::to_string(total)
                                 + " elements) to " + shapeToString(out));
    return out;
}

Attributes Reshape::attributes() const
{
    std::vector<double> s(m_shape.begin(), m_shape.end());
    return {{"shape", s}};
}

} // namespace frontier::model
