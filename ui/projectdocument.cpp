#include "projectdocument.h"

#include "modelref.h"

#include "data/catalog.h"
#include "store/project.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace frontier::ui {

ProjectDocument::ProjectDocument(QObject *parent)
    : QObject(parent)
{
    reload();
}

ProjectDocument::~ProjectDocument() = default;

bool ProjectDocument::open(const QString &path, QString *error)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        if (error)
            *error = tr("%1: no such file or folder").arg(path);
        return false;
    }
    if (info.isDir()) {
        m_kind = Kind::Folder;
    } else if (info.suffix().compare(QLatin1String("frontier"), Qt::CaseInsensitive) == 0) {
        // Read-only first (never writes); an older file needs one read-write open, which
        // migrates it after a backup copy; a newer one is refused either way.
        try {
            store::Project check(path.toStdString(), store::Project::Access::ReadOnly);
        } catch (const std::exception &) {
            try {
                store::Project check(path.toStdString(), store::Project::Access::ReadWrite);
            } catch (const std::exception &e) {
                if (error)
                    *error = QString::fromUtf8(e.what());
                return false;
            }
        }
        m_kind = Kind::File;
    } else {
        if (error)
            *error = tr("%1: not a project (a folder or a *.frontier file)").arg(path);
        return false;
    }
    m_path = info.absoluteFilePath();
    reload();
    Q_EMIT opened(m_path);
    return true;
}

bool ProjectDocument::create(const QString &path, QString *error)
{
    const QFileInfo info(path);
    if (info.suffix().compare(QLatin1String("frontier"), Qt::CaseInsensitive) == 0) {
        if (info.exists()) {
            if (error)
                *error = tr("%1: already exists").arg(path);
            return false;
        }
        try {
            QDir().mkpath(info.absolutePath());
            store::Project created(path.toStdString(), store::Project::Access::ReadWrite);
        } catch (const std::exception &e) {
            if (error)
                *error = QString::fromUtf8(e.what());
            return false;
        }
        return open(path, error);
    }
    if (!QDir().mkpath(path)) {
        if (error)
            *error = tr("%1: cannot create the folder").arg(path);
        return false;
    }
    return open(path, error);
}

void ProjectDocument::close()
{
    m_kind = Kind::None;
    m_path.clear();
    reload();
    Q_EMIT closed();
}

QString ProjectDocument::displayName() const
{
    return m_path.isEmpty() ? tr("No project") : QFileInfo(m_path).fileName();
}

QString ProjectDocument::modelFolder() const
{
    switch (m_kind) {
    case Kind::Folder:
        return m_path;
    case Kind::File:
        return QFileInfo(m_path).absolutePath();
    case Kind::None:
        break;
    }
    return {};
}

QString ProjectDocument::studyFolder() const
{
    const QString base = modelFolder();
    return base.isEmpty() ? QString() : QDir(base).filePath(QStringLiteral("studies"));
}

QString ProjectDocument::projectFile() const
{
    switch (m_kind) {
    case Kind::File:
        return m_path;
    case Kind::Folder:
        return QDir(m_path).filePath(QStringLiteral("project.frontier"));
    case Kind::None:
        break;
    }
    return {};
}

QString ProjectDocument::studySpec(const QString &name) const
{
    const QString file = projectFile();
    if (file.isEmpty() || !QFileInfo::exists(file))
        return {};
    try {
        store::Project project(file.toStdString(), store::Project::Access::ReadOnly);
        if (const auto study = project.findStudy(name.toStdString()))
            return QString::fromStdString(study->spec);
    } catch (const std::exception &) {
    }
    return {};
}

QString ProjectDocument::settingsKey() const
{
    const QByteArray hash
        = QCryptographicHash::hash(m_path.toUtf8(), QCryptographicHash::Sha1).toHex().left(16);
    return QStringLiteral("projects/%1/datasets").arg(QString::fromLatin1(hash));
}

QStringList ProjectDocument::importedDatasets() const
{
    return m_path.isEmpty() ? QStringList() : QSettings().value(settingsKey()).toStringList();
}

void ProjectDocument::addDataset(const QString &spec)
{
    if (m_path.isEmpty())
        return;
    QStringList list = importedDatasets();
    if (!list.contains(spec))
        list << spec;
    QSettings().setValue(settingsKey(), list);
    reload();
}

void ProjectDocument::reload()
{
    m_datasets.clear();
    m_models.clear();
    m_specs.clear();
    m_studies.clear();
    m_storeError.clear();
    try {
        for (const std::string &name : data::catalogNames()) {
            const QString missing = QString::fromStdString(data::catalogFilesMissing(name));
            m_datasets << Entry{QString::fromStdString(name), QString::fromStdString(name), missing,
                                missing};
        }
    } catch (const std::exception &) {
        m_datasets << Entry{QStringLiteral("synth-digits"), QStringLiteral("synth-digits"), {}, {}};
    }
    for (const QString &spec : importedDatasets())
        m_datasets << Entry{QFileInfo(spec).fileName(), spec, spec, {}};

    const QString folder = modelFolder();
    if (!folder.isEmpty()) {
        const QDir dir(folder);
        for (const QFileInfo &file : dir.entryInfoList(
                 {QStringLiteral("*.fmodel"), QStringLiteral("*.onnx")}, QDir::Files, QDir::Name))
            m_models << Entry{
                file.completeBaseName(), file.absoluteFilePath(), file.absoluteFilePath(), {}};
        for (const QDir &studies : {dir, QDir(studyFolder())}) {
            for (const QFileInfo &file :
                 studies.entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
                m_specs << Entry{
                    file.completeBaseName(), file.absoluteFilePath(), file.absoluteFilePath(), {}};
        }
    }
    const QString file = projectFile();
    if (!file.isEmpty() && QFileInfo::exists(file)) {
        try {
            const std::string path = file.toStdString();
            store::Project project(path, store::Project::Access::ReadOnly);
            for (const store::DatasetRecord &d : project.datasets()) {
                const QString spec = QString::fromStdString(d.path);
                const bool known = std::any_of(m_datasets.begin(), m_datasets.end(),
                                               [&](const Entry &e) { return e.path == spec; });
                if (!known)
                    m_datasets << Entry{QString::fromStdString(d.name),
                                        spec,
                                        tr("used by a study (%1)").arg(spec),
                                        {}};
            }
            const std::vector<store::ModelRecord> models = project.models();
            for (const store::ModelRecord &m : models) {
                // "<name>@<key>": the name alone unless two stored models share it.
                const QString full = QString::fromStdString(m.name);
                const QString base = full.section(QLatin1Char('@'), 0, 0);
                const auto same = std::count_if(models.begin(), models.end(), [&](const auto &o) {
                    return QString::fromStdString(o.name).section(QLatin1Char('@'), 0, 0) == base;
                });
                const QString shown = same > 1 ? base + QStringLiteral(" @")
                                                     + full.section(QLatin1Char('@'), 1).left(8)
                                               : base;
                m_models << Entry{shown,
                                  QString::fromStdString(ModelRef::inProject(path, m.id)),
                                  tr("%1, stored in %2").arg(full, QFileInfo(file).fileName()),
                                  {}};
            }
            for (const store::StudyRecord &s : project.studies()) {
                // A shard's file holds every trial of the study but computes its own only.
                const store::Shard shard = project.studyShard(s.id);
                const store::TrialCounts counts = project.trialCounts(s.id, shard);
                QString tip = tr("%1: %2 of %3 trials done")
                                  .arg(QString::fromStdString(store::toString(s.status)))
                                  .arg(counts.done)
                                  .arg(counts.total());
                if (shard.sharded())
                    tip += tr(" (shard %1)").arg(QString::fromStdString(shard.text()));
                m_studies << Entry{
                    QString::fromStdString(s.name), QString::fromStdString(s.name), tip, {}};
            }
        } catch (const std::exception &e) {
            m_storeError = QString::fromUtf8(e.what());
        }
    }
    Q_EMIT changed();
}

} // namespace frontier::ui
