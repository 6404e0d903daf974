#pragma once

#include "registry.h"

#include <string>
#include <vector>

namespace frontier::plugin {

// The folders plugins load from, in order: each entry of FRONTIER_PLUGIN_PATH
// (':'-separated), then the application's plugin folder <application dir>/../lib/frontier/plugins.
// Plugins load from nowhere else (DESIGN.md, Reliability rules).
std::vector<std::string> pluginSearchPath();

// Loads every plugin library (*.so) in `folders` (in order, files by name) into
// Registry::instance(), and records each file looked at there. A file that is not a
// Frontier plugin of this API version, whose name or extensions clash with registered
// ones, that cannot be loaded or that throws while registering is refused: its record
// has the one-line reason and nothing of it is registered. Never throws.
std::vector<PluginRecord> loadPluginsFrom(const std::vector<std::string> &folders);

// loadPluginsFrom(pluginSearchPath()) once per process (later calls return the first
// result), and tells the format registry which folders were searched, for the error
// about a format no family knows. Needs a QCoreApplication (for the application dir).
const std::vector<PluginRecord> &loadPlugins();

// "plugin FILE refused: REASON" for each refused record, one line each.
std::vector<std::string> refusalLines(const std::vector<PluginRecord> &records);

} // namespace frontier::plugin
