#include "resultset.h"

#include "common/error.h"
#include "store/project.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace frontier::ui {

namespace {

// A spec value that is a string or an array of strings.
std::vector<std::string> strings(const QJsonValue &value)
{
    std::vector<std::string> out;
    if (value.isString())
        out.push_back(value.toString().toStdString());
    for (const QJsonValue &v : value.toArray())
        out.push_back(v.toString().toStdString());
    return out;
}

} // namespace

ResultSet ResultSet::load(const std::string &projectPath, const std::string &studyName)
{
    store::Project project(projectPath, store::Project::Access::ReadOnly);
    const auto record = project.findStudy(studyName);
    if (!record)
        throw Error(projectPath, "no study named '" + studyName + "'");
    ResultSet set;
    set.name = QString::fromStdString(studyName);
    set.results = study::StudyResults::load(project, record->id);
    const QJsonObject spec
        = QJsonDocument::fromJson(QByteArray::fromStdString(record->spec)).object();
    std::string objectives;
    for (const std::string &o : strings(spec.value(QStringLiteral("objectives"))))
        objectives += (objectives.empty() ? "" : ",") + o;
    set.objectives
        = study::parseObjectives(objectives.empty() ? "energy_pj:min,accuracy:max" : objectives);
    set.constraints = strings(spec.value(QStringLiteral("constraints")));
    return set;
}

} // namespace frontier::ui
