#pragma once

#include <string>
#include <vector>

namespace frontier {

// Input preprocessing fitted on a training split and stored with every model, so that
// evaluating a model on a dataset applies exactly the transform it was trained with:
//   x' = (x - offset[j]) * scale[j]
// where j is the feature index (PerFeature) or 0 for every feature (Global).
struct Normalization
{
    enum class Kind { None, Global, PerFeature };

    Kind kind = Kind::None;
    std::vector<float> offset;
    std::vector<float> scale;

    static Normalization none() { return {}; }
    static Normalization global(float offset, float scale)
    {
        return {Kind::Global, {offset}, {scale}};
    }

    // Applies in place to n samples of `features` floats each. Throws Error when a
    // PerFeature normalisation has a different feature count.
    void apply(float *x, long long n, long long features) const;

    std::string kindName() const;                      // "none", "global", "per-feature"
    static Kind kindFromName(const std::string &name); // throws Error on an unknown name
};

} // namespace frontier
