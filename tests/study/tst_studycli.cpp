// The study commands of the `frontier` binary end to end: run, a second run computing
// nothing, list/status JSON, trials CSV with every metric under its plain name, front,
// best, sweep from the project's caches and from your own scores, and one-line errors.

#include "data/npy.h"
#include "store/database.h"
#include "store/project.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <set>

namespace {

const QString kFrontier = QStringLiteral(FRONTIER_BINARY_DIR "/bin/frontier");
const QString kSpec = QStringLiteral(FRONTIER_TEST_DATA "/fixtures/runner-spec.json");

struct Result
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Result frontierRun(const QStringList &args)
{
    QProcess p;
    p.start(kFrontier, args);
    p.waitForFinished(-1);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

QStringList csvLines(const QByteArray &out)
{
    return QString::fromUtf8(out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

} // namespace

class TestStudyCli : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QFile::exists(kFrontier));
        m_project = m_dir.filePath(QStringLiteral("p.frontier"));
        const Result r
            = frontierRun({QStringLiteral("study"), QStringLiteral("run"), kSpec,
                           QStringLiteral("--project"), m_project, QStringLiteral("--threads"),
                           QStringLiteral("2"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        QCOMPARE(o.value(QStringLiteral("trials")).toInt(), 376);
        QCOMPARE(o.value(QStringLiteral("computed")).toInt(), 376);
    }

    void secondRunComputesNothing()
    {
        const Result r
            = frontierRun({QStringLiteral("study"), QStringLiteral("run"), kSpec,
                           QStringLiteral("--project"), m_project, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("computed")).toInt(), 0);
        QCOMPARE(o.value(QStringLiteral("models_trained")).toInt(), 0);
        QCOMPARE(o.value(QStringLiteral("variants_run")).toInt(), 0);
    }

    void listAndStatus()
    {
        const Result r
            = frontierRun({QStringLiteral("study"), QStringLiteral("list"),
                           QStringLiteral("--project"), m_project, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray studies
            = QJsonDocument::fromJson(r.out).object().value(QStringLiteral("studies")).toArray();
        QCOMPARE(studies.size(), 1);
        const QJsonObject s = studies.first().toObject();
        QCOMPARE(s.value(QStringLiteral("name")).toString(), QStringLiteral("runner"));
        QCOMPARE(s.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        QCOMPARE(s.value(QStringLiteral("trials")).toInt(), 376);
        const Result st
            = frontierRun({QStringLiteral("study"), QStringLiteral("status"),
                           QStringLiteral("--project"), m_project, QStringLiteral("--json")});
        QVERIFY2(st.exitCode == 0, st.err.constData());
        const QJsonObject front = QJsonDocument::fromJson(st.out)
                                      .object()
                                      .value(QStringLiteral("studies"))
                                      .toArray()
                                      .first()
                                      .toObject()
                                      .value(QStringLiteral("front"))
                                      .toObject();
        QVERIFY(front.value(QStringLiteral("size")).toInt() > 0);
    }

    void trialsCsvHasKnobsAndPlainMetricNames()
    {
        const Result r
            = frontierRun({QStringLiteral("study"), QStringLiteral("trials"),
                           QStringLiteral("--project"), m_project, QStringLiteral("--study"),
                           QStringLiteral("runner"), QStringLiteral("--csv")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QStringList lines = csvLines(r.out);
        QCOMPARE(lines.size(), 377);
        const QStringList header = lines.first().split(QLatin1Char(','));
        for (const char *c :
             {"trial",     "hash",         "policy",       "tiers",         "tau_rule",
              "decision",  "decision_tau", "remote",       "device",        "link",
              "server",    "accuracy",     "fidelity",     "escalated",     "offloaded",
              "energy_pj", "latency_us",   "memory_bytes", "energy_saving", "tau"})
            QVERIFY2(header.contains(QString::fromLatin1(c)), c);
    }

    // One front per device, computed by the CLI, against an independent O(n²) filter over
    // `study trials --csv` per device: feasible (the spec's accuracy>=0.3), not an oracle
    // (unless --include-bounds), non-dominated in energy (min) and accuracy (max).
    void frontGroupedByDeviceWithoutBounds()
    {
        const Result all
            = frontierRun({QStringLiteral("study"), QStringLiteral("trials"),
                           QStringLiteral("--project"), m_project, QStringLiteral("--study"),
                           QStringLiteral("runner"), QStringLiteral("--csv")});
        QVERIFY2(all.exitCode == 0, all.err.constData());
        const QStringList lines = csvLines(all.out);
        const QStringList header = lines.first().split(QLatin1Char(','));
        const int trialCol = int(header.indexOf(QStringLiteral("trial")));
        const int deviceCol = int(header.indexOf(QStringLiteral("device")));
        const int decisionCol = int(header.indexOf(QStringLiteral("decision")));
        const int energyCol = int(header.indexOf(QStringLiteral("energy_pj")));
        const int accuracyCol = int(header.indexOf(QStringLiteral("accuracy")));
        QVERIFY(trialCol >= 0 && deviceCol >= 0 && decisionCol >= 0 && energyCol >= 0
                && accuracyCol >= 0);
        struct Row
        {
            int trial;
            QString device;
            bool oracle;
            double energy, accuracy;
        };
        std::vector<Row> rows;
        int oracles = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            // Cells may be quoted ("ideal(0.99,seed=5)"): split outside quotes.
            QStringList c;
            QString cell;
            bool quoted = false;
            for (const QChar ch : lines[i]) {
                if (ch == QLatin1Char('"'))
                    quoted = !quoted;
                else if (ch == QLatin1Char(',') && !quoted) {
                    c << cell;
                    cell.clear();
                } else
                    cell += ch;
            }
            c << cell;
            QCOMPARE(c.size(), header.size());
            Row r{c[trialCol].toInt(), c[deviceCol],
                  c[decisionCol].startsWith(QStringLiteral("oracle")), c[energyCol].toDouble(),
                  c[accuracyCol].toDouble()};
            oracles += r.oracle ? 1 : 0;
            rows.push_back(r);
        }
        QVERIFY2(oracles > 0, "the fixture has no oracle trial: the test proves nothing");
        auto expected = [&](const QString &device, bool includeBounds) {
            std::set<int> out;
            for (const Row &a : rows) {
                if (a.device != device || a.accuracy < 0.3 || (a.oracle && !includeBounds))
                    continue;
                bool dominated = false;
                for (const Row &b : rows) {
                    if (b.device != device || b.accuracy < 0.3 || (b.oracle && !includeBounds))
                        continue;
                    if (b.energy <= a.energy && b.accuracy >= a.accuracy
                        && (b.energy < a.energy || b.accuracy > a.accuracy))
                        dominated = true;
                }
                if (!dominated)
                    out.insert(a.trial);
            }
            return out;
        };
        for (bool bounds : {false, true}) {
            QStringList args{QStringLiteral("study"),      QStringLiteral("front"),
                             QStringLiteral("--project"),  m_project,
                             QStringLiteral("--study"),    QStringLiteral("runner"),
                             QStringLiteral("--group-by"), QStringLiteral("device"),
                             QStringLiteral("--json")};
            if (bounds)
                args << QStringLiteral("--include-bounds");
            const Result f = frontierRun(args);
            QVERIFY2(f.exitCode == 0, f.err.constData());
            const QJsonArray groups
                = QJsonDocument::fromJson(f.out).object().value(QStringLiteral("groups")).toArray();
            QCOMPARE(groups.size(), 2); // asic45, cortex-m4f
            bool anyOracle = false;
            for (const QJsonValue &g : groups) {
                const QJsonObject o = g.toObject();
                const QString device = o.value(QStringLiteral("group")).toString();
                std::set<int> got;
                for (const QJsonValue &t : o.value(QStringLiteral("front")).toArray()) {
                    const QJsonObject trial = t.toObject();
                    QCOMPARE(trial.value(QStringLiteral("device")).toString(), device);
                    anyOracle = anyOracle
                                || trial.value(QStringLiteral("decision"))
                                       .toString()
                                       .startsWith(QStringLiteral("oracle"));
                    got.insert(trial.value(QStringLiteral("trial")).toInt());
                }
                const std::set<int> want = expected(device, bounds);
                QString diff;
                for (int t : got)
                    if (!want.count(t))
                        diff += QStringLiteral(" +%1").arg(t);
                for (int t : want)
                    if (!got.count(t))
                        diff += QStringLiteral(" -%1").arg(t);
                QVERIFY2(got == want, qPrintable(device + (bounds ? " with bounds:" : ":") + diff));
                const double hv = o.value(QStringLiteral("hypervolume_normalised")).toDouble();
                QVERIFY2(hv > 0.0 && hv <= 1.0, qPrintable(QString::number(hv)));
            }
            if (!bounds)
                QVERIFY(!anyOracle);
        }
        // An unknown grouping column is one line naming it.
        const Result bad = frontierRun({QStringLiteral("study"), QStringLiteral("front"),
                                        QStringLiteral("--project"), m_project,
                                        QStringLiteral("--study"), QStringLiteral("runner"),
                                        QStringLiteral("--group-by"), QStringLiteral("colour")});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("colour") && bad.err.count('\n') == 1, bad.err.constData());
    }

    // A saving below zero reads as "N× more" (cost over the baseline), not a large negative
    // percentage: the trial with the least energy saving costs more than fp32.
    void negativeSavingsReadAsMore()
    {
        const Result b = frontierRun({QStringLiteral("study"), QStringLiteral("best"),
                                      QStringLiteral("--project"), m_project,
                                      QStringLiteral("--study"), QStringLiteral("runner"),
                                      QStringLiteral("--min"), QStringLiteral("energy_saving")});
        QVERIFY2(b.exitCode == 0, b.err.constData());
        const QStringList lines = csvLines(b.out);
        QCOMPARE(lines.size(), 3); // header, rule, the trial
        const QString row = lines.last();
        QVERIFY2(row.contains(QStringLiteral("× more")), qPrintable(row));
        const Result j = frontierRun(
            {QStringLiteral("study"), QStringLiteral("best"), QStringLiteral("--project"),
             m_project, QStringLiteral("--study"), QStringLiteral("runner"),
             QStringLiteral("--min"), QStringLiteral("energy_saving"), QStringLiteral("--json")});
        const double saving = QJsonDocument::fromJson(j.out)
                                  .object()
                                  .value(QStringLiteral("metrics"))
                                  .toObject()
                                  .value(QStringLiteral("energy_saving"))
                                  .toDouble();
        QVERIFY(saving < 0);
        // The count of times, as the one metric-format rule writes it ("118920× more").
        const QString times = QString::number(1.0 - saving, 'f', 0);
        QVERIFY2(row.contains(times + QStringLiteral("× more")), qPrintable(row));
    }

    void bestPerDevice()
    {
        const Result b = frontierRun(
            {QStringLiteral("study"), QStringLiteral("best"), QStringLiteral("--project"),
             m_project, QStringLiteral("--study"), QStringLiteral("runner"),
             QStringLiteral("--min"), QStringLiteral("energy_pj"), QStringLiteral("--where"),
             QStringLiteral("accuracy>=0.3"), QStringLiteral("--group-by"),
             QStringLiteral("device"), QStringLiteral("--json")});
        QVERIFY2(b.exitCode == 0, b.err.constData());
        const QJsonArray best
            = QJsonDocument::fromJson(b.out).object().value(QStringLiteral("best")).toArray();
        QCOMPARE(best.size(), 2);
        for (const QJsonValue &v : best) {
            const QJsonObject t = v.toObject();
            QCOMPARE(t.value(QStringLiteral("device")).toString(),
                     t.value(QStringLiteral("group")).toString());
            QVERIFY(!t.value(QStringLiteral("decision"))
                         .toString()
                         .startsWith(QStringLiteral("oracle")));
        }
    }

    void frontAndBest()
    {
        const Result f
            = frontierRun({QStringLiteral("study"), QStringLiteral("front"),
                           QStringLiteral("--project"), m_project, QStringLiteral("--study"),
                           QStringLiteral("runner"), QStringLiteral("--objectives"),
                           QStringLiteral("energy_pj:min,accuracy:max"), QStringLiteral("--json")});
        QVERIFY2(f.exitCode == 0, f.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(f.out).object();
        const QJsonArray front = o.value(QStringLiteral("front")).toArray();
        QVERIFY(!front.isEmpty());
        // Sorted by energy, accuracy rises along the front.
        double lastE = -1, lastA = -1;
        for (const QJsonValue &v : front) {
            const QJsonObject m = v.toObject().value(QStringLiteral("metrics")).toObject();
            QVERIFY(m.value(QStringLiteral("energy_pj")).toDouble() >= lastE);
            QVERIFY(m.value(QStringLiteral("accuracy")).toDouble() >= lastA);
            lastE = m.value(QStringLiteral("energy_pj")).toDouble();
            lastA = m.value(QStringLiteral("accuracy")).toDouble();
        }
        const Result b = frontierRun(
            {QStringLiteral("study"), QStringLiteral("best"), QStringLiteral("--project"),
             m_project, QStringLiteral("--study"), QStringLiteral("runner"),
             QStringLiteral("--min"), QStringLiteral("energy_pj"), QStringLiteral("--where"),
             QStringLiteral("accuracy>=0.5"), QStringLiteral("--json")});
        QVERIFY2(b.exitCode == 0, b.err.constData());
        const QJsonObject best
            = QJsonDocument::fromJson(b.out).object().value(QStringLiteral("metrics")).toObject();
        QVERIFY(best.value(QStringLiteral("accuracy")).toDouble() >= 0.5);
        const Result none = frontierRun(
            {QStringLiteral("study"), QStringLiteral("best"), QStringLiteral("--project"),
             m_project, QStringLiteral("--study"), QStringLiteral("runner"),
             QStringLiteral("--min"), QStringLiteral("energy_pj"), QStringLiteral("--where"),
             QStringLiteral("accuracy>=1.5")});
        QCOMPARE(none.exitCode, 1);
        QCOMPARE(none.err.count('\n'), 1);
    }

    void sweepFromTheCache()
    {
        const Result r = frontierRun({QStringLiteral("sweep"), QStringLiteral("--project"),
                                      m_project, QStringLiteral("--study"),
                                      QStringLiteral("runner"), QStringLiteral("--policy"),
                                      QStringLiteral("ari"), QStringLiteral("--variants"),
                                      QStringLiteral("mlp/int4,mlp/fp32"), QStringLiteral("--taus"),
                                      QStringLiteral("0:1:1000"), QStringLiteral("--csv")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QStringList lines = csvLines(r.out);
        QCOMPARE(lines.size(), 1001);
        QCOMPARE(lines.first(), QStringLiteral("tau,accuracy,fidelity,escalated,energy_pj"));
        // τ = 1 sends (almost) everything to the full model: fidelity near 1.
        QVERIFY(lines.last().split(QLatin1Char(',')).at(2).toDouble() > 0.99);
        QVERIFY(!r.err.contains("ran ")); // no inference: everything came from the cache
    }

    void sweepRefusesToRetrainSilently()
    {
        // A copy of the project whose models were deleted (their output caches go with
        // them): the curve would need the model trained again.
        const QString copy = m_dir.filePath(QStringLiteral("nomodels.frontier"));
        QVERIFY(QFile::copy(m_project, copy));
        {
            frontier::store::Project p(copy.toStdString());
            p.database().exec("DELETE FROM models");
            QVERIFY(p.models().empty());
        }
        const QStringList args{QStringLiteral("sweep"),
                               QStringLiteral("--project"),
                               copy,
                               QStringLiteral("--study"),
                               QStringLiteral("runner"),
                               QStringLiteral("--policy"),
                               QStringLiteral("ari"),
                               QStringLiteral("--variants"),
                               QStringLiteral("mlp/int4,mlp/fp32"),
                               QStringLiteral("--taus"),
                               QStringLiteral("0:1:11")};
        const Result refused = frontierRun(args);
        QCOMPARE(refused.exitCode, 1);
        QCOMPARE(refused.err.count('\n'), 1);
        QVERIFY2(refused.err.contains("model 'mlp@"), refused.err.constData());
        QVERIFY2(refused.err.contains("--recompute"), refused.err.constData());
        QVERIFY(refused.out.isEmpty());
        {
            frontier::store::Project p(copy.toStdString(),
                                       frontier::store::Project::Access::ReadOnly);
            QVERIFY(p.models().empty()); // nothing was written
        }
        // With --recompute it is said on stderr, before the training, and stored.
        const Result recomputed = frontierRun(QStringList(args) << QStringLiteral("--recompute"));
        QVERIFY2(recomputed.exitCode == 0, recomputed.err.constData());
        QCOMPARE(csvLines(recomputed.out).size(), 12);
        const qsizetype said = recomputed.err.indexOf("sweep: model mlp@");
        const qsizetype trained = recomputed.err.indexOf("sweep: trained mlp");
        QVERIFY2(said >= 0 && trained > said, recomputed.err.constData());
        QVERIFY2(recomputed.err.contains("training it again"), recomputed.err.constData());
        QVERIFY2(recomputed.err.contains("sweep: ran mlp/int4"), recomputed.err.constData());
        frontier::store::Project p(copy.toStdString(), frontier::store::Project::Access::ReadOnly);
        QCOMPARE(p.models().size(), size_t(1));
        // The same curve as from the original project's caches.
        const Result original = frontierRun(QStringList(args).replaceInStrings(copy, m_project));
        QVERIFY2(original.exitCode == 0, original.err.constData());
        QCOMPARE(recomputed.out, original.out);
    }

    void sweepOwnScores()
    {
        // Reduced scores that agree with the labels half the time, full ones always.
        const int n = 100, c = 3;
        std::vector<float> reduced(n * c), full(n * c);
        std::vector<int64_t> labels(n);
        for (int i = 0; i < n; ++i) {
            labels[i] = i % c;
            const int wrong = (i % 2) ? (labels[i] + 1) % c : int(labels[i]);
            const float confident = (i % 2) ? 0.4f : 0.8f;
            for (int k = 0; k < c; ++k) {
                reduced[i * c + k] = k == wrong ? confident : (1 - confident) / 2;
                full[i * c + k] = k == labels[i] ? 0.9f : 0.05f;
            }
        }
        const std::string dir = m_dir.path().toStdString();
        frontier::data::writeNpy(dir + "/r.npy", {n, c}, reduced.data());
        frontier::data::writeNpy(dir + "/f.npy", {n, c}, full.data());
        frontier::data::writeNpyInt64(dir + "/y.npy", labels);
        const Result r = frontierRun(
            {QStringLiteral("sweep"), QStringLiteral("--scores"),
             QString::fromStdString(dir + "/r.npy," + dir + "/f.npy"), QStringLiteral("--labels"),
             QString::fromStdString(dir + "/y.npy"), QStringLiteral("--energy"),
             QStringLiteral("10,100"), QStringLiteral("--policy"), QStringLiteral("ari"),
             QStringLiteral("--taus"), QStringLiteral("0,0.5"), QStringLiteral("--csv")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QStringList lines = csvLines(r.out);
        QCOMPARE(lines.size(), 3);
        // τ = 0: the reduced tier answers (50 % right); τ = 0.5 escalates the unsure half
        // (margin 0.1) and keeps the sure one (margin 0.7): all right, 10 + 0.5 * 100 pJ.
        QCOMPARE(lines[1], QStringLiteral("0,0.5,0.5,0,10"));
        QCOMPARE(lines[2], QStringLiteral("0.5,1,1,0.5,60"));
    }

    void errorsAreOneLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        const QString bad = m_dir.filePath(QStringLiteral("bad.json"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"name\": \"x\", \"dataset\": \"synth-digits\", \"models\": "
                "[{\"name\": \"m\", \"recipe\": \"mlp\"}], \"devices\": [\"asic45\"], "
                "\"policies\": [{\"kind\": \"ari\", \"models\": [\"m\"], \"reduced\": \"int4\", "
                "\"taus\": [2]}]}");
        f.close();
        QTest::newRow("bad tau") << QStringList{QStringLiteral("study"), QStringLiteral("run"), bad,
                                                QStringLiteral("--project"),
                                                m_dir.filePath(QStringLiteral("x.frontier"))}
                                 << "key 'policies[0].taus[0]': threshold 2 is out of range";
        QTest::newRow("no study") << QStringList{QStringLiteral("study"),
                                                 QStringLiteral("trials"),
                                                 QStringLiteral("--project"),
                                                 m_project,
                                                 QStringLiteral("--study"),
                                                 QStringLiteral("nope"),
                                                 QStringLiteral("--csv")}
                                  << "no study named 'nope'";
        QTest::newRow("no template")
            << QStringList{QStringLiteral("study"), QStringLiteral("run"),
                           QStringLiteral("nosuchstudy"), QStringLiteral("--project"), m_project}
            << "no such study template";
    }

    void failedRunLeavesProjectAsItWas()
    {
        // Each of these specs fails before its run starts: it does not change the project
        // file (nor register its dataset) or create one.
        QFile spec(kSpec);
        QVERIFY(spec.open(QIODevice::ReadOnly));
        const QJsonObject base = QJsonDocument::fromJson(spec.readAll()).object();
        QJsonObject noData = base;
        noData[QStringLiteral("name")] = QStringLiteral("nodata");
        noData[QStringLiteral("dataset")] = QStringLiteral("no-such-dataset");
        QJsonObject cnnOnTable = base;
        cnnOnTable[QStringLiteral("name")] = QStringLiteral("cnn");
        cnnOnTable[QStringLiteral("dataset")] = QStringLiteral("iris");
        QJsonArray models = cnnOnTable.value(QStringLiteral("models")).toArray();
        QJsonObject first = models.at(0).toObject();
        first[QStringLiteral("recipe")] = QStringLiteral("lenet");
        first.remove(QStringLiteral("widths"));
        models[0] = first;
        cnnOnTable[QStringLiteral("models")] = models;
        // A model file that does not load is found before the project is opened too.
        const QString corrupt = m_dir.filePath(QStringLiteral("corrupt.fmodel"));
        {
            QFile f(corrupt);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("FRONTIER-MODEL but not really");
        }
        QJsonObject badModel = base;
        badModel[QStringLiteral("name")] = QStringLiteral("badmodel");
        QJsonArray badModels = badModel.value(QStringLiteral("models")).toArray();
        badModels[0] = QJsonObject{{QStringLiteral("name"), QStringLiteral("mlp")},
                                   {QStringLiteral("path"), corrupt}};
        badModel[QStringLiteral("models")] = badModels;
        QJsonObject nameTaken = base; // "runner" exists with another dataset
        nameTaken[QStringLiteral("dataset")] = QStringLiteral("iris");
        auto bytes = [](const QString &path) {
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        };
        const QByteArray before = bytes(m_project);
        QVERIFY(!before.isEmpty());
        const QString fresh = m_dir.filePath(QStringLiteral("fresh.frontier"));
        const std::pair<QJsonObject, const char *> cases[]
            = {{noData, "nodata.json: key 'dataset'"},
               {cnnOnTable, "cnn.json: key 'models': model 'mlp': recipe lenet"},
               {badModel, "badmodel.json: key 'models': model 'mlp': "},
               {nameTaken, "study 'runner' already exists with a different spec"}};
        for (const auto &[o, expected] : cases) {
            const QString path
                = m_dir.filePath(o.value(QStringLiteral("name")).toString() + ".json");
            QFile out(path);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(QJsonDocument(o).toJson());
            out.close();
            for (const QString &project : {m_project, fresh}) {
                if (project == fresh && o == nameTaken)
                    continue; // a new project has no study of that name
                const Result r = frontierRun({QStringLiteral("study"), QStringLiteral("run"), path,
                                              QStringLiteral("--project"), project});
                QCOMPARE(r.exitCode, 1);
                QVERIFY2(r.err.contains(expected) && r.err.count('\n') == 1, r.err.constData());
            }
            QVERIFY2(bytes(m_project) == before, qPrintable(path));
            QVERIFY2(!QFile::exists(fresh), qPrintable(path));
        }
    }

    void damagedTrialIsNamed()
    {
        const QString damaged = m_dir.filePath(QStringLiteral("damaged.frontier"));
        QVERIFY(QFile::copy(m_project, damaged));
        {
            frontier::store::Database db(damaged.toStdString(),
                                         frontier::store::Database::Mode::ReadWrite);
            db.exec("UPDATE trials SET config = '{}' WHERE id = (SELECT min(id) FROM trials)");
        }
        const Result r
            = frontierRun({QStringLiteral("study"), QStringLiteral("trials"),
                           QStringLiteral("--project"), damaged, QStringLiteral("--study"),
                           QStringLiteral("runner"), QStringLiteral("--csv")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("damaged.frontier: damaged trial") && r.err.count('\n') == 1,
                 r.err.constData());
    }

    void damagedStoredModelIsNamed()
    {
        // A model stored in a project whose bytes were damaged: the error names the
        // project file and the model, not only the checksum.
        const QString damaged = m_dir.filePath(QStringLiteral("damaged-model.frontier"));
        QVERIFY(QFile::copy(m_project, damaged));
        {
            frontier::store::Database db(damaged.toStdString(),
                                         frontier::store::Database::Mode::ReadWrite);
            db.exec("UPDATE models SET weights = substr(weights, 1, length(weights) - 9) || "
                    "x'5a' || substr(weights, length(weights) - 7)");
        }
        QFile in(kSpec);
        QVERIFY(in.open(QIODevice::ReadOnly));
        QJsonObject o = QJsonDocument::fromJson(in.readAll()).object();
        o[QStringLiteral("name")] = QStringLiteral("needs-a-variant");
        o[QStringLiteral("policies")] = QJsonArray{
            QJsonObject{{QStringLiteral("kind"), QStringLiteral("single")},
                        {QStringLiteral("models"), QJsonArray{QStringLiteral("mlp")}},
                        {QStringLiteral("formats"), QJsonArray{QStringLiteral("int5")}}}};
        const QString spec = m_dir.filePath(QStringLiteral("needs-a-variant.json"));
        QFile out(spec);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(QJsonDocument(o).toJson());
        out.close();
        const Result r = frontierRun({QStringLiteral("study"), QStringLiteral("run"), spec,
                                      QStringLiteral("--project"), damaged});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("damaged-model.frontier: model mlp@")
                     && r.err.contains("checksum mismatch"),
                 r.err.constData());
    }

    void errorsAreOneLine()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const Result r = frontierRun(args);
        QCOMPARE(r.exitCode, 1);
        const QString err = QString::fromUtf8(r.err).trimmed();
        QVERIFY2(err.contains(expected), qPrintable(err));
        QVERIFY2(!err.contains(QLatin1Char('\n')), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TestStudyCli)
#include "tst_studycli.moc"
