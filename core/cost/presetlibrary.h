#pragma once

#include "preset.h"
#include "presetparser.h"
#include "presetsource.h"

#include <string>
#include <vector>

namespace frontier::cost {

// Finding, reading and validating presets. Schema: docs/cost-model.md.
//
// Search path: every directory in FRONTIER_PRESET_DIR (':'-separated), then
// <source tree>/resources/presets, then <application dir>/../share/frontier/presets;
// after the files, the presets of plugins (presetsource.h), whose path reads
// "plugin <name>".

// Reads and validates one file.
Preset loadPresetFile(const std::string &path);

// A name from the search path, or a path to a .json file (anything containing '/' or
// ending in ".json"). Throws Error("preset <name>", ...) listing the known presets when
// there is no such preset.
Preset loadPreset(const std::string &nameOrPath);

std::vector<std::string> presetSearchPath();

// Every preset file on the search path (earlier directories shadow later ones), sorted
// by name. Files that do not parse are listed with `error` set.
struct PresetEntry
{
    std::string name;
    std::string type;
    std::string description;
    std::string path;
    std::string error;
};
std::vector<PresetEntry> listPresets();

// Parses a plugin's preset (what loadPreset() does for one); throws Error naming the
// preset and the plugin.
Preset parsePresetDocument(const PresetSourceRegistry::Document &document);

} // namespace frontier::cost
