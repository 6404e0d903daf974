#pragma once

#include "formatspec.h"

#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace frontier::numeric {

// A family of number formats: what its names look like, what it is, and how to parse
// one of its names.
//
// parse(base, suffixes, spec) is offered the part of a name before the first ':' and the
// ':'-separated suffixes after it. It returns false when `base` is not one of this
// family's names (the registry then asks the next family), fills `spec` (including its
// canonical name) and returns true when it is, and throws frontier::Error(reason) with a
// one-line reason when the name is this family's but a number is out of range or a suffix
// does not apply.
struct FormatFamily
{
    std::string pattern;     // "int<b>, w<b>a<b>"
    std::string description; // one line for `frontier variants list`
    std::string validForm;   // for error messages: "int<b>|w<b>a<b> (b = 2..16; :pt ...)"
    std::function<bool(const std::string &base, const std::vector<std::string> &suffixes,
                       FormatSpec &spec)>
        parse;
};

// The registry of number-format families (DESIGN.md, Plugins). The built-in families
// (fp32/fp64, integer affine, fixed point, minifloat, stochastic computing) are
// registered when instance() is first called; plugins add theirs with add().
// parseFormat() asks the families in registration order.
//
// Thread-safety: every member may be called from any thread (a mutex guards the list;
// families() returns a copy). Registering while another thread parses is safe.
class FormatRegistry
{
public:
    static FormatRegistry &instance();

    // Throws Error when a family with the same pattern exists or parse is empty.
    void add(FormatFamily family);
    std::vector<FormatFamily> families() const;

    // Adds a plugin's family of custom formats (FormatSpec::Kind::Custom) under the
    // family's pattern; its specs carry `provider` and `version` (the plugin's own).
    // Throws Error like add().
    void addCustom(std::shared_ptr<const CustomFormatFamily> family, const std::string &provider,
                   const std::string &version = {});

    // "valid forms: ..." built from every family's validForm (one line).
    std::string validForms() const;

    // Appended to the error for a name no family knows (set by the plugin loader:
    // which folders it searched).
    void setUnknownHint(std::string hint);
    std::string unknownHint() const;

private:
    FormatRegistry();

    mutable std::mutex m_mutex;
    std::vector<FormatFamily> m_families;
    std::string m_unknownHint;
};

// The canonical name of a spec (what the built-in parsers store in spec.name): the
// family's base name followed by the non-default suffixes in a fixed order.
std::string canonicalName(const FormatSpec &spec);

// Registers the built-in families (formatfamilies.cpp); called once by instance().
void registerBuiltinFormats(FormatRegistry &registry);

} // namespace frontier::numeric
