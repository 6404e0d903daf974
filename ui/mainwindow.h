#pragma once

#include <QMainWindow>

class QLabel;
class QTabWidget;

namespace frontier::ui {

class ProjectTree;

// The workbench's main window: project tree on the left, tabbed views in the centre,
// status bar below. Window geometry and the last project folder persist in QSettings.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    void openProjectFolder(const QString &folder);
    // Opens (or brings forward) a tab with the model's layer table; a message box on error.
    void showModelSummary(const QString &path);
    ProjectTree *projectTree() const { return m_tree; }
    QTabWidget *centralTabs() const { return m_tabs; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void chooseProjectFolder();

    ProjectTree *m_tree = nullptr;
    QTabWidget *m_tabs = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace frontier::ui
