#include "studylibrary.h"

#include "common/error.h"
#include "common/fileutil.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <cstdlib>
#include <set>

#ifndef FRONTIER_SOURCE_DIR
#define FRONTIER_SOURCE_DIR ""
#endif

namespace frontier::study {

std::vector<std::string> studySearchPath()
{
    std::vector<std::string> dirs;
    if (const char *env = std::getenv("FRONTIER_STUDY_DIR")) {
        for (const QString &d :
             QString::fromLocal8Bit(env).split(QLatin1Char(':'), Qt::SkipEmptyParts))
            dirs.push_back(d.toStdString());
    }
    const std::string source = FRONTIER_SOURCE_DIR;
    if (!source.empty())
        dirs.push_back(source + "/resources/studies");
    if (QCoreApplication::instance()) {
        dirs.push_back(QDir::cleanPath(QCoreApplication::applicationDirPath()
                                       + QStringLiteral("/../share/frontier/studies"))
                           .toStdString());
    }
    return dirs;
}

std::vector<std::string> studyTemplates()
{
    std::set<std::string> names;
    for (const std::string &dir : studySearchPath()) {
        const QDir d(QString::fromStdString(dir));
        for (const QString &f : d.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
            names.insert(QFileInfo(f).completeBaseName().toStdString());
    }
    return {names.begin(), names.end()};
}

std::string findStudySpec(const std::string &nameOrPath)
{
    const bool isPath
        = nameOrPath.find('/') != std::string::npos
          || (nameOrPath.size() > 5 && nameOrPath.compare(nameOrPath.size() - 5, 5, ".json") == 0);
    if (isPath || fileExists(nameOrPath))
        return nameOrPath;
    for (const std::string &dir : studySearchPath()) {
        const std::string candidate = dir + "/" + nameOrPath + ".json";
        if (fileExists(candidate))
            return candidate;
    }
    std::string known;
    for (const std::string &n : studyTemplates()) {
        if (!known.empty())
            known += ", ";
        known += n;
    }
    throw Error("study " + nameOrPath,
                "no such study template (known: " + (known.empty() ? "none" : known) + ")");
}

} // namespace frontier::study
