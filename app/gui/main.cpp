// frontier-gui — the desktop workbench.

#include "mainwindow.h"
#include "preferences.h"
#include "theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>

int main(int argc, char **argv)
{
    // Fractional scale factors (125 %, 150 %) as the desktop asks, not rounded.
    QApplication::setHighDpiScaleFactorRoundingPolicy(
        Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Frontier"));
    QApplication::setOrganizationName(QStringLiteral("Frontier"));
    QApplication::setApplicationVersion(QStringLiteral(FRONTIER_VERSION));
    QApplication::setApplicationDisplayName(QStringLiteral("Frontier"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Frontier desktop workbench"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("project"),
        QStringLiteral("project to open: a *.frontier file or a folder of models"));
    parser.process(app);

    frontier::ui::Theme::apply(frontier::ui::Preferences::load().theme);
    frontier::ui::MainWindow window;
    QString project = parser.positionalArguments().value(0);
    if (project.isEmpty())
        project = QSettings().value(QStringLiteral("project/last")).toString();
    if (!project.isEmpty())
        window.openProject(project);
    window.show();
    return app.exec();
}
