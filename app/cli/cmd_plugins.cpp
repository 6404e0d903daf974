// frontier plugins list [--json]

#include "cli.h"
#include "commands.h"

#include "plugin/pluginloader.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>

namespace frontier::cli {

namespace {

QJsonArray strings(const std::vector<std::string> &list)
{
    QJsonArray a;
    for (const std::string &s : list)
        a.append(QString::fromStdString(s));
    return a;
}

int pluginsList(const QStringList &args)
{
    CommandParser p(QStringLiteral("plugins list"),
                    QStringLiteral("Every plugin file found on the plugin path (loaded or refused, "
                                   "with the reason) and every extension, built-in or not."));
    p.addOption(QStringLiteral("json"), QStringLiteral("print one JSON object"));
    if (!p.parse(args))
        return ExitOk;
    const plugin::Registry &registry = plugin::Registry::instance();
    const std::vector<plugin::PluginRecord> records = registry.records();
    const std::vector<plugin::Extension> extensions = registry.extensions();
    const std::vector<std::string> searched = registry.searched();

    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray plugins;
        for (const plugin::PluginRecord &r : records) {
            QJsonObject o;
            o[QStringLiteral("file")] = QString::fromStdString(r.file);
            o[QStringLiteral("name")] = QString::fromStdString(r.name);
            o[QStringLiteral("version")] = QString::fromStdString(r.version);
            o[QStringLiteral("api_version")] = r.apiVersion;
            o[QStringLiteral("iid")] = QString::fromStdString(r.iid);
            o[QStringLiteral("description")] = QString::fromStdString(r.description);
            o[QStringLiteral("provides")] = strings(r.provides);
            o[QStringLiteral("loaded")] = r.loaded;
            if (!r.loaded)
                o[QStringLiteral("error")] = QString::fromStdString(r.error);
            plugins.append(o);
        }
        QJsonArray ext;
        for (const plugin::Extension &e : extensions) {
            QJsonObject o;
            o[QStringLiteral("kind")] = QString::fromStdString(e.kind);
            o[QStringLiteral("name")] = QString::fromStdString(e.name);
            o[QStringLiteral("description")] = QString::fromStdString(e.description);
            o[QStringLiteral("provider")] = QString::fromStdString(e.provider);
            ext.append(o);
        }
        QJsonObject o;
        o[QStringLiteral("plugins")] = plugins;
        o[QStringLiteral("extensions")] = ext;
        o[QStringLiteral("search_path")] = strings(searched);
        printJson(o);
        return ExitOk;
    }
    if (records.empty()) {
        std::printf("no plugins found\n");
    } else {
        TextTable table({QStringLiteral("plugin"), QStringLiteral("version"),
                         QStringLiteral("provides"), QStringLiteral("file"),
                         QStringLiteral("status")});
        for (const plugin::PluginRecord &r : records) {
            QStringList provides;
            for (const std::string &s : r.provides)
                provides << QString::fromStdString(s);
            table.addRow({QString::fromStdString(r.name.empty() ? "?" : r.name),
                          QString::fromStdString(r.version), provides.join(QStringLiteral(", ")),
                          QString::fromStdString(r.file),
                          r.loaded
                              ? QStringLiteral("loaded")
                              : QStringLiteral("refused: ") + QString::fromStdString(r.error)});
        }
        table.print();
    }
    std::printf("\n");
    TextTable table({QStringLiteral("kind"), QStringLiteral("name"), QStringLiteral("provider")});
    for (const plugin::Extension &e : extensions) {
        table.addRow({QString::fromStdString(e.kind), QString::fromStdString(e.name),
                      QString::fromStdString(e.provider)});
    }
    table.print();
    QStringList path;
    for (const std::string &s : searched)
        path << QString::fromStdString(s);
    std::printf("\nplugin path: %s\n",
                path.isEmpty() ? "(none)" : qPrintable(path.join(QLatin1Char(':'))));
    return ExitOk;
}

} // namespace

int runPlugins(const QStringList &args)
{
    const QString sub = args.value(0);
    if (sub == QLatin1String("list"))
        return pluginsList(args.mid(1));
    if (sub.isEmpty() || sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
        std::printf(
            "Usage: frontier plugins list [--json]\n\n"
            "Plugins load at start-up from each folder of FRONTIER_PLUGIN_PATH (':'-separated)\n"
            "and from <application dir>/../lib/frontier/plugins. See docs/plugins.md.\n");
        return sub.isEmpty() ? ExitUsage : ExitOk;
    }
    throw UsageError{QStringLiteral("plugins: unknown subcommand '") + sub
                     + QStringLiteral("' (list)")};
}

} // namespace frontier::cli
