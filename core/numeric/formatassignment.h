#pragma once

#include "formatspec.h"

#include "model/model.h"

#include <string>
#include <utility>
#include <vector>

namespace frontier::numeric {

// Which format each weighted layer of a model gets: a default format, optionally followed
// by per-layer overrides separated by ';':
//   <format>[;<selector>=<format>]...      e.g. "w4a8;first=int8;last=int8"
// selector: `first` (the first weighted layer), `last` (every last weighted layer: the
// classifier, and the classifier of every early exit) or a layer name. Later overrides win.
// Layers without weights keep float32 whatever the assignment says.
//
// parse() throws Error("variant '<text>'", reason) with the valid forms; resolve() throws
// Error when a selector names no weighted layer of the model. Value type.
struct FormatAssignment
{
    FormatSpec defaultFormat;
    std::vector<std::pair<std::string, FormatSpec>> overrides;

    static FormatAssignment parse(const std::string &text);
    // Canonical text: canonical format names, selectors as given.
    std::string canonical() const;
    // What identifies the numbers this assignment gives, for caches of its outputs: the
    // text as given, followed by "@<plugin>/<version>" for each plugin whose formats it
    // uses (once each, in order), so that outputs computed with another version of a
    // plugin are not reused. Built-in formats add nothing.
    static std::string cacheIdentity(const std::string &text);
    // One spec per model layer (index = layer index).
    std::vector<FormatSpec> resolve(const model::Model &model) const;
};

// Expands a comma-separated list whose elements are format ranges (expandFormatList) or
// assignments with overrides, into canonical assignments in order.
std::vector<std::string> expandAssignmentList(const std::string &list);

// Indices of the model's weighted layers (dense, conv2d) in layer order, and for each
// whether it is a last weighted layer (no weighted layer reachable from its output).
std::vector<int> weightedLayerIndices(const model::Model &model);
std::vector<bool> lastWeightedFlags(const model::Model &model);

} // namespace frontier::numeric
