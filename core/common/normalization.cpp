#include "normalization.h"

#include "error.h"

namespace frontier {

void Normalization::apply(float *x, long long n, long long features) const
{
    switch (kind) {
    case Kind::None:
        return;
    case Kind::Global: {
        const float o = offset.at(0);
        const float s = scale.at(0);
        for (long long i = 0; i < n * features; ++i)
            x[i] = (x[i] - o) * s;
        return;
    }
    case Kind::PerFeature:
        if ((long long)offset.size() != features || (long long)scale.size() != features) {
            throw Error("normalisation", "fitted on " + std::to_string(offset.size())
                                             + " features, applied to " + std::to_string(features));
        }
        for (long long i = 0; i < n; ++i) {
            float *row = x + i * features;
            for (long long j = 0; j < features; ++j)
                row[j] = (row[j] - offset[size_t(j)]) * scale[size_t(j)];
        }
        return;
    }
}

std::string Normalization::kindName() const
{
    switch (kind) {
    case Kind::None:
        return "none";
    case Kind::Global:
        return "global";
    case Kind::PerFeature:
        return "per-feature";
    }
    return "none";
}

Normalization::Kind Normalization::kindFromName(const std::string &name)
{
    if (name == "none")
        return Kind::None;
    if (name == "global")
        return Kind::Global;
    if (name == "per-feature")
        return Kind::PerFeature;
    throw Error("normalisation",
                "unknown kind '" + name + "' (expected none, global or per-feature)");
}

} // namespace frontier
