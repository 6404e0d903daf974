#pragma once

#include "cost/presetsource.h"
#include "data/datasetloader.h"
#include "numeric/customformat.h"
#include "numeric/formatregistry.h"
#include "policy/decisionrule.h"
#include "study/reportsection.h"

#include <mutex>
#include <string>
#include <vector>

namespace frontier::plugin {

// One extension: what it is, its name and who provides it.
struct Extension
{
    // "format", "dataset-loader", "cost-preset", "decision-module" or "report-section"
    std::string kind;
    std::string name;        // a format family's pattern ("posit<n>es<es>"), a loader's name
    std::string description; // one line
    std::string provider;    // "built-in" or the plugin's name
};

// What one provider adds.
struct Provision
{
    std::vector<numeric::FormatFamily> builtinFormats; // the built-in provider only
    std::vector<std::shared_ptr<const numeric::CustomFormatFamily>> formats;
    std::vector<std::shared_ptr<const data::DatasetLoader>> loaders;
    std::vector<std::string> builtinPresets; // preset files on the search path (built-in)
    std::vector<cost::PresetSourceRegistry::Document> presets; // read and validated
    std::vector<std::string> builtinDecisions;                 // DecisionModule's kinds (built-in)
    std::vector<std::shared_ptr<const policy::DecisionRule>> decisions;
    std::vector<std::string> builtinSections; // the report's own sections (built-in)
    std::vector<std::shared_ptr<const study::ReportSection>> sections;
};

// One plugin file the loader looked at (pluginloader.h).
struct PluginRecord
{
    std::string file;
    std::string name;    // from the metadata ("" when it could not be read)
    std::string version; // the plugin's own version
    int apiVersion = 0;
    std::string iid;
    std::string description;
    std::vector<std::string> provides; // "format:posit<n>es<es>", "dataset-loader:npz", ...
    bool loaded = false;
    std::string error; // why it was refused (loaded == false)
};

// The registry of extensions keyed by kind and name (DESIGN.md, Plugins;
// docs/decisions/0012-plugin-registry.md). The built-ins (number formats and dataset
// loaders) are registered through the same add functions as plugins, when instance() is
// first called. The callables live in the typed stores of the modules that use them
// (numeric::FormatRegistry, data::DatasetLoaderRegistry, cost::PresetSourceRegistry;
// the built-in presets are the files on the preset search path), so that core below plugin/
// needs no upward dependency; this registry adds the names, the providers and the
// all-or-nothing rule: a provider whose extensions clash with registered ones adds none.
//
// Thread-safety: every member may be called from any thread.
class Registry
{
public:
    static Registry &instance();

    // Adds a provider's extensions, all or none: throws Error (nothing added) when the
    // provider's name is taken or one of the names clashes with a registered extension
    // of the same kind. `version` is the provider's own (a plugin's metadata), recorded
    // with its custom formats.
    void addProvider(const std::string &provider, const Provision &provision,
                     const std::string &version = {});

    std::vector<Extension> extensions() const;
    bool hasProvider(const std::string &provider) const;

    // The plugin files looked at, in load order, and the folders searched.
    void addRecord(PluginRecord record);
    std::vector<PluginRecord> records() const;
    void setSearched(std::vector<std::string> folders);
    std::vector<std::string> searched() const;

private:
    Registry();
    void checkFree(const std::string &kind, const std::string &name) const;

    mutable std::mutex m_mutex;
    std::vector<Extension> m_extensions;
    std::vector<std::string> m_providers;
    std::vector<PluginRecord> m_records;
    std::vector<std::string> m_searched;
};

} // namespace frontier::plugin
