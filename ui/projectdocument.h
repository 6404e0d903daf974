#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

namespace frontier::ui {

// The open project, as the views see it (the document class of STYLE.md: core values
// inside, signals outside). A project is either a project file (*.frontier, the SQLite
// store of core/store) or a plain folder (the CLI's output folder: .fmodel/.onnx models
// and study specs; its studies run into <folder>/project.frontier). Models imported or
// trained in the GUI are written to modelFolder().
//
// The project file is read through short-lived read-only connections, so a study run
// (on a worker thread, or the CLI) may write it meanwhile. Lists are re-read by reload(),
// which emits changed(). GUI thread only.
class ProjectDocument : public QObject
{
    Q_OBJECT

public:
    enum class Kind { None, Folder, File };

    struct Entry
    {
        QString name;
        QString path;   // dataset spec, model reference (ModelRef), spec file, study name
        QString detail; // shown as a tool tip: status, trials, where it is stored
        // Why it cannot be opened ("not found: searched ..."), "" when it can be.
        QString missing;
    };

    explicit ProjectDocument(QObject *parent = nullptr);
    ~ProjectDocument() override;

    // Opens a folder or a *.frontier file; false with *error set on failure (the
    // current project is then unchanged).
    bool open(const QString &path, QString *error = nullptr);
    // Creates a new project: a *.frontier file, or a folder for any other path.
    bool create(const QString &path, QString *error = nullptr);
    void close();

    Kind kind() const { return m_kind; }
    bool isOpen() const { return m_kind != Kind::None; }
    QString path() const { return m_path; }
    QString displayName() const;
    // Where new models and specs go: the folder, or the project file's folder.
    QString modelFolder() const;
    QString studyFolder() const;
    // The project file studies run into: the file itself, or <folder>/project.frontier.
    QString projectFile() const;

    // Catalog names first, then datasets imported into this project (file paths) and
    // those the project file's studies used.
    QList<Entry> datasets() const { return m_datasets; }
    // Model files of the folder, then models stored in the project file.
    QList<Entry> models() const { return m_models; }
    // Study spec files (*.json) of the folder and its studies/ subfolder.
    QList<Entry> specs() const { return m_specs; }
    // Studies stored in the project file (path = the study's name).
    QList<Entry> studies() const { return m_studies; }
    // The stored spec of a study of the project file ("" when there is none).
    QString studySpec(const QString &name) const;
    // Why the project file could not be read at the last reload ("" when it could).
    QString storeError() const { return m_storeError; }

    // Remembers an imported dataset (a path or spec) with the project; emits changed().
    void addDataset(const QString &spec);
    void reload();

Q_SIGNALS:
    void changed();
    void opened(const QString &path);
    void closed();

private:
    QStringList importedDatasets() const;
    QString settingsKey() const;

    Kind m_kind = Kind::None;
    QString m_path;
    QList<Entry> m_datasets;
    QList<Entry> m_models;
    QList<Entry> m_specs;
    QList<Entry> m_studies;
    QString m_storeError;
};

} // namespace frontier::ui
