#include "registry.h"

#include "common/error.h"
#include "cost/presetlibrary.h"

#include <QDir>

#include <algorithm>

namespace frontier::plugin {

namespace {

std::vector<numeric::FormatFamily> builtinFormatFamilies()
{
    // The numeric module's own list (formatfamilies.cpp), read from its store, which
    // registers them when first used.
    return numeric::FormatRegistry::instance().families();
}

// The preset files on the search path, by name (the first of a name wins, as in
// cost::loadPreset); not parsed here.
std::vector<std::string> builtinPresetNames()
{
    std::vector<std::string> names;
    for (const std::string &dir : cost::presetSearchPath()) {
        const QStringList files
            = QDir(QString::fromStdString(dir))
                  .entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        for (const QString &file : files) {
            const std::string name = file.chopped(5).toStdString();
            if (std::find(names.begin(), names.end(), name) == names.end())
                names.push_back(name);
        }
    }
    return names;
}

} // namespace

Registry::Registry() = default;

Registry &Registry::instance()
{
    static Registry *registry = [] {
        auto *r = new Registry;
        std::vector<std::shared_ptr<const data::DatasetLoader>> loaders;
        for (const data::DatasetLoaderRegistry::Entry &e :
             data::DatasetLoaderRegistry::instance().loaders())
            loaders.push_back(e.loader);
        Provision builtin;
        builtin.builtinFormats = builtinFormatFamilies();
        builtin.loaders = loaders;
        builtin.builtinPresets = builtinPresetNames();
        builtin.builtinDecisions = {"maxprob", "margin", "entropy", "lr", "fixed", "oracle"};
        builtin.builtinSections
            = {"summary", "recommendation", "fronts",   "front-table",     "thresholds",
               "layers",  "intermittent",   "training", "reproducibility", "presets"};
        r->addProvider("built-in", builtin);
        return r;
    }();
    return *registry;
}

void Registry::checkFree(const std::string &kind, const std::string &name) const
{
    for (const Extension &e : m_extensions) {
        if (e.kind == kind && e.name == name)
            throw Error("provides " + kind + " '" + name + "', which " + e.provider
                        + " already provides");
    }
}

void Registry::addProvider(const std::string &provider, const Provision &provision,
                           const std::string &version)
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    if (std::find(m_providers.begin(), m_providers.end(), provider) != m_providers.end())
        throw Error("a plugin named '" + provider + "' is already loaded");
    const bool builtin = provider == "built-in";
    std::vector<Extension> added;
    auto add
        = [&](const std::string &kind, const std::string &name, const std::string &description) {
              if (name.empty())
                  throw Error("provides a " + kind + " without a name");
              checkFree(kind, name);
              for (const Extension &e : added) {
                  if (e.kind == kind && e.name == name)
                      throw Error("provides " + kind + " '" + name + "' twice");
              }
              added.push_back({kind, name, description, provider});
          };
    for (const numeric::FormatFamily &f : provision.builtinFormats)
        add("format", f.pattern, f.description);
    for (const auto &f : provision.formats) {
        if (!f)
            throw Error("provides a null format family");
        add("format", f->pattern(), f->description());
    }
    for (const auto &l : provision.loaders) {
        if (!l)
            throw Error("provides a null dataset loader");
        add("dataset-loader", l->name(), l->description());
    }
    for (const std::string &name : provision.builtinPresets)
        add("cost-preset", name, "preset file on the search path");
    for (const cost::PresetSourceRegistry::Document &d : provision.presets)
        add("cost-preset", d.name, "from source '" + d.source + "'");
    for (const std::string &name : provision.builtinDecisions)
        add("decision-module", name, "built-in offload rule");
    for (const auto &d : provision.decisions) {
        if (!d)
            throw Error("provides a null decision module");
        add("decision-module", d->name(), d->description());
    }
    for (const std::string &name : provision.builtinSections)
        add("report-section", name, "built-in report section");
    for (const auto &s : provision.sections) {
        if (!s)
            throw Error("provides a null report section");
        add("report-section", s->name(), s->description());
    }
    // All names are free: hand the callables to their stores (built-ins are there).
    if (!builtin) {
        for (const auto &f : provision.formats)
            numeric::FormatRegistry::instance().addCustom(f, provider, version);
        for (const auto &l : provision.loaders)
            data::DatasetLoaderRegistry::instance().add(l, provider);
        cost::PresetSourceRegistry::instance().add(provision.presets);
        for (const auto &d : provision.decisions)
            policy::DecisionRuleRegistry::instance().add(d, provider);
        for (const auto &s : provision.sections)
            study::ReportSectionRegistry::instance().add(s, provider);
    }
    m_providers.push_back(provider);
    m_extensions.insert(m_extensions.end(), added.begin(), added.end());
}

std::vector<Extension> Registry::extensions() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_extensions;
}

bool Registry::hasProvider(const std::string &provider) const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return std::find(m_providers.begin(), m_providers.end(), provider) != m_providers.end();
}

void Registry::addRecord(PluginRecord record)
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_records.push_back(std::move(record));
}

std::vector<PluginRecord> Registry::records() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_records;
}

void Registry::setSearched(std::vector<std::string> folders)
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_searched = std::move(folders);
}

std::vector<std::string> Registry::searched() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_searched;
}

} // namespace frontier::plugin
