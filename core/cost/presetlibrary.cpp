#include "presetlibrary.h"

#include "presetsource.h"

#include "common/error.h"
#include "common/fileutil.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <cstdlib>
#include <map>

// The source tree is compiled in (core/CMakeLists.txt), so an uninstalled build finds the
// shipped presets wherever it runs from.
#ifndef FRONTIER_SOURCE_DIR
#define FRONTIER_SOURCE_DIR ""
#endif

namespace frontier::cost {

namespace {

std::string baseName(const std::string &path)
{
    return QFileInfo(QString::fromStdString(path)).completeBaseName().toStdString();
}

bool looksLikePath(const std::string &s)
{
    return s.find('/') != std::string::npos
           || (s.size() > 5 && s.compare(s.size() - 5, 5, ".json") == 0);
}

} // namespace

std::vector<std::string> presetSearchPath()
{
    std::vector<std::string> dirs;
    if (const char *env = std::getenv("FRONTIER_PRESET_DIR")) {
        for (const QString &d :
             QString::fromLocal8Bit(env).split(QLatin1Char(':'), Qt::SkipEmptyParts))
            dirs.push_back(d.toStdString());
    }
    const std::string source = FRONTIER_SOURCE_DIR;
    if (!source.empty())
        dirs.push_back(source + "/resources/presets");
    if (QCoreApplication::instance()) {
        dirs.push_back(QDir::cleanPath(QCoreApplication::applicationDirPath()
                                       + QStringLiteral("/../share/frontier/presets"))
                           .toStdString());
    }
    return dirs;
}

PresetSourceRegistry &PresetSourceRegistry::instance()
{
    static PresetSourceRegistry registry;
    return registry;
}

void PresetSourceRegistry::add(const std::vector<Document> &documents)
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_documents.insert(m_documents.end(), documents.begin(), documents.end());
}

std::vector<PresetSourceRegistry::Document> PresetSourceRegistry::documents() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_documents;
}

Preset parsePresetDocument(const PresetSourceRegistry::Document &d)
{
    Preset preset
        = parsePreset(d.json, "preset " + d.name + " (plugin " + d.provider + ")", d.name);
    preset.path = "plugin " + d.provider;
    return preset;
}

Preset loadPresetFile(const std::string &path)
{
    const std::vector<uint8_t> bytes = readFileBytes(path);
    Preset preset = parsePreset(std::string(bytes.begin(), bytes.end()), path, baseName(path));
    preset.path = path;
    return preset;
}

std::vector<PresetEntry> listPresets()
{
    std::map<std::string, PresetEntry> found;
    for (const std::string &dir : presetSearchPath()) {
        const QDir d(QString::fromStdString(dir));
        const QStringList files = d.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        for (const QString &file : files) {
            PresetEntry e;
            e.path = d.filePath(file).toStdString();
            e.name = baseName(e.path);
            if (found.count(e.name))
                continue; // shadowed by an earlier directory
            try {
                const Preset p = loadPresetFile(e.path);
                e.type = p.type;
                e.description = p.description;
            } catch (const Error &error) {
                e.error = error.what();
            }
            found[e.name] = e;
        }
    }
    for (const PresetSourceRegistry::Document &d : PresetSourceRegistry::instance().documents()) {
        if (found.count(d.name))
            continue; // a file of that name comes first
        PresetEntry e;
        e.name = d.name;
        e.path = "plugin " + d.provider;
        try {
            const Preset p = parsePresetDocument(d);
            e.type = p.type;
            e.description = p.description;
        } catch (const Error &error) {
            e.error = error.what();
        }
        found[e.name] = e;
    }
    std::vector<PresetEntry> list;
    for (auto &[name, entry] : found)
        list.push_back(entry);
    return list;
}

Preset loadPreset(const std::string &nameOrPath)
{
    if (looksLikePath(nameOrPath))
        return loadPresetFile(nameOrPath);
    for (const std::string &dir : presetSearchPath()) {
        const std::string path = dir + "/" + nameOrPath + ".json";
        if (fileExists(path))
            return loadPresetFile(path);
    }
    for (const PresetSourceRegistry::Document &d : PresetSourceRegistry::instance().documents()) {
        if (d.name == nameOrPath)
            return parsePresetDocument(d);
    }
    std::string known;
    for (const PresetEntry &e : listPresets())
        known += (known.empty() ? "" : ", ") + e.name;
    std::string path;
    for (const std::string &dir : presetSearchPath())
        path += (path.empty() ? "" : ":") + dir;
    throw Error("preset " + nameOrPath,
                "no such preset (known: " + (known.empty() ? std::string("none") : known)
                    + "; search path: " + path + ")");
}

} // namespace frontier::cost
