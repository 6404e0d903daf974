#include "preset.h"

namespace frontier::cost {

const char *kindName(Quantity::Kind kind)
{
    switch (kind) {
    case Quantity::Kind::Measured:
        return "measured";
    case Quantity::Kind::Cited:
        return "cited";
    case Quantity::Kind::Estimate:
        return "estimate";
    }
    return "estimate";
}

std::string Preset::where() const
{
    return path.empty() ? "preset " + name : path;
}

} // namespace frontier::cost
