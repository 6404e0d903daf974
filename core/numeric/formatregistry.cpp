#include "formatregistry.h"

#include "common/error.h"

namespace frontier::numeric {

FormatRegistry::FormatRegistry() = default;

FormatRegistry &FormatRegistry::instance()
{
    // Built-ins are registered inside the function-local static's initialisation, which
    // C++ guarantees to run exactly once even when several threads get here together.
    static FormatRegistry *registry = [] {
        auto *r = new FormatRegistry;
        registerBuiltinFormats(*r);
        return r;
    }();
    return *registry;
}

void FormatRegistry::add(FormatFamily family)
{
    if (!family.parse)
        throw Error("format registry", "family '" + family.pattern + "' has no parser");
    const std::lock_guard<std::mutex> lock(m_mutex);
    for (const FormatFamily &f : m_families) {
        if (f.pattern == family.pattern)
            throw Error("format registry", "family '" + family.pattern + "' is already registered");
    }
    m_families.push_back(std::move(family));
}

void FormatRegistry::addCustom(std::shared_ptr<const CustomFormatFamily> family,
                               const std::string &provider, const std::string &version)
{
    if (!family)
        throw Error("format registry", "a custom family is null");
    FormatFamily f;
    f.pattern = family->pattern();
    f.description = family->description().append(" (plugin ").append(provider).append(")");
    f.validForm = family->validForm();
    f.parse
        = [family, provider, version](const std::string &base,
                                      const std::vector<std::string> &suffixes, FormatSpec &spec) {
              std::shared_ptr<const CustomFormat> format;
              try {
                  format = family->parse(base, suffixes);
              } catch (const std::exception &e) {
                  throw Error(e.what());
              }
              if (!format)
                  return false;
              spec = FormatSpec();
              spec.kind = FormatSpec::Kind::Custom;
              spec.name = format->name();
              spec.weightBits = format->bits();
              spec.activationBits = format->bits();
              spec.custom = std::move(format);
              spec.provider = provider;
              spec.providerVersion = version;
              return true;
          };
    add(std::move(f));
}

void FormatRegistry::setUnknownHint(std::string hint)
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_unknownHint = std::move(hint);
}

std::string FormatRegistry::unknownHint() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_unknownHint;
}

std::vector<FormatFamily> FormatRegistry::families() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_families;
}

std::string FormatRegistry::validForms() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    std::string s = "valid forms: ";
    for (size_t i = 0; i < m_families.size(); ++i)
        s += (i ? "; " : "") + m_families[i].validForm;
    return s;
}

std::string canonicalName(const FormatSpec &spec)
{
    using Kind = FormatSpec::Kind;
    std::string s;
    switch (spec.kind) {
    case Kind::Float32:
        return "fp32";
    case Kind::Float64:
        return "fp64";
    case Kind::Custom:
        return spec.name;
    case Kind::Integer:
        s = spec.weightBits == spec.activationBits
                ? "int" + std::to_string(spec.weightBits)
                : "w" + std::to_string(spec.weightBits) + "a" + std::to_string(spec.activationBits);
        if (!spec.perChannelWeights)
            s += ":pt";
        if (spec.symmetricActivations)
            s += ":sym";
        if (spec.accumulatorBits != 32)
            s += ":acc" + std::to_string(spec.accumulatorBits);
        if (spec.stochasticRounding)
            s += ":sr";
        if (spec.calibration != "minmax")
            s += ":cal=" + spec.calibration;
        break;
    case Kind::FixedPoint:
        s = std::string("q")
                .append(std::to_string(spec.weightBits - spec.fractionBits))
                .append(".")
                .append(std::to_string(spec.fractionBits));
        if (spec.accumulatorBits != 32)
            s += ":acc" + std::to_string(spec.accumulatorBits);
        if (spec.stochasticRounding)
            s += ":sr";
        break;
    case Kind::Minifloat: {
        const int e = spec.exponentBits;
        const int m = spec.mantissaBits;
        if (spec.ocpE4M3)
            s = "fp8e4m3";
        else if (e == 5 && m == 10)
            s = "fp16";
        else if (e == 8 && m == 7)
            s = "bf16";
        else if (e == 5 && m == 2)
            s = "fp8e5m2";
        else
            s = std::string("e").append(std::to_string(e)).append("m").append(std::to_string(m));
        if (!spec.saturate)
            s += ":inf";
        if (spec.accumulateInFormat)
            s += ":acc";
        return s;
    }
    case Kind::Stochastic:
        s = "sc" + std::to_string(spec.scBits);
        if (spec.lowDiscrepancy)
            s += ":ld";
        if (spec.statistical)
            s += ":stat";
        break;
    }
    if (spec.seed != 0)
        s += ":seed=" + std::to_string(spec.seed);
    return s;
}

} // namespace frontier::numeric
