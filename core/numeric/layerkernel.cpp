#include "layerkernel.h"

#include "floatkernel.h"
#include "integerkernel.h"
#include "minifloatkernel.h"
#include "sckernel.h"

namespace frontier::numeric {

std::unique_ptr<WeightedKernel> makeKernel(const KernelSetup &setup)
{
    switch (setup.format.kind) {
    case FormatSpec::Kind::Float32:
    case FormatSpec::Kind::Float64:
        return std::make_unique<FloatKernel>(setup);
    case FormatSpec::Kind::Integer:
    case FormatSpec::Kind::FixedPoint:
        return std::make_unique<IntegerKernel>(setup);
    case FormatSpec::Kind::Minifloat:
    case FormatSpec::Kind::Custom:
        return std::make_unique<MinifloatKernel>(setup);
    case FormatSpec::Kind::Stochastic:
        return std::make_unique<ScKernel>(setup);
    }
    return nullptr;
}

} // namespace frontier::numeric
