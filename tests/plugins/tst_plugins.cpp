// Loading plugins (core/plugin): the shipped ones load from a build folder through
// FRONTIER_PLUGIN_PATH; crafted bad ones are each refused with one line naming the file
// and the reason, register nothing, and the host goes on.

#include "plugin/pluginapi.h"
#include "plugin/pluginloader.h"

#include "data/datasetloader.h"
#include "numeric/formatassignment.h"
#include "numeric/formatregistry.h"

#include "pluginrun.h"
#include "testutil.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <sqlite3.h>

using namespace frontier;

namespace {

using test::frontierRun;
using test::Run;

QString badDir(const char *name)
{
    return QStringLiteral(FRONTIER_BAD_PLUGINS "/") + QLatin1String(name);
}

QString soIn(const QString &dir)
{
    const QStringList files = QDir(dir).entryList({QStringLiteral("*.so")}, QDir::Files);
    return files.isEmpty() ? QString() : QDir(dir).filePath(files.front());
}

size_t extensionCount()
{
    return plugin::Registry::instance().extensions().size();
}

} // namespace

class TestPlugins : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shippedPluginsLoad();
    void badPluginIsRefused_data();
    void badPluginIsRefused();
    void costPresetPlugin();
    void reportSectionPlugin();
    void notALibrary();
    void duplicatePluginName();
    void onlyTheConfiguredFoldersAreSearched();
    void studyNamingAnUnloadedFormat();
    void pluginVersionKeysTheOutputCache();
};

void TestPlugins::shippedPluginsLoad()
{
    const Run r
        = frontierRun({QStringLiteral("plugins"), QStringLiteral("list"), QStringLiteral("--json")},
                      QStringLiteral(FRONTIER_PLUGINS_DIR));
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.isEmpty(), r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QStringList loaded;
    for (const QJsonValue &v : o.value(QStringLiteral("plugins")).toArray()) {
        const QJsonObject p = v.toObject();
        QVERIFY2(p.value(QStringLiteral("loaded")).toBool(),
                 qPrintable(p.value(QStringLiteral("error")).toString()));
        QCOMPARE(p.value(QStringLiteral("api_version")).toInt(), plugin::kApiVersion);
        QVERIFY(!p.value(QStringLiteral("version")).toString().isEmpty());
        QVERIFY(p.value(QStringLiteral("file"))
                    .toString()
                    .startsWith(QStringLiteral(FRONTIER_PLUGINS_DIR)));
        loaded << p.value(QStringLiteral("name")).toString();
    }
    loaded.sort();
    QCOMPARE(loaded, QStringList({QStringLiteral("npz"), QStringLiteral("posit"),
                                  QStringLiteral("tempscale")}));
    bool posit = false, npz = false, builtinCsv = false;
    for (const QJsonValue &v : o.value(QStringLiteral("extensions")).toArray()) {
        const QJsonObject e = v.toObject();
        const QString name = e.value(QStringLiteral("name")).toString();
        const QString provider = e.value(QStringLiteral("provider")).toString();
        posit = posit
                || (name == QLatin1String("posit<n>es<es>") && provider == QLatin1String("posit"));
        npz = npz || (name == QLatin1String("npz") && provider == QLatin1String("npz"));
        builtinCsv
            = builtinCsv || (name == QLatin1String("csv") && provider == QLatin1String("built-in"));
    }
    QVERIFY(posit && npz && builtinCsv);

    // The plugin's formats are listed beside the built-in ones.
    const Run v = frontierRun({QStringLiteral("variants"), QStringLiteral("list")},
                              QStringLiteral(FRONTIER_PLUGINS_DIR));
    QCOMPARE(v.exitCode, 0);
    QVERIFY2(v.out.contains("posit<n>es<es>"), v.out.constData());
}

void TestPlugins::badPluginIsRefused_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<QString>("reason");
    QTest::newRow("wrong IID") << badDir("wrongiid")
                               << QStringLiteral("IID 'org.example.Widget/1' is not a Frontier "
                                                 "extension interface");
    QTest::newRow("old API version") << badDir("oldapi")
                                     << QStringLiteral("built for plugin API version 0; this "
                                                       "Frontier speaks version 1");
    QTest::newRow("name clash with a built-in")
        << badDir("clash")
        << QStringLiteral("provides dataset-loader 'csv', which built-in already provides");
    QTest::newRow("throws while registering")
        << badDir("throws")
        << QStringLiteral("threw while registering: the licence file is missing");
    QTest::newRow("missing symbol")
        << badDir("missingsymbol") << QStringLiteral("frontier_test_missing_symbol");
}

void TestPlugins::badPluginIsRefused()
{
    QFETCH(QString, folder);
    QFETCH(QString, reason);
    const QString file = soIn(folder);
    QVERIFY2(!file.isEmpty(), qPrintable(folder));

    // The command line: one line on stderr, and the command itself still runs.
    const Run r = frontierRun({QStringLiteral("variants"), QStringLiteral("list")}, folder);
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("int<b>"));
    const QList<QByteArray> lines = r.err.trimmed().split('\n');
    QCOMPARE(lines.size(), 1);
    const QString line = QString::fromUtf8(lines.front());
    QVERIFY2(line.startsWith(QStringLiteral("frontier: plugin ")
                             + QFileInfo(file).canonicalFilePath() + QStringLiteral(" refused: ")),
             qPrintable(line));
    QVERIFY2(line.contains(reason), qPrintable(line));

    const Run list = frontierRun(
        {QStringLiteral("plugins"), QStringLiteral("list"), QStringLiteral("--json")}, folder);
    QCOMPARE(list.exitCode, 0);
    const QJsonArray plugins
        = QJsonDocument::fromJson(list.out).object().value(QStringLiteral("plugins")).toArray();
    QCOMPARE(plugins.size(), 1);
    QCOMPARE(plugins.at(0).toObject().value(QStringLiteral("loaded")).toBool(), false);
    QVERIFY(plugins.at(0).toObject().value(QStringLiteral("error")).toString().contains(reason));

    // In this process: refused, nothing registered.
    const size_t before = extensionCount();
    const size_t loaders = data::DatasetLoaderRegistry::instance().loaders().size();
    const size_t families = numeric::FormatRegistry::instance().families().size();
    const std::vector<plugin::PluginRecord> records
        = plugin::loadPluginsFrom({folder.toStdString()});
    QCOMPARE(records.size(), size_t(1));
    QVERIFY(!records.front().loaded);
    QVERIFY2(QString::fromStdString(records.front().error).contains(reason),
             records.front().error.c_str());
    QCOMPARE(extensionCount(), before);
    QCOMPARE(data::DatasetLoaderRegistry::instance().loaders().size(), loaders);
    QCOMPARE(numeric::FormatRegistry::instance().families().size(), families);
}

void TestPlugins::costPresetPlugin()
{
    // lab-h7 is the cortex-m7 preset at twice the clock: the same model takes half the
    // time and, at the same power, half the energy.
    const QString folder = QStringLiteral(FRONTIER_PRESET_PLUGINS "/labpresets");
    const Run list = frontierRun(
        {QStringLiteral("presets"), QStringLiteral("list"), QStringLiteral("--json")}, folder);
    QCOMPARE(list.exitCode, 0);
    QVERIFY2(list.err.isEmpty(), list.err.constData());
    bool found = false;
    for (const QJsonValue &v :
         QJsonDocument::fromJson(list.out).object().value(QStringLiteral("presets")).toArray()) {
        const QJsonObject p = v.toObject();
        if (p.value(QStringLiteral("name")).toString() == QLatin1String("lab-h7")) {
            found = true;
            QCOMPARE(p.value(QStringLiteral("path")).toString(),
                     QStringLiteral("plugin labpresets"));
            QCOMPARE(p.value(QStringLiteral("type")).toString(), QStringLiteral("device"));
        }
    }
    QVERIFY(found);
    auto total = [&](const QString &preset) {
        const Run r = frontierRun({QStringLiteral("cost"), QStringLiteral("--recipe"),
                                   QStringLiteral("lenet"), QStringLiteral("--format"),
                                   QStringLiteral("int8"), QStringLiteral("--preset"), preset,
                                   QStringLiteral("--json")},
                                  folder);
        if (r.exitCode != 0)
            qWarning("%s", r.err.constData());
        return QJsonDocument::fromJson(r.out).object().value(QStringLiteral("total")).toObject();
    };
    const QJsonObject lab = total(QStringLiteral("lab-h7"));
    const QJsonObject m7 = total(QStringLiteral("cortex-m7"));
    QVERIFY(m7.value(QStringLiteral("latency_us")).toDouble() > 0);
    FRONTIER_COMPARE_REL(lab.value(QStringLiteral("latency_us")).toDouble(),
                         m7.value(QStringLiteral("latency_us")).toDouble() / 2, 1e-12);
    FRONTIER_COMPARE_REL(lab.value(QStringLiteral("energy_pj")).toDouble(),
                         m7.value(QStringLiteral("energy_pj")).toDouble() / 2, 1e-12);
    // Without the plugin the name is unknown.
    const Run missing = frontierRun(
        {QStringLiteral("presets"), QStringLiteral("show"), QStringLiteral("lab-h7")}, QString());
    QCOMPARE(missing.exitCode, 1);
    QVERIFY(missing.err.contains("preset lab-h7: no such preset"));
}

void TestPlugins::reportSectionPlugin()
{
    QTemporaryDir dir;
    const QString spec = dir.filePath(QStringLiteral("s.json"));
    QFile f(spec);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"name": "sections", "dataset": {"name": "synth-digits", "samples": 300},
        "models": [{"name": "mlp", "recipe": "mlp", "widths": [8], "epochs": 1}],
        "policies": [{"kind": "single", "models": ["mlp"], "formats": ["fp32", "int8", "int4"]},
                     {"kind": "ari", "models": ["mlp"], "reduced": ["int4"], "taus": [0.1, 0.5]}],
        "devices": ["asic45"]})");
    f.close();
    const QString project = dir.filePath(QStringLiteral("p.frontier"));
    const QString plugins = QStringLiteral(
        FRONTIER_SECTION_PLUGINS "/policysummary:" FRONTIER_SECTION_PLUGINS "/failingsection");
    const Run run = frontierRun({QStringLiteral("study"), QStringLiteral("run"), spec,
                                 QStringLiteral("--project"), project},
                                plugins);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QString html = dir.filePath(QStringLiteral("r.html"));
    const Run report = frontierRun({QStringLiteral("report"), QStringLiteral("--project"), project,
                                    QStringLiteral("--study"), QStringLiteral("sections"),
                                    QStringLiteral("--out"), html, QStringLiteral("--json")},
                                   plugins);
    QVERIFY2(report.exitCode == 0, report.err.constData());
    QFile h(html);
    QVERIFY(h.open(QIODevice::ReadOnly));
    const QByteArray text = h.readAll();
    QVERIFY(text.contains("Per policy"));
    QVERIFY(text.contains("Trials per policy"));
    QVERIFY(text.contains("From the plugin policysummary"));
    // 3 single trials and 2 ARI trials, each counted once.
    QVERIFY2(text.contains("<tr><td>single</td><td class=\"num\" data-value=\"3\">3</td>"),
             text.constData());
    QVERIFY(text.contains("<tr><td>ari</td><td class=\"num\" data-value=\"2\">2</td>"));
    QVERIFY(text.contains("This section failed: the lab server is unreachable."));
    const QJsonArray sections = QJsonDocument::fromJson(report.out)
                                    .object()
                                    .value(QStringLiteral("plugin_sections"))
                                    .toArray();
    QCOMPARE(sections.size(), 2);
    QCOMPARE(sections.at(0).toObject().value(QStringLiteral("title")).toString(),
             QStringLiteral("Per policy"));
    QCOMPARE(sections.at(1).toObject().value(QStringLiteral("error")).toString(),
             QStringLiteral("the lab server is unreachable"));
}

void TestPlugins::notALibrary()
{
    QTemporaryDir dir;
    QFile f(dir.filePath(QStringLiteral("libfrontier-notes.so")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("these are notes, not a library\n");
    f.close();
    const Run r = frontierRun({QStringLiteral("plugins"), QStringLiteral("list")}, dir.path());
    QCOMPARE(r.exitCode, 0);
    const QList<QByteArray> lines = r.err.trimmed().split('\n');
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines.front().contains("libfrontier-notes.so refused: not a Qt plugin library"),
             lines.front().constData());
    QVERIFY(r.out.contains("refused"));
}

void TestPlugins::duplicatePluginName()
{
    // The same plugin in two folders: the first loads, the second is refused.
    QTemporaryDir a, b;
    const QString posit = soIn(QStringLiteral(FRONTIER_PLUGINS_DIR));
    const QString positFile = QDir(QStringLiteral(FRONTIER_PLUGINS_DIR))
                                  .filePath(QStringLiteral("libfrontier-posit.so"));
    QVERIFY(!posit.isEmpty());
    QVERIFY(QFile::copy(positFile, a.filePath(QStringLiteral("libfrontier-posit.so"))));
    QVERIFY(QFile::copy(positFile, b.filePath(QStringLiteral("libfrontier-posit-copy.so"))));
    const Run r
        = frontierRun({QStringLiteral("plugins"), QStringLiteral("list"), QStringLiteral("--json")},
                      a.path() + QLatin1Char(':') + b.path());
    QCOMPARE(r.exitCode, 0);
    const QList<QByteArray> lines = r.err.trimmed().split('\n');
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines.front().contains(
                 "libfrontier-posit-copy.so refused: a plugin named 'posit' is already loaded"),
             lines.front().constData());
    const QJsonArray plugins
        = QJsonDocument::fromJson(r.out).object().value(QStringLiteral("plugins")).toArray();
    QCOMPARE(plugins.size(), 2);
    QVERIFY(plugins.at(0).toObject().value(QStringLiteral("loaded")).toBool());
    QVERIFY(!plugins.at(1).toObject().value(QStringLiteral("loaded")).toBool());
}

void TestPlugins::onlyTheConfiguredFoldersAreSearched()
{
    // With no FRONTIER_PLUGIN_PATH, a build tree's frontier finds no plugin (the build's
    // plugins folder is not its application plugin folder) and does not know posit.
    const Run r = frontierRun(
        {QStringLiteral("plugins"), QStringLiteral("list"), QStringLiteral("--json")}, QString());
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QStringLiteral("plugins")).toArray().size(), 0);
    const QJsonArray path = o.value(QStringLiteral("search_path")).toArray();
    QCOMPARE(path.size(), 1);
    QVERIFY(path.at(0).toString().endsWith(QStringLiteral("lib/frontier/plugins")));
}

void TestPlugins::studyNamingAnUnloadedFormat()
{
    QTemporaryDir dir;
    const QString spec = dir.filePath(QStringLiteral("posit.json"));
    QFile f(spec);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"name": "posit-study", "dataset": {"name": "synth-digits", "samples": 300},
        "models": [{"name": "mlp", "recipe": "mlp", "widths": [8], "epochs": 1}],
        "policies": [{"kind": "single", "models": ["mlp"], "formats": ["fp32", "posit8es1"]}],
        "devices": ["asic45"]})");
    f.close();
    const QString project = dir.filePath(QStringLiteral("p.frontier"));
    const QString empty = dir.filePath(QStringLiteral("no-plugins-here"));
    QDir().mkpath(empty);
    const Run r = frontierRun({QStringLiteral("study"), QStringLiteral("run"), spec,
                               QStringLiteral("--project"), project},
                              empty);
    QCOMPARE(r.exitCode, 1);
    const QString err = QString::fromUtf8(r.err.trimmed());
    QCOMPARE(err.count(QLatin1Char('\n')), 0);
    QVERIFY2(err.contains(QStringLiteral("format 'posit8es1'")), qPrintable(err));
    QVERIFY2(err.contains(QStringLiteral("plugin folders searched: ") + QDir(empty).absolutePath()),
             qPrintable(err));
    QVERIFY2(err.contains(QStringLiteral("FRONTIER_PLUGIN_PATH")), qPrintable(err));
    QVERIFY(!QFile::exists(project)); // nothing half-written

    // With the plugin, the same study runs and stores posit trials.
    const Run ok = frontierRun({QStringLiteral("study"), QStringLiteral("run"), spec,
                                QStringLiteral("--project"), project, QStringLiteral("--threads"),
                                QStringLiteral("2")},
                               QStringLiteral(FRONTIER_PLUGINS_DIR));
    QVERIFY2(ok.exitCode == 0, ok.err.constData());
    const Run trials = frontierRun({QStringLiteral("study"), QStringLiteral("trials"),
                                    QStringLiteral("--project"), project, QStringLiteral("--study"),
                                    QStringLiteral("posit-study"), QStringLiteral("--csv")},
                                   QStringLiteral(FRONTIER_PLUGINS_DIR));
    QCOMPARE(trials.exitCode, 0);
    QVERIFY2(trials.out.contains("posit8es1"), trials.out.constData());
    // Resuming without the plugin is refused the same way, before anything changes.
    const Run resume = frontierRun({QStringLiteral("study"), QStringLiteral("resume"),
                                    QStringLiteral("--project"), project, QStringLiteral("--study"),
                                    QStringLiteral("posit-study")},
                                   empty);
    QVERIFY2(resume.exitCode != 0, resume.out.constData());
    QVERIFY2(resume.err.contains("posit8es1") && resume.err.contains("FRONTIER_PLUGIN_PATH"),
             resume.err.constData());
}

namespace {

// Runs one single-policy study (fp32 and posit8es1 on a tiny MLP) named `name` into
// `project` with the shipped plugins; returns its --json report.
QJsonObject runPositStudy(const QTemporaryDir &dir, const QString &name, const QString &project)
{
    const QString spec = dir.filePath(name + QStringLiteral(".json"));
    QFile f(spec);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(QStringLiteral(R"({"name": "%1", "dataset": {"name": "synth-digits", "samples": 300},
        "models": [{"name": "mlp", "recipe": "mlp", "widths": [8], "epochs": 1}],
        "policies": [{"kind": "single", "models": ["mlp"], "formats": ["fp32", "posit8es1"]}],
        "devices": ["asic45"]})")
                .arg(name)
                .toUtf8());
    f.close();
    const Run r = frontierRun({QStringLiteral("study"), QStringLiteral("run"), spec,
                               QStringLiteral("--project"), project, QStringLiteral("--json")},
                              QStringLiteral(FRONTIER_PLUGINS_DIR));
    if (r.exitCode != 0) {
        qWarning("%s", r.err.constData());
        return {};
    }
    return QJsonDocument::fromJson(r.out).object();
}

// Runs one statement on the project file; returns the first column of every row.
QStringList sqlColumn(const QString &project, const char *statement)
{
    QStringList out;
    sqlite3 *db = nullptr;
    if (sqlite3_open(project.toUtf8().constData(), &db) != SQLITE_OK) {
        sqlite3_close(db);
        return out;
    }
    sqlite3_stmt *st = nullptr;
    if (sqlite3_prepare_v2(db, statement, -1, &st, nullptr) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            const unsigned char *text = sqlite3_column_text(st, 0);
            out << QString::fromUtf8(text ? reinterpret_cast<const char *>(text) : "");
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

} // namespace

// Outputs of a plugin's format are cached under the plugin's name and version: another
// study on the same project reuses them, but not once they were computed by another
// version of the plugin (which may round differently); built-in formats are unaffected.
void TestPlugins::pluginVersionKeysTheOutputCache()
{
    // Built-in formats keep their text as the key (projects of earlier builds stay valid).
    for (const char *text : {"fp32", "int8;first=fp32", "w4a8:sym;last=int8", "sc8:ld"})
        QCOMPARE(QString::fromStdString(numeric::FormatAssignment::cacheIdentity(text)),
                 QString::fromLatin1(text));

    QTemporaryDir dir;
    const QString project = dir.filePath(QStringLiteral("cache.frontier"));
    const QJsonObject first = runPositStudy(dir, QStringLiteral("first"), project);
    QVERIFY(!first.isEmpty());
    const int computed = first.value(QStringLiteral("variants_run")).toInt();
    QVERIFY(computed >= 2);

    const QStringList formats
        = sqlColumn(project, "SELECT DISTINCT format FROM output_caches ORDER BY format");
    QVERIFY2(formats.contains(QStringLiteral("fp32")), qPrintable(formats.join(' ')));
    const QStringList posit = formats.filter(QStringLiteral("posit8es1"));
    QCOMPARE(posit.size(), 1);
    QVERIFY2(posit[0].startsWith(QStringLiteral("posit8es1@posit/")) && posit[0].size() > 16,
             qPrintable(posit[0]));

    // The same plugin: everything is reused.
    const QJsonObject second = runPositStudy(dir, QStringLiteral("second"), project);
    QCOMPARE(second.value(QStringLiteral("variants_run")).toInt(), 0);
    QCOMPARE(second.value(QStringLiteral("variants_cached")).toInt(), computed);

    // Outputs left by an older version of the plugin: posit is computed again, fp32 is not.
    sqlColumn(project, "UPDATE output_caches SET format = 'posit8es1@posit/0.0.1' "
                       "WHERE format LIKE 'posit8es1@%'");
    const QJsonObject third = runPositStudy(dir, QStringLiteral("third"), project);
    QCOMPARE(third.value(QStringLiteral("variants_run")).toInt(), 1);
    QCOMPARE(third.value(QStringLiteral("variants_cached")).toInt(), computed - 1);
    // Both versions' outputs are kept, each under its own key.
    QCOMPARE(sqlColumn(project, "SELECT DISTINCT format FROM output_caches WHERE format LIKE "
                                "'posit8es1@%'")
                 .size(),
             2);
}

QTEST_GUILESS_MAIN(TestPlugins)
#include "tst_plugins.moc"
