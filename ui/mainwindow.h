#pragma once

#include <QMainWindow>

class QLabel;
class QTabWidget;

namespace frontier::ui {

class JobsDock;
class ProjectDocument;
class ProjectTree;
class RecentFiles;
class Workspace;

// The workbench's main window: project tree (left dock), tabbed views (centre), jobs
// dock (bottom), status bar; the menus and their shortcuts. Views and jobs are opened
// through the Workspace; the window itself only wires actions, restores and saves its
// state (QSettings: geometry, dock layout, recent projects), and reports failures as
// messages. GUI thread only.
class Job;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens a project folder or *.frontier file; a message box (and false) on failure.
    bool openProject(const QString &path);
    // Kept for the first tests and scripts: a folder of models.
    void openProjectFolder(const QString &folder) { openProject(folder); }
    void showModelSummary(const QString &path);
    // Writes the report of a study of the open project to `path` (.html or .pdf) as a job:
    // the project is read on a worker thread, the charts are drawn and the file written
    // on the GUI thread when it finishes; then the file is opened when `open`. Failures
    // show as the jobs' messages. nullptr when no project is open.
    Job *exportReport(const QString &study, const QString &path, bool open = true);

    ProjectDocument *project() const { return m_project; }
    ProjectTree *projectTree() const { return m_tree; }
    QTabWidget *centralTabs() const { return m_tabs; }
    JobsDock *jobsDock() const { return m_jobs; }
    Workspace *workspace() const { return m_workspace; }
    RecentFiles *recentProjects() const { return m_recent; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void newProject();
    void chooseProject(bool folder);
    void importDataset();
    void importOnnx();
    void trainModel(const QString &dataset = {});
    void editPreferences();
    void chooseReport();
    void showMessage(const QString &title, const QString &text);
    void updateStatus();

    ProjectDocument *m_project = nullptr;
    ProjectTree *m_tree = nullptr;
    QTabWidget *m_tabs = nullptr;
    JobsDock *m_jobs = nullptr;
    Workspace *m_workspace = nullptr;
    RecentFiles *m_recent = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_jobStatus = nullptr;
};

} // namespace frontier::ui
