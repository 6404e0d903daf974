#pragma once

#include <QObject>
#include <QString>

#include <vector>

class QTabWidget;
class QWidget;

namespace frontier::ui {

class DatasetView;
class Job;
class JobsDock;
class ModelView;
class ProjectDocument;
class ResultsView;
class StudyEditor;
class ThresholdExplorer;

// What the main window's actions and the project tree ask for: opening views in the
// central tabs (one tab per dataset, model, study; brought forward when already open)
// and starting the background jobs they need (loading data, computing output caches,
// training, imports). Keeps the main window small. GUI thread only.
class Workspace : public QObject
{
    Q_OBJECT

public:
    Workspace(QTabWidget *tabs, JobsDock *jobs, ProjectDocument *project,
              QObject *parent = nullptr);

    DatasetView *openDataset(const QString &spec);
    ModelView *openModel(const QString &path);
    ThresholdExplorer *openExplorer(const QString &modelPath = {});
    // A spec file in the study editor; or a new spec from a template (resources/studies,
    // or the stored spec of a study of the project file when `storedStudy` is set).
    StudyEditor *openSpec(const QString &path);
    StudyEditor *newStudy(const QString &templatePath = {});
    StudyEditor *editStoredStudy(const QString &storedStudy);
    // The results of a study of the project file (loaded by a job).
    ResultsView *openResults(const QString &study);
    // Runs a study spec into the project file as a job; its results open when it is done.
    Job *runStudy(const QByteArray &json, const QString &baseDir);

    // Background jobs; errors come back through the jobs dock.
    // method: "" (the recipe's trainer) or fp32, qat, rct (train/quanttraining.h) with `bits`.
    Job *trainModel(const QString &dataset, const QString &recipe, int epochs, const QString &name,
                    const QString &method = {}, int bits = 8);
    Job *importOnnx(const QString &path);
    Job *importDataset(const QString &path);

    // Closes the tab at `index` (a study editor with unsaved changes asks first); false
    // when the user kept it open.
    bool closeTab(int index);
    // Asks every study editor with unsaved changes; false when one is to stay open.
    bool confirmCloseAll();

    // The tab registered under `key` ("dataset:<spec>", "model:<path>", ...), or nullptr.
    QWidget *tab(const QString &key) const;
    QTabWidget *tabs() const { return m_tabs; }
    JobsDock *jobs() const { return m_jobs; }
    ProjectDocument *project() const { return m_project; }

Q_SIGNALS:
    void message(const QString &title, const QString &text);
    void status(const QString &text);

private:
    QWidget *bringForward(const QString &key);
    // A project that opens shows the results of its first study.
    void openFirstStudy();
    // The project tree's name of a model reference (file name without suffix otherwise).
    QString modelName(const QString &ref) const;
    void addTab(QWidget *view, const QString &key, const QString &title, const QString &tip);
    void refreshExplorerModels();
    void loadResultSet(ResultsView *view, const QString &study);
    StudyEditor *addEditor(const QString &key, const QString &title);

    QTabWidget *m_tabs;
    JobsDock *m_jobs;
    ProjectDocument *m_project;
};

} // namespace frontier::ui
