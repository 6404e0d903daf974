#include "mainwindow.h"

#include "pluginsdialog.h"

#include "common/cpu.h"
#include "common/error.h"

#include "jobsdock.h"
#include "preferences.h"
#include "preferencesdialog.h"
#include "projectdocument.h"
#include "projecttree.h"
#include "recentfiles.h"
#include "report.h"
#include "resultsview.h"
#include "theme.h"
#include "traindialog.h"
#include "workspace.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QThreadPool>
#include <QUrl>

#include <memory>

namespace frontier::ui {

namespace {

// The platform's standard key, or `fallback` where the platform has none.
QKeySequence orFallback(QKeySequence::StandardKey key, QKeyCombination fallback)
{
    const QKeySequence standard(key);
    return standard.isEmpty() ? QKeySequence(fallback) : standard;
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Frontier"));
    setObjectName(QStringLiteral("MainWindow"));
    setDockOptions(AnimatedDocks | AllowTabbedDocks);

    m_project = new ProjectDocument(this);
    m_recent = new RecentFiles(QStringLiteral("recent/projects"), 10, this);
    connect(m_recent, &RecentFiles::triggered, this, &MainWindow::openProject);

    m_tree = new ProjectTree(m_project);
    m_tree->setObjectName(QStringLiteral("projectTree"));
    auto *treeDock = new QDockWidget(tr("Project"), this);
    treeDock->setObjectName(QStringLiteral("projectDock"));
    treeDock->setWidget(m_tree);
    addDockWidget(Qt::LeftDockWidgetArea, treeDock);

    m_jobs = new JobsDock(this);
    m_jobs->pool()->setMaxThreadCount(Preferences::load().jobThreads);
    addDockWidget(Qt::BottomDockWidgetArea, m_jobs);
    resizeDocks({m_jobs}, {m_jobs->defaultHeight()}, Qt::Vertical);
    resizeDocks({treeDock}, {220}, Qt::Horizontal);

    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("centralTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(true);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this,
            [this](int index) { m_workspace->closeTab(index); });
    setCentralWidget(m_tabs);

    m_workspace = new Workspace(m_tabs, m_jobs, m_project, this);
    connect(m_workspace, &Workspace::message, this, &MainWindow::showMessage);
    connect(m_workspace, &Workspace::status, this,
            [this](const QString &text) { statusBar()->showMessage(text, 5000); });
    connect(m_jobs, &JobsDock::jobFailed, this, [this](const QString &title, const QString &text) {
        if (Preferences::load().errorDialogs)
            showMessage(tr("%1 failed").arg(title), text);
        else
            statusBar()->showMessage(tr("%1 failed: %2").arg(title, text), 10000);
    });
    connect(m_jobs, &JobsDock::runningCountChanged, this, &MainWindow::updateStatus);

    connect(m_tree, &ProjectTree::datasetActivated, m_workspace, &Workspace::openDataset);
    connect(m_tree, &ProjectTree::modelActivated, m_workspace, &Workspace::openModel);
    connect(m_tree, &ProjectTree::exploreRequested, m_workspace, &Workspace::openExplorer);
    connect(m_tree, &ProjectTree::trainRequested, this, &MainWindow::trainModel);
    connect(m_tree, &ProjectTree::studyActivated, m_workspace, &Workspace::openResults);
    connect(m_tree, &ProjectTree::specActivated, m_workspace, &Workspace::openSpec);
    connect(m_tree, &ProjectTree::editStudyRequested, m_workspace, &Workspace::editStoredStudy);
    connect(m_project, &ProjectDocument::changed, this, &MainWindow::updateStatus);

    m_status = new QLabel;
    m_jobStatus = new QLabel;
    statusBar()->addPermanentWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_jobStatus);
    createMenus();
    updateStatus();

    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray()))
        resize(1280, 800);
    restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New Project..."), QKeySequence::New, this, &MainWindow::newProject);
    file->addAction(tr("&Open Project..."), QKeySequence::Open, this,
                    [this] { chooseProject(false); });
    file->addAction(tr("Open Project &Folder..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O),
                    this, [this] { chooseProject(true); });
    QMenu *recent = file->addMenu(tr("Open &Recent"));
    connect(recent, &QMenu::aboutToShow, this, [this, recent] { m_recent->fillMenu(recent); });
    m_recent->fillMenu(recent);
    file->addAction(tr("&Close Project"), this, [this] { m_project->close(); });
    file->addSeparator();
    file->addAction(tr("Import &Dataset..."), QKeySequence(Qt::CTRL | Qt::Key_I), this,
                    &MainWindow::importDataset);
    file->addAction(tr("Import &ONNX Model..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I),
                    this, &MainWindow::importOnnx);
    file->addSeparator();
    file->addAction(tr("Export &Report..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R), this,
                    &MainWindow::chooseReport);
    file->addSeparator();
    file->addAction(tr("&Preferences..."),
                    orFallback(QKeySequence::Preferences, Qt::CTRL | Qt::Key_Comma), this,
                    &MainWindow::editPreferences)
        ->setMenuRole(QAction::PreferencesRole);
    file->addSeparator();
    file->addAction(tr("&Quit"), orFallback(QKeySequence::Quit, Qt::CTRL | Qt::Key_Q), this,
                    &QWidget::close)
        ->setMenuRole(QAction::QuitRole);

    QMenu *studies = menuBar()->addMenu(tr("&Study"));
    studies->addAction(tr("&New Study..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N), this,
                       [this] { m_workspace->newStudy(); });
    studies->addAction(tr("&Open Study Spec..."), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open Study Spec"), m_project->studyFolder(), tr("Study specs (*.json)"));
        if (!path.isEmpty())
            m_workspace->openSpec(path);
    });

    QMenu *analysis = menuBar()->addMenu(tr("&Analysis"));
    analysis->addAction(tr("&Train Model..."), QKeySequence(Qt::CTRL | Qt::Key_T), this,
                        [this] { trainModel(); });
    analysis->addAction(tr("Threshold &Explorer"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
                        [this] { m_workspace->openExplorer(); });
    analysis->addSeparator();
    analysis->addAction(tr("Cancel All Jobs"), QKeySequence(Qt::CTRL | Qt::Key_Period), m_jobs,
                        &JobsDock::cancelAll);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        view->addAction(dock->toggleViewAction());
    view->addSeparator();
    view->addAction(tr("Close Tab"), QKeySequence::Close, this, [this] {
        if (m_tabs->currentIndex() >= 0)
            Q_EMIT m_tabs->tabCloseRequested(m_tabs->currentIndex());
    });
    view->addAction(tr("Next Tab"), QKeySequence::NextChild, this, [this] {
        if (m_tabs->count() > 0)
            m_tabs->setCurrentIndex((m_tabs->currentIndex() + 1) % m_tabs->count());
    });
    view->addAction(tr("Previous Tab"), QKeySequence::PreviousChild, this, [this] {
        if (m_tabs->count() > 0)
            m_tabs->setCurrentIndex((m_tabs->currentIndex() + m_tabs->count() - 1)
                                    % m_tabs->count());
    });
    view->addAction(tr("Full Screen"), QKeySequence::FullScreen, this,
                    [this] { setWindowState(windowState() ^ Qt::WindowFullScreen); });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Plugins..."), this, [this] {
        PluginsDialog dialog(this);
        dialog.exec();
    });
    help->addAction(tr("&About Frontier"), this, [this] {
        QMessageBox::about(this, tr("About Frontier"),
                           tr("<b>Frontier %1</b><br>Energy-accuracy trade-offs of machine-"
                              "learning inference on edge and IoT devices.<br><br>Kernels: %2")
                               .arg(QStringLiteral(FRONTIER_VERSION),
                                    QString::fromStdString(cpu::describe()).toHtmlEscaped()));
    });
}

bool MainWindow::openProject(const QString &path)
{
    QString error;
    if (!m_project->open(path, &error)) {
        showMessage(tr("Cannot open project"), error);
        m_recent->remove(path);
        return false;
    }
    m_recent->add(m_project->path());
    QSettings().setValue(QStringLiteral("project/last"), m_project->path());
    setWindowTitle(tr("%1 — Frontier").arg(m_project->displayName()));
    return true;
}

void MainWindow::newProject()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("New Project"), QSettings().value(QStringLiteral("project/last")).toString(),
        tr("Project folder (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!m_project->create(path, &error)) {
        showMessage(tr("Cannot create project"), error);
        return;
    }
    openProject(path);
}

void MainWindow::chooseReport()
{
    QStringList studies;
    for (const ProjectDocument::Entry &e : m_project->studies())
        studies << e.path;
    if (m_project->path().isEmpty() || studies.isEmpty()) {
        showMessage(tr("Export Report"), tr("Open a project with a study that has run first."));
        return;
    }
    QString study;
    if (auto *results = qobject_cast<ResultsView *>(m_tabs->currentWidget()))
        study = results->study();
    if (study.isEmpty() && studies.size() == 1)
        study = studies.first();
    if (study.isEmpty()) {
        bool ok = false;
        study = QInputDialog::getItem(this, tr("Export Report"), tr("Study:"), studies, 0, false,
                                      &ok);
        if (!ok)
            return;
    }
    const QString start = QFileInfo(m_project->projectFile())
                              .dir()
                              .filePath(study + QStringLiteral("-report.html"));
    QString selected;
    QString path
        = QFileDialog::getSaveFileName(this, tr("Export Report"), start,
                                       tr("HTML report (*.html);;PDF report (*.pdf)"), &selected);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += selected.contains(QLatin1String("pdf")) ? QStringLiteral(".pdf")
                                                        : QStringLiteral(".html");
    exportReport(study, path);
}

Job *MainWindow::exportReport(const QString &study, const QString &path, bool open)
{
    if (m_project->path().isEmpty())
        return nullptr;
    auto document = std::make_shared<report::ReportDocument>();
    report::ReportRequest request;
    request.project = m_project->projectFile().toStdString();
    request.study = study.toStdString();
    request.command = "frontier report --project '" + request.project + "' --study " + request.study
                      + " --out '" + path.toStdString() + "'";
    Job *job = m_jobs->start(tr("Report of %1").arg(study), [document, request](JobContext &ctx) {
        *document = report::buildReport(request, &ctx.progress());
    });
    connect(job, &Job::stateChanged, this, [this, document, path, open](Job::State state) {
        if (state != Job::State::Succeeded)
            return;
        try {
            // Qt Charts draws on the GUI thread only.
            report::writeReport(*document, path.toStdString());
        } catch (const Error &e) {
            showMessage(tr("Export Report"), QString::fromUtf8(e.what()));
            return;
        }
        statusBar()->showMessage(tr("Report written to %1").arg(path), 10000);
        if (open)
            QDesktopServices::openUrl(QUrl::fromLocalFile(path));
    });
    return job;
}

void MainWindow::chooseProject(bool folder)
{
    const QString start = QSettings().value(QStringLiteral("project/last")).toString();
    const QString path
        = folder ? QFileDialog::getExistingDirectory(this, tr("Open Project Folder"), start)
                 : QFileDialog::getOpenFileName(this, tr("Open Project"), start,
                                                tr("Frontier projects (*.frontier)"));
    if (!path.isEmpty())
        openProject(path);
}

void MainWindow::importDataset()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Import Dataset"), m_project->modelFolder(),
        tr("Datasets (*.csv *.tsv *.data *.txt *.gz *.npy *.idx *-ubyte *.tra *.tes *.bin);;"
           "All files (*)"));
    if (!path.isEmpty())
        m_workspace->importDataset(path);
}

void MainWindow::importOnnx()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Import ONNX Model"), m_project->modelFolder(), tr("ONNX models (*.onnx)"));
    if (!path.isEmpty())
        m_workspace->importOnnx(path);
}

void MainWindow::trainModel(const QString &dataset)
{
    QStringList datasets;
    for (const ProjectDocument::Entry &e : m_project->datasets())
        datasets << e.path;
    TrainDialog dialog(datasets, dataset.isEmpty() ? QStringLiteral("synth-digits") : dataset,
                       this);
    if (dialog.exec() == QDialog::Accepted && !dialog.modelName().isEmpty())
        m_workspace->trainModel(dialog.dataset(), dialog.recipe(), dialog.epochs(),
                                dialog.modelName(), dialog.method(), dialog.bits());
}

void MainWindow::editPreferences()
{
    PreferencesDialog dialog(Preferences::load(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const Preferences p = dialog.preferences();
    p.save();
    Theme::apply(p.theme);
    m_jobs->pool()->setMaxThreadCount(p.jobThreads);
}

void MainWindow::showMessage(const QString &title, const QString &text)
{
    // Non-modal: a failing background job must never block the event loop.
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("errorMessage"));
    box->open();
    statusBar()->showMessage(QStringLiteral("%1: %2").arg(title, text), 10000);
}

void MainWindow::updateStatus()
{
    if (m_project->isOpen()) {
        const int models = int(m_project->models().size());
        const QString where = QDir::toNativeSeparators(m_project->path());
        m_status->setText(models == 1 ? tr("%1 — 1 model").arg(where)
                                      : tr("%1 — %2 models").arg(where).arg(models));
    } else {
        m_status->setText(tr("No project: File > New or Open"));
    }
    const int running = m_jobs->runningCount();
    m_jobStatus->setText(running == 0   ? QString()
                         : running == 1 ? tr("1 job running")
                                        : tr("%1 jobs running").arg(running));
}

void MainWindow::showModelSummary(const QString &path)
{
    m_workspace->openModel(path);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!m_workspace->confirmCloseAll()) {
        event->ignore();
        return;
    }
    if (m_jobs->runningCount() > 0) {
        m_jobs->cancelAll();
        m_jobs->waitForIdle(2000);
    }
    QSettings settings;
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("mainWindow/state"), saveState());
    event->accept();
}

} // namespace frontier::ui
