#include "mainwindow.h"

#include "modelview.h"
#include "projecttree.h"

#include "model/onnx/onnximport.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>

namespace frontier::ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Frontier"));
    setObjectName(QStringLiteral("MainWindow"));

    m_tree = new ProjectTree;
    m_tree->setObjectName(QStringLiteral("projectTree"));
    auto *dock = new QDockWidget(tr("Project"), this);
    dock->setObjectName(QStringLiteral("projectDock"));
    dock->setWidget(m_tree);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("centralTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(true);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int index) {
        QWidget *w = m_tabs->widget(index);
        m_tabs->removeTab(index);
        w->deleteLater();
    });
    setCentralWidget(m_tabs);

    m_status = new QLabel(tr("No project folder"));
    statusBar()->addWidget(m_status, 1);

    connect(m_tree, &ProjectTree::modelActivated, this, &MainWindow::showModelSummary);
    createMenus();

    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray()))
        resize(1280, 800);
    restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open Project Folder..."), this,
                                    &MainWindow::chooseProjectFolder);
    open->setShortcut(QKeySequence::Open);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Frontier"), this, [this] {
        QMessageBox::about(this, tr("About Frontier"),
                           tr("<b>Frontier %1</b><br>Energy-accuracy trade-offs of machine-"
                              "learning inference on edge and IoT devices.")
                               .arg(QStringLiteral(FRONTIER_VERSION)));
    });
}

void MainWindow::chooseProjectFolder()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Project Folder"),
                                                             m_tree->projectFolder());
    if (!folder.isEmpty())
        openProjectFolder(folder);
}

void MainWindow::openProjectFolder(const QString &folder)
{
    m_tree->setProjectFolder(folder);
    m_status->setText(tr("%1 — %n model(s)", nullptr, m_tree->modelCount()).arg(folder));
    QSettings().setValue(QStringLiteral("project/lastFolder"), folder);
}

void MainWindow::showModelSummary(const QString &path)
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (m_tabs->widget(i)->property("path").toString() == path) {
            m_tabs->setCurrentIndex(i);
            return;
        }
    }
    try {
        auto *view = new ModelView(model::loadAnyModel(path.toStdString()), path);
        view->setProperty("path", path);
        const int index = m_tabs->addTab(view, QFileInfo(path).completeBaseName());
        m_tabs->setTabToolTip(index, path);
        m_tabs->setCurrentIndex(index);
        m_status->setText(tr("%1: %n layer(s)", nullptr, view->layerRowCount()).arg(path));
    } catch (const std::exception &e) {
        QMessageBox::warning(this, tr("Cannot open model"), QString::fromUtf8(e.what()));
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("mainWindow/state"), saveState());
    event->accept();
}

} // namespace frontier::ui
