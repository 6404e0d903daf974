// frontier presets list [--json] | show NAME [--json] | validate FILE...

#include "cli.h"
#include "commands.h"

#include "cost/presetlibrary.h"

#include "common/error.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>
#include <map>

namespace frontier::cli {

namespace {

int presetsList(const QStringList &args)
{
    CommandParser p(
        QStringLiteral("presets list"),
        QStringLiteral("Every cost preset on the search path: devices, links, servers."));
    p.addOption(QStringLiteral("json"), QStringLiteral("print one JSON object"));
    if (!p.parse(args))
        return ExitOk;
    const std::vector<cost::PresetEntry> entries = cost::listPresets();
    QStringList searchPath;
    for (const std::string &d : cost::presetSearchPath())
        searchPath << QString::fromStdString(d);

    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray list;
        for (const cost::PresetEntry &e : entries) {
            QJsonObject o;
            o[QStringLiteral("name")] = QString::fromStdString(e.name);
            o[QStringLiteral("type")] = QString::fromStdString(e.type);
            o[QStringLiteral("description")] = QString::fromStdString(e.description);
            o[QStringLiteral("path")] = QString::fromStdString(e.path);
            if (!e.error.empty())
                o[QStringLiteral("error")] = QString::fromStdString(e.error);
            list.append(o);
        }
        QJsonObject o;
        o[QStringLiteral("presets")] = list;
        o[QStringLiteral("search_path")] = QJsonArray::fromStringList(searchPath);
        printJson(o);
        return ExitOk;
    }
    TextTable table(
        {QStringLiteral("name"), QStringLiteral("type"), QStringLiteral("description")});
    for (const cost::PresetEntry &e : entries) {
        table.addRow({QString::fromStdString(e.name),
                      QString::fromStdString(e.error.empty() ? e.type : "INVALID"),
                      QString::fromStdString(e.error.empty() ? e.description : e.error)});
    }
    table.print();
    std::printf("\nsearch path: %s\n", qPrintable(searchPath.join(QLatin1Char(':'))));
    return ExitOk;
}

int presetsShow(const QStringList &args)
{
    CommandParser p(QStringLiteral("presets show"),
                    QStringLiteral("Every value of a preset with its kind (measured, cited, "
                                   "estimate) and source."));
    p.addPositional(QStringLiteral("NAME"), QStringLiteral("a preset name or .json file"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print one JSON object"));
    if (!p.parse(args))
        return ExitOk;
    const cost::Preset preset
        = cost::loadPreset(p.requirePositional(1, QStringLiteral("NAME")).at(0).toStdString());

    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o;
        o[QStringLiteral("name")] = QString::fromStdString(preset.name);
        o[QStringLiteral("type")] = QString::fromStdString(preset.type);
        o[QStringLiteral("description")] = QString::fromStdString(preset.description);
        o[QStringLiteral("path")] = QString::fromStdString(preset.path);
        QJsonObject sources;
        for (const auto &[id, text] : preset.sources)
            sources[QString::fromStdString(id)] = QString::fromStdString(text);
        o[QStringLiteral("sources")] = sources;
        QJsonArray values;
        for (const auto &[key, q] : preset.values) {
            QJsonObject v;
            v[QStringLiteral("key")] = QString::fromStdString(key);
            v[QStringLiteral("value")] = q.value;
            v[QStringLiteral("kind")] = QString::fromLatin1(cost::kindName(q.kind));
            v[QStringLiteral("source")] = QString::fromStdString(q.source);
            if (!q.note.empty())
                v[QStringLiteral("note")] = QString::fromStdString(q.note);
            values.append(v);
        }
        o[QStringLiteral("values")] = values;
        printJson(o);
        return ExitOk;
    }
    std::printf("name        %s\ntype        %s\ndescription %s\nfile        %s\n\n",
                preset.name.c_str(), preset.type.c_str(), preset.description.c_str(),
                preset.path.c_str());
    TextTable table({QStringLiteral("key"), QStringLiteral("value"), QStringLiteral("kind"),
                     QStringLiteral("source"), QStringLiteral("note")});
    for (const auto &[key, q] : preset.values) {
        table.addRow({QString::fromStdString(key), QString::number(q.value, 'g', 10),
                      QString::fromLatin1(cost::kindName(q.kind)), QString::fromStdString(q.source),
                      QString::fromStdString(q.note)});
    }
    table.print();
    std::printf("\nsources:\n");
    for (const auto &[id, text] : preset.sources)
        std::printf("  %s: %s\n", id.c_str(), text.c_str());
    return ExitOk;
}

int presetsValidate(const QStringList &args)
{
    CommandParser p(QStringLiteral("presets validate"),
                    QStringLiteral("Checks preset files against the schema (docs/cost-model.md); "
                                   "one line per file, exit 1 if any is invalid."));
    p.addPositional(QStringLiteral("FILE"), QStringLiteral("preset .json files"),
                    QStringLiteral("FILE..."));
    if (!p.parse(args))
        return ExitOk;
    const QStringList files = p.positional();
    if (files.isEmpty())
        throw UsageError{QStringLiteral("missing FILE")};
    int bad = 0;
    for (const QString &file : files) {
        try {
            const cost::Preset preset = cost::loadPresetFile(file.toStdString());
            std::map<std::string, int> kinds;
            for (const auto &[key, q] : preset.values)
                ++kinds[cost::kindName(q.kind)];
            std::printf("ok      %s: %s %s, %zu values (%d measured, %d cited, %d estimate)\n",
                        qPrintable(file), preset.type.c_str(), preset.name.c_str(),
                        preset.values.size(), kinds["measured"], kinds["cited"], kinds["estimate"]);
        } catch (const Error &e) {
            ++bad;
            std::fflush(stdout);
            std::fprintf(stderr, "frontier: %s\n", e.what());
        }
    }
    return bad ? ExitFailure : ExitOk;
}

} // namespace

int runPresets(const QStringList &args)
{
    const QString sub = args.value(0);
    if (sub == QLatin1String("list"))
        return presetsList(args.mid(1));
    if (sub == QLatin1String("show"))
        return presetsShow(args.mid(1));
    if (sub == QLatin1String("validate"))
        return presetsValidate(args.mid(1));
    if (sub.isEmpty() || sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
        std::printf("Usage: frontier presets list [--json]\n"
                    "       frontier presets show NAME [--json]\n"
                    "       frontier presets validate FILE...\n");
        return sub.isEmpty() ? ExitUsage : ExitOk;
    }
    throw UsageError{QStringLiteral("presets: unknown subcommand '") + sub
                     + QStringLiteral("' (list, show, validate)")};
}

} // namespace frontier::cli
