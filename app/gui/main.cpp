// frontier-gui — the desktop workbench.

#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Frontier"));
    QApplication::setOrganizationName(QStringLiteral("Frontier"));
    QApplication::setApplicationVersion(QStringLiteral(FRONTIER_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Frontier desktop workbench"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("folder"),
                                 QStringLiteral("project folder to open (models, results)"));
    parser.process(app);

    frontier::ui::MainWindow window;
    QString folder = parser.positionalArguments().value(0);
    if (folder.isEmpty())
        folder = QSettings().value(QStringLiteral("project/lastFolder")).toString();
    if (!folder.isEmpty())
        window.openProjectFolder(folder);
    window.show();
    return app.exec();
}
