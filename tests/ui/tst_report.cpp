// Reports end to end on a real small study (synth-digits): `frontier report` to HTML and
// PDF, checked against the project (the front table equals `study front --csv`, the PDF's
// text holds the knee's numbers), the HTML parsed as XML with no external resource, the
// one-line errors that leave no file, and the GUI's File → Export report job.

#include "mainwindow.h"
#include "uitestutil.h"

#include "common/fileutil.h"
#include "store/database.h"
#include "study/metricformat.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <map>
#include <set>

using namespace frontier;

namespace {

const QString kFrontier = QStringLiteral(FRONTIER_BINARY_DIR "/bin/frontier");
const QString kSpec = QStringLiteral(FRONTIER_TEST_DATA "/../study/fixtures/runner-spec.json");
const QString kCompare = QStringLiteral(FRONTIER_TEST_DATA "/fixtures/report-compare.json");

struct Result
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Result run(const QStringList &args)
{
    QProcess p;
    p.start(kFrontier, args);
    p.waitForFinished(-1);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

QByteArray fileHash(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

// A CSV line split on commas outside quotes.
QStringList csvFields(const QString &line)
{
    QStringList out;
    QString field;
    bool quoted = false;
    for (int i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < line.size() && line[i + 1] == QLatin1Char('"')) {
                field += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            out << field;
            field.clear();
        } else {
            field += c;
        }
    }
    out << field;
    return out;
}

// What the HTML says, read with an XML parser.
struct ParsedHtml
{
    QString error;
    QStringList hrefs, srcs, sectionIds;
    int svgs = 0;
    int scripts = 0;
    // The front table: per row, the data-value numbers of its cells in order.
    std::vector<std::vector<double>> frontRows;
};

ParsedHtml parseHtml(const QByteArray &html)
{
    ParsedHtml p;
    QXmlStreamReader xml(html);
    bool inFront = false, inBody = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            const QString name = xml.name().toString();
            const QXmlStreamAttributes a = xml.attributes();
            if (a.hasAttribute(QStringLiteral("href")))
                p.hrefs << a.value(QStringLiteral("href")).toString();
            if (a.hasAttribute(QStringLiteral("xlink:href")))
                p.hrefs << a.value(QStringLiteral("xlink:href")).toString();
            if (a.hasAttribute(QStringLiteral("src")))
                p.srcs << a.value(QStringLiteral("src")).toString();
            if (name == QLatin1String("section"))
                p.sectionIds << a.value(QStringLiteral("id")).toString();
            if (name == QLatin1String("svg"))
                ++p.svgs;
            if (name == QLatin1String("script"))
                ++p.scripts;
            if (name == QLatin1String("table"))
                inFront = a.value(QStringLiteral("id")) == QLatin1String("table-front");
            if (inFront && name == QLatin1String("tbody"))
                inBody = true;
            if (inFront && inBody && name == QLatin1String("tr"))
                p.frontRows.emplace_back();
            if (inFront && inBody && name == QLatin1String("td")
                && a.hasAttribute(QStringLiteral("data-value")))
                p.frontRows.back().push_back(a.value(QStringLiteral("data-value")).toDouble());
        } else if (xml.isEndElement() && xml.name() == QLatin1String("table")) {
            inFront = inBody = false;
        }
    }
    if (xml.hasError())
        p.error = QStringLiteral("line %1: %2").arg(xml.lineNumber()).arg(xml.errorString());
    return p;
}

} // namespace

class TestReport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project;

    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        test::isolateSettings("tst_report");
        QVERIFY(QFile::exists(kFrontier));
        m_project = path(QStringLiteral("p.frontier"));
        for (const QString &spec : {kSpec, kCompare}) {
            const Result r = run({QStringLiteral("study"), QStringLiteral("run"), spec,
                                  QStringLiteral("--project"), m_project});
            QVERIFY2(r.exitCode == 0, r.err.constData());
        }
    }

    void htmlIsSelfContainedAndMatchesTheProject()
    {
        const QString out = path(QStringLiteral("r.html"));
        const QString csv = path(QStringLiteral("csv"));
        const QByteArray before = fileHash(m_project);
        const Result r = run({QStringLiteral("report"), QStringLiteral("--project"), m_project,
                              QStringLiteral("--study"), QStringLiteral("runner"),
                              QStringLiteral("--compare"), QStringLiteral("runner-single"),
                              QStringLiteral("--out"), out, QStringLiteral("--csv"), csv});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.isEmpty(), r.err.constData()); // no noise from the offscreen platform
        QCOMPARE(fileHash(m_project), before);        // reporting reads only

        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray html = f.readAll();
        const ParsedHtml p = parseHtml(html);
        QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
        for (const char *id : {"summary", "recommendation", "fronts", "front-table", "thresholds",
                               "layers", "reproducibility"})
            QVERIFY2(p.sectionIds.contains(QLatin1String(id)), id);
        // No external resource: links only within the page, no src attributes, no <link>.
        for (const QString &h : p.hrefs)
            QVERIFY2(h.startsWith(QLatin1Char('#')), qPrintable(h));
        QVERIFY2(p.srcs.isEmpty(), qPrintable(p.srcs.join(QLatin1Char(' '))));
        QVERIFY(!html.contains("<link"));
        QVERIFY(!html.contains("@import"));
        QVERIFY(!html.contains("url(http"));
        // A chart per device and more (threshold curves, per-layer bars), inline.
        QVERIFY2(p.svgs >= 4, qPrintable(QString::number(p.svgs)));

        // The front table's numbers are the project's: `study front --csv` per device.
        const Result front = run({QStringLiteral("study"), QStringLiteral("front"),
                                  QStringLiteral("--project"), m_project, QStringLiteral("--study"),
                                  QStringLiteral("runner"), QStringLiteral("--group-by"),
                                  QStringLiteral("device"), QStringLiteral("--csv")});
        QVERIFY2(front.exitCode == 0, front.err.constData());
        QFile written(csv + QStringLiteral("/front.csv"));
        QVERIFY(written.open(QIODevice::ReadOnly));
        QCOMPARE(written.readAll(), front.out);
        const QStringList lines
            = QString::fromUtf8(front.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        const QStringList header = csvFields(lines.first());
        QCOMPARE(int(p.frontRows.size()), int(lines.size()) - 1);
        const int firstMetric = int(header.indexOf(QStringLiteral("accuracy")));
        QVERIFY(firstMetric > 0);
        for (int i = 1; i < lines.size(); ++i) {
            const QStringList fields = csvFields(lines[i]);
            const std::vector<double> &cells = p.frontRows[size_t(i - 1)];
            QVERIFY(!cells.empty());
            QCOMPARE(cells.front(), fields[0].toDouble()); // the trial id
            std::multiset<double> csvValues, htmlValues(cells.begin() + 1, cells.end());
            for (int c = firstMetric; c < fields.size(); ++c) {
                if (!fields[c].isEmpty() && !header[c].startsWith(QLatin1String("reached_")))
                    csvValues.insert(fields[c].toDouble());
            }
            QVERIFY2(csvValues == htmlValues,
                     qPrintable(
                         QStringLiteral("row %1 of the front table differs from the CSV").arg(i)));
        }
        // The other tables land beside it.
        QVERIFY(QFile::exists(csv + QStringLiteral("/models.csv")));
        QVERIFY(QFile::exists(csv + QStringLiteral("/preset-asic45.csv")));
    }

    void pdfHoldsTheKneesNumbers()
    {
        const QString out = path(QStringLiteral("r.pdf"));
        const Result r = run({QStringLiteral("report"), QStringLiteral("--project"), m_project,
                              QStringLiteral("--study"), QStringLiteral("runner"),
                              QStringLiteral("--out"), out, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        const QJsonArray recommendations = o.value(QStringLiteral("recommendations")).toArray();
        QCOMPARE(recommendations.size(), 2); // asic45, cortex-m4f
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.read(5) == "%PDF-");
        f.close();

        const QString pdftotext = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
        QVERIFY2(!pdftotext.isEmpty(), "pdftotext (poppler-utils) is needed; "
                                       "scripts/setup-deps.sh installs it");
        QProcess p;
        p.start(pdftotext, {QStringLiteral("-layout"), out, QStringLiteral("-")});
        QVERIFY(p.waitForFinished(60000));
        const QString text = QString::fromUtf8(p.readAllStandardOutput()).simplified();
        QVERIFY(text.contains(QLatin1String("page 1 of")));
        for (const QJsonValue &v : recommendations) {
            const QJsonObject knee = v.toObject().value(QStringLiteral("knee")).toObject();
            QVERIFY(!knee.isEmpty());
            const QJsonObject m = knee.value(QStringLiteral("metrics")).toObject();
            const double accuracy = m.value(QStringLiteral("accuracy")).toDouble();
            const double energy = m.value(QStringLiteral("energy_pj")).toDouble();
            const QString a = QString::fromStdString(
                study::MetricFormat::of("accuracy", accuracy).text(accuracy));
            const QString e
                = QString::fromStdString(study::MetricFormat::of("energy_pj", energy).text(energy));
            const QString trial
                = QStringLiteral("(trial %1)").arg(knee.value(QStringLiteral("trial")).toInt());
            QVERIFY2(text.contains(trial), qPrintable(trial));
            QVERIFY2(text.contains(a), qPrintable(a));
            QVERIFY2(text.contains(e), qPrintable(e));
        }
    }

    void jsonHasAFrontPerDeviceWithTheComparedHypervolume()
    {
        const Result r
            = run({QStringLiteral("report"), QStringLiteral("--project"), m_project,
                   QStringLiteral("--study"), QStringLiteral("runner"), QStringLiteral("--compare"),
                   QStringLiteral("runner-single"), QStringLiteral("--out"),
                   path(QStringLiteral("j.html")), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        const QJsonArray fronts = o.value(QStringLiteral("fronts")).toArray();
        QCOMPARE(fronts.size(), 2);
        for (const QJsonValue &v : fronts) {
            const QJsonObject f = v.toObject();
            const double hv = f.value(QStringLiteral("hypervolume_normalised")).toDouble();
            QVERIFY(hv > 0 && hv <= 1);
            const QJsonArray compared = f.value(QStringLiteral("compared")).toArray();
            QCOMPARE(compared.size(), 1);
            const double other = compared.first()
                                     .toObject()
                                     .value(QStringLiteral("hypervolume_shared_box"))
                                     .toDouble();
            QVERIFY(other >= 0 && other <= 1);
        }
        // Every trial of the front table carries its hash.
        for (const QJsonValue &v : o.value(QStringLiteral("front_table")).toArray())
            QCOMPARE(v.toObject().value(QStringLiteral("hash")).toString().size(), 64);
        QVERIFY(!o.value(QStringLiteral("reproducibility"))
                     .toObject()
                     .value(QStringLiteral("command"))
                     .toString()
                     .isEmpty());
    }

    void badInputIsOneLineAndNoFile_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown study") << "study"
                                       << "no study named 'nosuch'";
        QTest::newRow("unknown objective") << "objective"
                                           << "nosuch_pj";
        QTest::newRow("unknown compared study") << "compare"
                                                << "no study named 'other'";
        QTest::newRow("corrupt project") << "corrupt"
                                         << "corrupt.frontier";
        QTest::newRow("newer project") << "newer"
                                       << "newer Frontier";
        QTest::newRow("missing project") << "missing"
                                         << "no such project file";
        QTest::newRow("unknown format") << "format"
                                        << "give a .html or a .pdf";
    }

    void badInputIsOneLineAndNoFile()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        QString project = m_project;
        QString out = path(QStringLiteral("bad-%1.html").arg(kind));
        QStringList extra;
        if (kind == QLatin1String("objective"))
            extra << QStringLiteral("--objectives") << QStringLiteral("nosuch_pj:min,accuracy:max");
        if (kind == QLatin1String("compare"))
            extra << QStringLiteral("--compare") << QStringLiteral("other");
        if (kind == QLatin1String("corrupt")) {
            project = path(QStringLiteral("corrupt.frontier"));
            QFile f(project);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QFile good(m_project);
            QVERIFY(good.open(QIODevice::ReadOnly));
            QByteArray bytes = good.read(4096);
            for (int i = 100; i < bytes.size(); i += 7)
                bytes[i] = char(bytes[i] ^ 0x5a);
            f.write(bytes);
        }
        if (kind == QLatin1String("newer")) {
            project = path(QStringLiteral("newer.frontier"));
            QFile::remove(project);
            QVERIFY(QFile::copy(m_project, project));
            store::Database db(project.toStdString(), store::Database::Mode::ReadWrite);
            db.exec("PRAGMA user_version = 99");
        }
        if (kind == QLatin1String("missing"))
            project = path(QStringLiteral("nosuch.frontier"));
        if (kind == QLatin1String("format"))
            out = path(QStringLiteral("bad.docx"));
        const QString study
            = kind == QLatin1String("study") ? QStringLiteral("nosuch") : QStringLiteral("runner");
        const Result r
            = run(QStringList{QStringLiteral("report"), QStringLiteral("--project"), project,
                              QStringLiteral("--study"), study, QStringLiteral("--out"), out}
                  + extra);
        QCOMPARE(r.exitCode, 1);
        const QString err = QString::fromUtf8(r.err).trimmed();
        QVERIFY2(!err.contains(QLatin1Char('\n')), qPrintable(err));
        QVERIFY2(err.contains(expected), qPrintable(err));
        QVERIFY(!QFile::exists(out));
        if (kind == QLatin1String("missing"))
            QVERIFY(!QFile::exists(project)); // not created by looking
    }

    // The seed ideas with their own objectives get their own sections: intermittent power
    // (latency on harvested power, power cycles, energy split) and training on the edge
    // (training energy, parameter memory), each with the front of its trials.
    void intermittentAndTrainingSections()
    {
        const QString project = path(QStringLiteral("seeds.frontier"));
        const QByteArray intermittent = R"({
            "name": "seed-intermittent",
            "dataset": {"name": "synth-digits", "seed": 1, "samples": 600},
            "models": [{"name": "lenet", "recipe": "lenet", "widths": [4, 8, 16], "epochs": 1}],
            "policies": [{"kind": "intermittent", "models": ["lenet"], "formats": ["int8", "q1.15"],
                          "capacitors": ["5mF"], "harvesters": ["rc", "2mW"], "margins": [0.55],
                          "search": [true, false]}],
            "devices": ["msp430fr5994"],
            "objectives": ["intermittent_latency_s:min", "accuracy:max"]
        })";
        const QByteArray training = R"({
            "name": "seed-training",
            "dataset": {"name": "synth-digits", "samples": 600},
            "training": {"recipe": "mlp", "widths": [16], "epochs": 1,
                         "methods": ["fp32", "rct"], "bits": [8], "seeds": [1]},
            "policies": [{"kind": "single", "models": ["mlp-fp32-s1", "mlp-rct8-s1"],
                          "formats": ["fp32", "int8"]}],
            "devices": ["asic45"],
            "objectives": ["train_energy_pj:min", "accuracy:max"]
        })";
        for (const auto &[name, text] : {std::pair{"i.json", intermittent}, {"t.json", training}}) {
            QFile f(path(QLatin1String(name)));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
            f.close();
            const Result r = run({QStringLiteral("study"), QStringLiteral("run"), f.fileName(),
                                  QStringLiteral("--project"), project});
            QVERIFY2(r.exitCode == 0, r.err.constData());
        }
        const struct
        {
            const char *study, *section, *metric;
        } cases[] = {{"seed-intermittent", "intermittent", "intermittent_latency_s"},
                     {"seed-training", "training", "train_energy_pj"}};
        for (const auto &k : cases) {
            const QString out = path(QStringLiteral("%1.html").arg(QLatin1String(k.study)));
            const Result r = run({QStringLiteral("report"), QStringLiteral("--project"), project,
                                  QStringLiteral("--study"), QLatin1String(k.study),
                                  QStringLiteral("--out"), out, QStringLiteral("--json")});
            QVERIFY2(r.exitCode == 0, r.err.constData());
            QFile f(out);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const ParsedHtml p = parseHtml(f.readAll());
            QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
            QVERIFY2(p.sectionIds.contains(QLatin1String(k.section)), k.section);
            // Its front starts with the trial that has the least of the metric.
            const QJsonArray devices
                = QJsonDocument::fromJson(r.out).object().value(QLatin1String(k.section)).toArray();
            QCOMPARE(devices.size(), 1);
            const QJsonArray front
                = devices.first().toObject().value(QStringLiteral("front")).toArray();
            QVERIFY(!front.isEmpty());
            const Result best
                = run({QStringLiteral("study"), QStringLiteral("best"), QStringLiteral("--project"),
                       project, QStringLiteral("--study"), QLatin1String(k.study),
                       QStringLiteral("--min"), QLatin1String(k.metric), QStringLiteral("--json")});
            QVERIFY2(best.exitCode == 0, best.err.constData());
            const QJsonObject b = QJsonDocument::fromJson(best.out).object();
            const QJsonObject first = front.first().toObject();
            QVERIFY(first.value(QStringLiteral("metrics"))
                        .toObject()
                        .value(QLatin1String(k.metric))
                        .toDouble()
                    > 0);
            QCOMPARE(first.value(QStringLiteral("metrics"))
                         .toObject()
                         .value(QLatin1String(k.metric))
                         .toDouble(),
                     b.value(QStringLiteral("metrics"))
                         .toObject()
                         .value(QLatin1String(k.metric))
                         .toDouble());
        }
    }

    void guiExportWritesTheReportAsAJob()
    {
        ui::MainWindow window;
        QVERIFY(window.openProject(m_project));
        const QString out = path(QStringLiteral("gui.pdf"));
        ui::Job *job = window.exportReport(QStringLiteral("runner"), out, false);
        QVERIFY(job);
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(out), 60000);
        QCOMPARE(job->state(), ui::Job::State::Succeeded);
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.read(5) == "%PDF-");

        // A study that is not there fails as a job, with no file.
        const QString none = path(QStringLiteral("none.html"));
        ui::Job *failing = window.exportReport(QStringLiteral("nosuch"), none, false);
        QTRY_VERIFY_WITH_TIMEOUT(failing->isFinished(), 30000);
        QCOMPARE(failing->state(), ui::Job::State::Failed);
        QVERIFY(failing->errorMessage().contains(QLatin1String("no study named")));
        QVERIFY(!QFile::exists(none));
    }
};

QTEST_MAIN(TestReport)
#include "tst_report.moc"
