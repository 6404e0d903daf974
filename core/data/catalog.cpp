#include "catalog.h"

#include "csvloader.h"
#include "idxloader.h"
#include "loadedset.h"
#include "normalize.h"
#include "optdigitsloader.h"
#include "synthdigits.h"

#include "common/error.h"
#include "common/jsonutil.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <map>

#ifndef FRONTIER_SOURCE_DIR
#define FRONTIER_SOURCE_DIR "."
#endif

namespace frontier::data {

namespace {

QJsonObject readCatalog(const std::string &path)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        throw Error(path, "cannot open the dataset catalog: " + file.errorString().toStdString());
    const QByteArray bytes = file.readAll();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError) {
        const int line = int(bytes.left(error.offset).count('\n')) + 1;
        throw Error(path, "invalid JSON at line " + std::to_string(line) + " (offset "
                              + std::to_string(error.offset)
                              + "): " + error.errorString().toStdString());
    }
    checkUniqueKeys(bytes, path);
    if (!doc.isObject() || !doc.object().value(QLatin1String("datasets")).isObject())
        throw Error(path, "the catalog must be an object with a \"datasets\" object");
    const int version = doc.object().value(QLatin1String("version")).toInt(1);
    if (version != 1)
        throw Error(path, "catalog version " + std::to_string(version) + " is not supported (1)");
    return doc.object().value(QLatin1String("datasets")).toObject();
}

// The files of an entry, resolved in the first search-path folder that holds them all.
std::map<std::string, std::string> resolveFiles(const std::string &name, const QJsonObject &files)
{
    std::map<std::string, std::string> wanted;
    for (auto it = files.begin(); it != files.end(); ++it)
        wanted[it.key().toStdString()] = it.value().toString().toStdString();
    std::string missing;
    for (const std::string &dir : dataSearchPath()) {
        std::map<std::string, std::string> found;
        for (const auto &[key, rel] : wanted) {
            const QString path
                = QDir::isAbsolutePath(QString::fromStdString(rel))
                      ? QString::fromStdString(rel)
                      : QDir(QString::fromStdString(dir)).filePath(QString::fromStdString(rel));
            if (!QFileInfo::exists(path)) {
                missing = rel;
                break;
            }
            found[key] = QDir::cleanPath(path).toStdString();
        }
        if (found.size() == wanted.size())
            return found;
    }
    throw Error(name, "file " + missing + " not found in the dataset search path ("
                          + searchPathText()
                          + "); set FRONTIER_DATA_DIR to the folder that holds it");
}

std::string text(const QJsonObject &o, const char *key, const std::string &fallback = {})
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isString() ? v.toString().toStdString() : fallback;
}

Range range(const std::string &where, const QJsonObject &split, const char *key)
{
    const QJsonArray a = split.value(QLatin1String(key)).toArray();
    if (a.size() != 2 || !a[0].isDouble() || !a[1].isDouble() || a[0].toInt() > a[1].toInt()
        || a[0].toInt() < 0)
        throw Error(where, std::string("split range \"") + key
                               + "\" must be [begin, end) with 0 <= begin <= end");
    return {a[0].toInt(), a[1].toInt()};
}

LoadedSet loadEntry(const std::string &catalog, const std::string &name, const QJsonObject &entry,
                    const LoadOptions &options)
{
    const std::string where = catalog + ": dataset '" + name + "'";
    const std::string format = text(entry, "format");
    const QJsonObject fileSpec = entry.value(QLatin1String("files")).toObject();
    LoadedSet set;
    if (format == "synth-digits") {
        const int samples = options.synthSamples > 0
                                ? options.synthSamples
                                : entry.value(QLatin1String("samples")).toInt(kSynthDefaultSamples);
        set.data = generateSynthDigits(samples, options.seed);
        set.defaultNormalization = "x/255";
    } else {
        const std::map<std::string, std::string> files = resolveFiles(name, fileSpec);
        auto file = [&](const char *key) {
            const auto it = files.find(key);
            if (it == files.end())
                throw Error(where, std::string("no \"") + key + "\" in \"files\"");
            return it->second;
        };
        if (format == "idx") {
            set.data = loadIdx(file("images"), file("labels"));
            set.defaultNormalization = "x/255";
        } else if (format == "idx-folder" || format == "cifar10") {
            set = loadPath(file("folder"), options);
        } else if (format == "optdigits") {
            const Dataset train = loadOptdigits(file("train"));
            set.data = concatenate({train, loadOptdigits(file("test"))});
            set.split = LoadedSet::Split::TrainTest;
            set.trainCount = train.size();
            set.defaultNormalization = "x/16";
        } else if (format == "csv") {
            const QJsonObject c = entry.value(QLatin1String("csv")).toObject();
            CsvOptions csv;
            csv.labelColumn = options.labelColumn.empty() ? text(c, "labelColumn", "last")
                                                          : options.labelColumn;
            csv.dropMissing = options.dropMissing || c.value(QLatin1String("dropMissing")).toBool();
            for (const QJsonValue &v : c.value(QLatin1String("dropColumns")).toArray())
                csv.dropColumns.push_back(v.isDouble() ? std::to_string(v.toInt())
                                                       : v.toString().toStdString());
            csv.dropColumns.insert(csv.dropColumns.end(), options.dropColumns.begin(),
                                   options.dropColumns.end());
            const QJsonObject names = c.value(QLatin1String("classNames")).toObject();
            for (auto it = names.begin(); it != names.end(); ++it)
                csv.classNames.emplace_back(it.key().toStdString(),
                                            it.value().toString().toStdString());
            set.data = loadCsv(file("data"), csv);
            set.defaultNormalization = "per-feature";
        } else if (format == "npy") {
            LoadOptions npy = options;
            if (files.count("labels"))
                npy.labelsFile = files.at("labels");
            set = loadPath(file("samples"), npy);
        } else {
            throw Error(where,
                        "unknown format '" + format
                            + "' (synth-digits, idx, idx-folder, csv, optdigits, npy, cifar10)");
        }
    }
    const QJsonArray classNames = entry.value(QLatin1String("classNames")).toArray();
    if (!classNames.isEmpty()) {
        if (classNames.size() != set.data.numClasses())
            throw Error(where, "\"classNames\" lists " + std::to_string(classNames.size())
                                   + " names for " + std::to_string(set.data.numClasses())
                                   + " classes");
        for (qsizetype i = 0; i < classNames.size(); ++i)
            set.data.classNames[size_t(i)] = classNames[i].toString().toStdString();
    }
    set.data.name = name;
    set.defaultNormalization = text(entry, "normalization", set.defaultNormalization);
    checkNormalizationMode(set.defaultNormalization);

    const QJsonObject split = entry.value(QLatin1String("split")).toObject();
    const std::string kind
        = text(split, "kind", set.split == LoadedSet::Split::TrainTest ? "files" : "stratified");
    if (kind == "stratified") {
        set.split = LoadedSet::Split::Stratified;
    } else if (kind == "ranges") {
        set.split = LoadedSet::Split::Ranges;
        set.train = range(where, split, "train");
        set.calibration = range(where, split, "calibration");
        set.test = range(where, split, "test");
    } else if (kind == "files") {
        if (set.split != LoadedSet::Split::TrainTest)
            set.split = LoadedSet::Split::Stratified; // only one part was found
    } else {
        throw Error(where, "unknown split kind '" + kind + "' (stratified, ranges, files)");
    }
    return set;
}

} // namespace

std::vector<std::string> dataSearchPath()
{
    std::vector<std::string> dirs;
    const QString env = qEnvironmentVariable("FRONTIER_DATA_DIR");
    for (const QString &dir : env.split(QDir::listSeparator(), Qt::SkipEmptyParts))
        dirs.push_back(QDir::cleanPath(dir).toStdString());
    const QString source = QStringLiteral(FRONTIER_SOURCE_DIR);
    dirs.push_back(QDir::cleanPath(source + QStringLiteral("/datasets")).toStdString());
    dirs.push_back(QDir::cleanPath(source + QStringLiteral("/../shared/datasets")).toStdString());
    return dirs;
}

std::string searchPathText()
{
    std::string s;
    for (const std::string &dir : dataSearchPath())
        s += (s.empty() ? "" : ", ") + dir;
    return s;
}

std::string catalogPath()
{
    for (const std::string &dir : dataSearchPath()) {
        const std::string path = dir + "/catalog.json";
        if (QFileInfo(QString::fromStdString(path)).isFile())
            return path;
    }
    return {};
}

std::vector<std::string> catalogNames()
{
    const std::string path = catalogPath();
    std::vector<std::string> names;
    if (!path.empty()) {
        const QJsonObject datasets = readCatalog(path);
        for (auto it = datasets.begin(); it != datasets.end(); ++it)
            names.push_back(it.key().toStdString());
    }
    if (std::find(names.begin(), names.end(), "synth-digits") == names.end())
        names.push_back("synth-digits"); // built in, catalog or not
    std::sort(names.begin(), names.end());
    return names;
}

std::string catalogFilesMissing(const std::string &name)
{
    try {
        const std::string catalog = catalogPath();
        const QJsonValue entry = catalog.empty()
                                     ? QJsonValue()
                                     : readCatalog(catalog).value(QString::fromStdString(name));
        if (!entry.isObject()) {
            if (name == "synth-digits")
                return {};
            return catalog.empty() ? "no dataset catalog found (searched " + searchPathText() + ")"
                                   : "not in the catalog " + catalog;
        }
        const QJsonObject files = entry.toObject().value(QLatin1String("files")).toObject();
        if (files.isEmpty())
            return {};
        try {
            resolveFiles(name, files);
            return {};
        } catch (const Error &) {
        }
        std::string wanted;
        for (auto it = files.begin(); it != files.end(); ++it)
            wanted += (wanted.empty() ? "" : ", ") + it.value().toString().toStdString();
        return "not found: searched " + searchPathText() + " for " + wanted;
    } catch (const std::exception &e) {
        return e.what();
    }
}

LoadedSet resolveSpec(const std::string &spec, const LoadOptions &options)
{
    if (spec.empty())
        throw Error("dataset", "no dataset given (a catalog name or a file path)");
    const std::string catalog = catalogPath();
    if (!catalog.empty()) {
        const QJsonObject datasets = readCatalog(catalog);
        const QJsonValue entry = datasets.value(QString::fromStdString(spec));
        if (entry.isObject())
            return loadEntry(catalog, spec, entry.toObject(), options);
    }
    if (spec == "synth-digits") {
        LoadedSet set;
        set.data = generateSynthDigits(
            options.synthSamples > 0 ? options.synthSamples : kSynthDefaultSamples, options.seed);
        set.defaultNormalization = "x/255";
        return set;
    }
    const QString qspec = QString::fromStdString(spec);
    if (QFileInfo::exists(qspec))
        return loadPath(spec, options);
    if (QDir::isRelativePath(qspec)) {
        for (const std::string &dir : dataSearchPath()) {
            const QString path = QDir(QString::fromStdString(dir)).filePath(qspec);
            if (QFileInfo::exists(path))
                return loadPath(QDir::cleanPath(path).toStdString(), options);
        }
    }
    std::string known;
    for (const std::string &name : catalogNames())
        known += (known.empty() ? "" : ", ") + name;
    throw Error(spec, "no such file, folder or catalog dataset (search path: " + searchPathText()
                          + "; catalog: " + (catalog.empty() ? "none found" : catalog)
                          + "; catalog names: " + known + ")");
}

Dataset load(const std::string &spec, const LoadOptions &options)
{
    return resolveSpec(spec, options).data;
}

} // namespace frontier::data
