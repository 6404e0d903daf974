#pragma once

// Shared by the cost suites: format specs built by hand (independent of parseFormat), the
// small MLP every hand computation uses, and the shipped preset folder.

#include "numeric/formatspec.h"

#include "model/model.h"

#include <string>

namespace frontier::test {

inline std::string presetDir()
{
    return std::string(FRONTIER_SOURCE_DIR) + "/resources/presets";
}

inline std::string shippedPreset(const std::string &name)
{
    return presetDir() + "/" + name + ".json";
}

inline numeric::FormatSpec fp32Format()
{
    numeric::FormatSpec f;
    f.kind = numeric::FormatSpec::Kind::Float32;
    f.name = "fp32";
    return f;
}

inline numeric::FormatSpec intFormat(int weightBits, int activationBits, int accumulatorBits = 32)
{
    numeric::FormatSpec f;
    f.kind = numeric::FormatSpec::Kind::Integer;
    f.weightBits = weightBits;
    f.activationBits = activationBits;
    f.accumulatorBits = accumulatorBits;
    f.name = weightBits == activationBits
                 ? "int" + std::to_string(weightBits)
                 : "w" + std::to_string(weightBits) + "a" + std::to_string(activationBits);
    return f;
}

inline numeric::FormatSpec minifloatFormat(int e, int m, const std::string &name)
{
    numeric::FormatSpec f;
    f.kind = numeric::FormatSpec::Kind::Minifloat;
    f.exponentBits = e;
    f.mantissaBits = m;
    f.weightBits = f.activationBits = 1 + e + m;
    f.accumulatorBits = 32;
    f.name = name;
    return f;
}

inline numeric::FormatSpec scFormat(int k)
{
    numeric::FormatSpec f;
    f.kind = numeric::FormatSpec::Kind::Stochastic;
    f.scBits = k;
    f.weightBits = f.activationBits = k;
    f.accumulatorBits = 32;
    f.name = "sc" + std::to_string(k);
    return f;
}

// input {16} -> dense 8 -> relu -> dense 4 -> softmax (head "final" on the softmax).
inline model::Model smallMlp()
{
    model::Model m;
    m.name = "mlp-16-8-4";
    m.inputShape = {16};
    m.add(model::createLayer("dense", {{"units", {8}}}), {}, "fc1");
    m.add(model::createLayer("relu", {}), {}, "relu1");
    m.add(model::createLayer("dense", {{"units", {4}}}), {}, "fc2");
    m.add(model::createLayer("softmax", {}), {}, "softmax");
    m.addHead("final");
    m.initialize(7);
    return m;
}

} // namespace frontier::test
