#include "formatassignment.h"

#include "formatregistry.h"
#include "weightedgeometry.h"

#include "common/error.h"

#include <algorithm>
#include <cctype>

namespace frontier::numeric {

namespace {

std::string trimmed(const std::string &s)
{
    size_t b = 0;
    size_t e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
        ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
        --e;
    return s.substr(b, e - b);
}

std::vector<std::string> split(const std::string &s, char separator)
{
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        const size_t at = s.find(separator, start);
        parts.push_back(trimmed(s.substr(start, at == std::string::npos ? at : at - start)));
        if (at == std::string::npos)
            return parts;
        start = at + 1;
    }
}

const char *kAssignmentForm = "assignments are <format>[;first=<format>][;last=<format>]"
                              "[;<layer name>=<format>]";

} // namespace

FormatAssignment FormatAssignment::parse(const std::string &text)
{
    const std::vector<std::string> parts = split(text, ';');
    FormatAssignment a;
    try {
        a.defaultFormat = parseFormat(parts.front());
    } catch (const Error &e) {
        throw Error("variant '" + text + "'", std::string(e.what()) + "; " + kAssignmentForm);
    }
    for (size_t i = 1; i < parts.size(); ++i) {
        const size_t eq = parts[i].find('=');
        const std::string selector = eq == std::string::npos ? "" : trimmed(parts[i].substr(0, eq));
        if (selector.empty())
            throw Error("variant '" + text + "'",
                        "'" + parts[i] + "' is not <selector>=<format>; " + kAssignmentForm);
        try {
            a.overrides.emplace_back(selector, parseFormat(parts[i].substr(eq + 1)));
        } catch (const Error &e) {
            throw Error("variant '" + text + "'", std::string(e.what()) + "; " + kAssignmentForm);
        }
    }
    return a;
}

std::string FormatAssignment::canonical() const
{
    std::string s = defaultFormat.name;
    for (const auto &[selector, format] : overrides)
        s += ";" + selector + "=" + format.name;
    return s;
}

std::string FormatAssignment::cacheIdentity(const std::string &text)
{
    const FormatAssignment a = parse(text);
    std::vector<const FormatSpec *> specs = {&a.defaultFormat};
    for (const auto &o : a.overrides)
        specs.push_back(&o.second);
    std::string identity = text;
    std::vector<std::string> seen;
    for (const FormatSpec *spec : specs) {
        if (spec->kind != FormatSpec::Kind::Custom)
            continue;
        std::string tag
            = std::string("@").append(spec->provider).append("/").append(spec->providerVersion);
        if (std::find(seen.begin(), seen.end(), tag) != seen.end())
            continue;
        identity += tag;
        seen.push_back(std::move(tag));
    }
    return identity;
}

std::vector<int> weightedLayerIndices(const model::Model &model)
{
    std::vector<int> out;
    for (size_t i = 0; i < model.layers.size(); ++i) {
        if (WeightedGeometry::isWeighted(*model.layers[i]))
            out.push_back(int(i));
    }
    return out;
}

std::vector<bool> lastWeightedFlags(const model::Model &model)
{
    const size_t count = model.layers.size();
    std::vector<bool> reaches(count, false);
    for (size_t i = count; i-- > 0;) {
        const model::Layer &layer = *model.layers[i];
        const bool pass = WeightedGeometry::isWeighted(layer) || reaches[i];
        for (int in : layer.inputs) {
            if (in >= 0 && pass)
                reaches[size_t(in)] = true;
        }
    }
    std::vector<bool> last;
    for (int i : weightedLayerIndices(model))
        last.push_back(!reaches[size_t(i)]);
    return last;
}

std::vector<FormatSpec> FormatAssignment::resolve(const model::Model &model) const
{
    std::vector<FormatSpec> formats(model.layers.size(), parseFormat("fp32"));
    const std::vector<int> weighted = weightedLayerIndices(model);
    if (weighted.empty())
        throw Error("model " + model.name, "has no dense or conv2d layer to quantize");
    const std::vector<bool> last = lastWeightedFlags(model);
    for (int i : weighted)
        formats[size_t(i)] = defaultFormat;
    for (const auto &[selector, format] : overrides) {
        if (selector == "first") {
            formats[size_t(weighted.front())] = format;
        } else if (selector == "last") {
            for (size_t w = 0; w < weighted.size(); ++w) {
                if (last[w])
                    formats[size_t(weighted[w])] = format;
            }
        } else {
            const int i = model.layerIndex(selector);
            if (i < 0 || !WeightedGeometry::isWeighted(*model.layers[size_t(i)]))
                throw Error("variant '" + canonical() + "'",
                            "'" + selector + "' is not first, last or a dense/conv2d layer of "
                                + (model.name.empty() ? std::string("the model") : model.name));
            formats[size_t(i)] = format;
        }
    }
    return formats;
}

std::vector<std::string> expandAssignmentList(const std::string &list)
{
    std::vector<std::string> out;
    if (trimmed(list).empty())
        throw Error("format list", "is empty; " + FormatRegistry::instance().validForms());
    for (const std::string &element : split(list, ',')) {
        if (element.find(';') != std::string::npos) {
            out.push_back(FormatAssignment::parse(element).canonical());
            continue;
        }
        for (const std::string &name : expandFormatList(element))
            out.push_back(name);
    }
    return out;
}

} // namespace frontier::numeric
