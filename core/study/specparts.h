#pragma once

#include "specreader.h"
#include "studyspec.h"

#include <QJsonArray>
#include <QJsonObject>

#include <string>
#include <vector>

// Internal to core/study: the parts of studyspec.cpp that read policies and knobs, and
// the canonical texts they are stored and hashed under.

namespace frontier::study {

// Checks that every device, link and server preset exists and has the right type, and
// rewrites relative preset paths against baseDir.
void checkPresets(SpecReader &top, StudySpec &spec, const std::string &baseDir);
std::vector<PolicySpec> parsePolicies(SpecReader &top, const StudySpec &spec);

QJsonObject modelToJson(const ModelSpec &model);
QJsonObject policyToJson(const PolicySpec &policy);
QJsonArray stringArray(const std::vector<std::string> &values);

// The canonical text of a threshold rule: "M", "PDF <q>", "fidelity>=<x>" or the value,
// numbers in their shortest round-trip form. Throws Error("threshold rule", ...).
std::string canonicalRule(const std::string &text);

// Canonical format names of one spec element ("int2..int8,fp16"). Throws Error.
std::vector<std::string> expandFormats(const std::string &text);

} // namespace frontier::study
