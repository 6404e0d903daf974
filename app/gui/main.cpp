// frontier-gui — the desktop workbench.

#include "mainwindow.h"
#include "preferences.h"
#include "theme.h"

#include "common/cpu.h"
#include "plugin/pluginloader.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>

#include <cstdio>

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
    // A forced instruction-set path the CPU lacks is refused before anything runs.
    if (const std::string isaError = frontier::cpu::checkEnvironment(); !isaError.empty()) {
        std::fprintf(stderr, "frontier-gui: %s\n", isaError.c_str());
        return 2;
    }

    // Plugins extend formats and loaders before anything reads a name; refusals are one
    // line each on stderr and listed in Help > Plugins.
    for (const std::string &line : frontier::plugin::refusalLines(frontier::plugin::loadPlugins()))
        std::fprintf(stderr, "frontier-gui: %s\n", line.c_str());

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
