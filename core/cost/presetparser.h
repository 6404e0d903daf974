#pragma once

#include "preset.h"

#include <string>

namespace frontier::cost {

// The preset schema version this Frontier reads ("schema": 1 in every preset).
constexpr int kPresetSchemaVersion = 1;

// Parses and validates preset JSON. `where` names the text in errors (a file path).
// Throws Error(where, "key '<path>': <problem>") on the first problem: bad JSON, missing
// or unknown key, wrong type, kind not measured|cited|estimate, unknown source id,
// negative or out-of-range value. When `expectedName` is non-empty the preset's name
// must equal it (the file's base name).
Preset parsePreset(const std::string &json, const std::string &where,
                   const std::string &expectedName = {});

} // namespace frontier::cost
