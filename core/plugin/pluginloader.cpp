#include "pluginloader.h"

#include "pluginapi.h"

#include "common/error.h"
#include "cost/presetlibrary.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QPluginLoader>
#include <QRegularExpression>

namespace frontier::plugin {

namespace {

const char *const kIidPrefix = "org.frontier.";

std::string str(const QString &s)
{
    return s.toStdString();
}

// Reads the record's metadata; returns "" or the reason for refusing the file.
std::string readMetadata(const QPluginLoader &loader, PluginRecord &r)
{
    const QJsonObject md = loader.metaData();
    if (md.isEmpty())
        return "not a Qt plugin library (" + str(loader.errorString()) + ")";
    r.iid = str(md.value(QStringLiteral("IID")).toString());
    if (r.iid.rfind(kIidPrefix, 0) != 0) {
        return "IID '" + r.iid + "' is not a Frontier extension interface (expected "
               + FRONTIER_NUMBER_FORMAT_IID + ", " + FRONTIER_DATASET_LOADER_IID + ", "
               + FRONTIER_COST_PRESETS_IID + ", " + FRONTIER_DECISION_MODULE_IID + " or "
               + FRONTIER_REPORT_SECTION_IID + ")";
    }
    const size_t slash = r.iid.rfind('/');
    const std::string interface = r.iid.substr(0, slash);
    const std::string version = slash == std::string::npos ? "" : r.iid.substr(slash + 1);
    if (version != std::to_string(kApiVersion)) {
        return "built for plugin API version " + (version.empty() ? "(none)" : version)
               + "; this Frontier speaks version " + std::to_string(kApiVersion)
               + " (rebuild the plugin against it)";
    }
    if (r.iid != FRONTIER_NUMBER_FORMAT_IID && r.iid != FRONTIER_DATASET_LOADER_IID
        && r.iid != FRONTIER_COST_PRESETS_IID && r.iid != FRONTIER_DECISION_MODULE_IID
        && r.iid != FRONTIER_REPORT_SECTION_IID)
        return "unknown extension interface '" + interface + "'";
    const QJsonObject meta = md.value(QStringLiteral("MetaData")).toObject();
    r.name = str(meta.value(QStringLiteral("name")).toString());
    r.version = str(meta.value(QStringLiteral("version")).toString());
    r.description = str(meta.value(QStringLiteral("description")).toString());
    for (const QJsonValue &v : meta.value(QStringLiteral("provides")).toArray())
        r.provides.push_back(str(v.toString()));
    static const QRegularExpression nameForm(QStringLiteral("^[a-z0-9][a-z0-9_-]{0,63}$"));
    if (r.name.empty())
        return "its metadata has no 'name'";
    if (!nameForm.match(QString::fromStdString(r.name)).hasMatch())
        return "its name '" + r.name + "' is not lower-case letters, digits, '-' and '_'";
    if (r.version.empty())
        return "its metadata has no 'version'";
    const QJsonValue api = meta.value(QStringLiteral("apiVersion"));
    r.apiVersion = api.isDouble() ? api.toInt() : 0;
    if (r.apiVersion != kApiVersion) {
        return "its metadata says apiVersion " + std::to_string(r.apiVersion) + " but its IID "
               + r.iid;
    }
    return {};
}

// Loads, registers; returns "" or the reason for refusing.
std::string registerPlugin(QPluginLoader &loader, PluginRecord &r)
{
    if (r.name == "built-in" || Registry::instance().hasProvider(r.name))
        return "a plugin named '" + r.name + "' is already loaded";
    // Every symbol resolved now: a missing one refuses the file instead of crashing later.
    loader.setLoadHints(QLibrary::ResolveAllSymbolsHint);
    if (!loader.load())
        return "cannot be loaded: " + str(loader.errorString());
    QObject *root = loader.instance();
    if (!root)
        return "has no root object: " + str(loader.errorString());
    Provision provision;
    try {
        if (r.iid == FRONTIER_NUMBER_FORMAT_IID) {
            auto *p = qobject_cast<NumberFormatPlugin *>(root);
            if (!p)
                return "its root object does not implement " + r.iid;
            provision.formats = p->formatFamilies();
            for (const auto &f : provision.formats) {
                if (f)
                    r.provides.push_back("format:" + f->pattern());
            }
        } else if (r.iid == FRONTIER_DATASET_LOADER_IID) {
            auto *p = qobject_cast<DatasetLoaderPlugin *>(root);
            if (!p)
                return "its root object does not implement " + r.iid;
            provision.loaders = p->datasetLoaders();
            for (const auto &l : provision.loaders) {
                if (l)
                    r.provides.push_back("dataset-loader:" + l->name());
            }
        } else if (r.iid == FRONTIER_REPORT_SECTION_IID) {
            auto *p = qobject_cast<ReportSectionPlugin *>(root);
            if (!p)
                return "its root object does not implement " + r.iid;
            provision.sections = p->reportSections();
            for (const auto &s : provision.sections) {
                if (s)
                    r.provides.push_back("report-section:" + s->name());
            }
        } else if (r.iid == FRONTIER_DECISION_MODULE_IID) {
            auto *p = qobject_cast<DecisionModulePlugin *>(root);
            if (!p)
                return "its root object does not implement " + r.iid;
            provision.decisions = p->decisionRules();
            for (const auto &d : provision.decisions) {
                if (d)
                    r.provides.push_back("decision-module:" + d->name());
            }
        } else {
            auto *p = qobject_cast<CostPresetPlugin *>(root);
            if (!p)
                return "its root object does not implement " + r.iid;
            for (const auto &source : p->presetSources()) {
                if (!source)
                    return "provides a null preset source";
                for (const cost::PresetDocument &doc : source->presets()) {
                    cost::PresetSourceRegistry::Document d{doc.name, doc.json, source->name(),
                                                           r.name};
                    cost::parsePresetDocument(d); // a bad preset refuses the plugin
                    provision.presets.push_back(std::move(d));
                    r.provides.push_back("cost-preset:" + doc.name);
                }
            }
        }
    } catch (const Error &e) {
        return e.what();
    } catch (const std::exception &e) {
        return std::string("threw while registering: ").append(e.what());
    } catch (...) {
        return "threw while registering (not a std::exception)";
    }
    // What it says it provides, once each: the metadata's list, then the objects'.
    std::vector<std::string> unique;
    for (const std::string &p : r.provides) {
        if (std::find(unique.begin(), unique.end(), p) == unique.end())
            unique.push_back(p);
    }
    r.provides = unique;
    try {
        Registry::instance().addProvider(r.name, provision, r.version);
    } catch (const std::exception &e) {
        return e.what();
    }
    return {};
}

} // namespace

std::vector<std::string> pluginSearchPath()
{
    std::vector<std::string> folders;
    const QString env = qEnvironmentVariable("FRONTIER_PLUGIN_PATH");
    for (const QString &part : env.split(QLatin1Char(':'), Qt::SkipEmptyParts))
        folders.push_back(str(QDir::cleanPath(QDir(part).absolutePath())));
    if (QCoreApplication::instance()) {
        const QString app = QCoreApplication::applicationDirPath();
        folders.push_back(str(QDir::cleanPath(app + QStringLiteral("/../lib/frontier/plugins"))));
    }
    return folders;
}

std::vector<PluginRecord> loadPluginsFrom(const std::vector<std::string> &folders)
{
    std::vector<PluginRecord> records;
    std::vector<std::string> seen;
    for (const std::string &folder : folders) {
        const QDir dir(QString::fromStdString(folder));
        if (!dir.exists())
            continue;
        const QStringList files = dir.entryList({QStringLiteral("*.so")}, QDir::Files, QDir::Name);
        for (const QString &file : files) {
            const QString path = QFileInfo(dir.filePath(file)).canonicalFilePath();
            if (std::find(seen.begin(), seen.end(), str(path)) != seen.end())
                continue; // the same file through two folders
            seen.push_back(str(path));
            PluginRecord r;
            r.file = str(path);
            QPluginLoader loader(path);
            try {
                r.error = readMetadata(loader, r);
                if (r.error.empty())
                    r.error = registerPlugin(loader, r);
            } catch (const std::exception &e) {
                r.error = e.what();
            } catch (...) {
                r.error = "failed to load (unknown error)";
            }
            r.loaded = r.error.empty();
            Registry::instance().addRecord(r);
            records.push_back(std::move(r));
        }
    }
    return records;
}

const std::vector<PluginRecord> &loadPlugins()
{
    static const std::vector<PluginRecord> records = [] {
        const std::vector<std::string> folders = pluginSearchPath();
        Registry::instance().setSearched(folders);
        std::string joined;
        for (const std::string &f : folders)
            joined += (joined.empty() ? "" : ", ") + f;
        numeric::FormatRegistry::instance().setUnknownHint(
            "no built-in format and no loaded plugin has it; plugin folders searched: "
            + (joined.empty() ? std::string("none") : joined)
            + " (set FRONTIER_PLUGIN_PATH to the folder of the plugin that provides it)");
        return loadPluginsFrom(folders);
    }();
    return records;
}

std::vector<std::string> refusalLines(const std::vector<PluginRecord> &records)
{
    std::vector<std::string> lines;
    for (const PluginRecord &r : records) {
        if (!r.loaded)
            lines.push_back("plugin " + r.file + " refused: " + r.error);
    }
    return lines;
}

} // namespace frontier::plugin
