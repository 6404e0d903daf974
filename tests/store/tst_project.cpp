// The project file's contents: create, open, reopen; datasets, models, studies, trials,
// metrics, output caches, fronts; read-only access; integrity after use.

#include "common/error.h"
#include "common/random.h"
#include "store/metricjson.h"
#include "store/project.h"
#include "store/schema.h"

#include "testutil.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>

using namespace frontier;
using namespace frontier::store;

namespace {

// "prefix<i>" (GCC 12 warns falsely about "literal" + std::string at -O3).
std::string numbered(const char *prefix, int64_t i)
{
    std::string s(prefix);
    s += std::to_string(i);
    return s;
}

bool sameBits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

} // namespace

class TestProject : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void createOpenReopen();
    void datasetsAndModels();
    void studiesAndTrials();
    void metricsRoundTripExactly();
    void metricTable();
    void outputCacheRoundTrip();
    void damagedCacheIsAnError();
    void fronts();
    void readOnlyNeverWrites();
    void readerLeavesNoSideFiles();
    void foreignKeysAreOn();

private:
    std::string path(const char *name = "p.frontier") const
    {
        return m_dir->filePath(QString::fromLatin1(name)).toStdString();
    }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestProject::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestProject::createOpenReopen()
{
    int64_t study = 0;
    {
        Project p(path());
        QCOMPARE(p.schemaVersion(), schema::kCurrentVersion);
        QVERIFY(p.backupPath().empty());
        QCOMPARE(p.database().queryInt("PRAGMA application_id"), int64_t(schema::kApplicationId));
        QCOMPARE(p.database().queryInt("PRAGMA foreign_keys"), int64_t(1));
        {
            Statement mode(p.database(), "PRAGMA journal_mode");
            QVERIFY(mode.step());
            QCOMPARE(mode.text(0), std::string("wal"));
        }
        study = p.createStudy("quick", "{\"name\":\"quick\"}");
        QCOMPARE(p.addTrials(study, {{"h1", "{}"}, {"h2", "{}"}}), 2);
    }
    {
        Project p(path());
        QVERIFY(p.backupPath().empty());
        const std::optional<StudyRecord> s = p.findStudy("quick");
        QVERIFY(s.has_value());
        QCOMPARE(s->id, study);
        QCOMPARE(s->spec, std::string("{\"name\":\"quick\"}"));
        QVERIFY(s->status == StudyStatus::Pending);
        QVERIFY(!s->created.empty());
        QCOMPARE(p.trialCounts(study).pending, int64_t(2));
        QCOMPARE(p.integrityCheck(), std::string("ok"));
    }
    Project reader(path(), Project::Access::ReadOnly);
    QVERIFY(reader.readOnly());
    QCOMPARE(int(reader.studies().size()), 1);
}

void TestProject::datasetsAndModels()
{
    Project p(path());
    const int64_t d1 = p.addDataset("synth-digits", "/data/synth", "abc");
    QCOMPARE(p.addDataset("again", "/data/synth", "abc"), d1); // same path and hash
    const int64_t d2 = p.addDataset("synth-digits", "/data/synth", "def");
    QVERIFY(d2 != d1);
    QCOMPARE(int(p.datasets().size()), 2);
    QCOMPARE(p.datasets()[0].name, std::string("synth-digits"));

    std::vector<uint8_t> bytes(100000);
    Random r(1);
    for (uint8_t &b : bytes)
        b = uint8_t(r.below(256));
    const int64_t m1 = p.putModel("mlp", bytes);
    QCOMPARE(p.putModel("mlp-copy", bytes), m1); // content-addressed
    QCOMPARE(p.modelBytes(m1), bytes);
    bytes[0] ^= 1;
    const int64_t m2 = p.putModel("mlp", bytes);
    QVERIFY(m2 != m1);
    QCOMPARE(p.findModel("mlp")->id, m2); // the latest of that name
    QCOMPARE(p.findModel("mlp")->bytes, int64_t(bytes.size()));
    QCOMPARE(p.findModel("mlp")->contentHash.size(), size_t(64));
    QVERIFY(!p.findModel("lenet").has_value());
    QCOMPARE(int(p.models().size()), 2);
    QVERIFY_THROWS_EXCEPTION(Error, p.modelBytes(999));
}

void TestProject::studiesAndTrials()
{
    Project p(path());
    const int64_t s = p.createStudy("a", "{\"x\":1}");
    QCOMPARE(p.createStudy("a", "{\"x\":1}"), s);
    QVERIFY_THROWS_EXCEPTION(Error, p.createStudy("a", "{\"x\":2}"));
    const int64_t other = p.createStudy("b", "{}");

    std::vector<TrialConfig> configs;
    for (int i = 0; i < 10; ++i)
        configs.push_back({numbered("hash", i), numbered("{\"i\":", i) + "}"});
    QCOMPARE(p.addTrials(s, configs), 10);
    QCOMPARE(p.addTrials(s, configs), 0);          // running twice adds nothing
    QCOMPARE(p.addTrials(other, {configs[0]}), 1); // hashes are unique per study only

    const std::vector<TrialRecord> all = p.trials(s);
    QCOMPARE(int(all.size()), 10);
    QCOMPARE(all[3].config, std::string("{\"i\":3}"));
    p.markTrialRunning(all[0].id);
    p.markTrialRunning(all[1].id);
    p.markTrialRunning(all[2].id);
    p.finishTrial(all[0].id, {{"accuracy", 0.9}, {"energy_pj", 100}});
    p.failTrial(all[1].id, "out of memory");
    TrialCounts c = p.trialCounts(s);
    QCOMPARE(c.pending, int64_t(7));
    QCOMPARE(c.running, int64_t(1));
    QCOMPARE(c.done, int64_t(1));
    QCOMPARE(c.failed, int64_t(1));
    QCOMPARE(c.total(), int64_t(10));
    // A killed run left one 'running': resume puts it back to pending.
    QCOMPARE(p.resetRunningTrials(s), 1);
    QCOMPARE(p.trialCounts(s).running, int64_t(0));
    QCOMPARE(int(p.trials(s, TrialStatus::Pending).size()), 8);
    const std::vector<TrialRecord> failed = p.trials(s, TrialStatus::Failed);
    QCOMPARE(failed.at(0).error, std::string("out of memory"));
    const TrialRecord done = p.trials(s, TrialStatus::Done).at(0);
    QVERIFY(!done.started.empty() && !done.finished.empty());
    QVERIFY_THROWS_EXCEPTION(Error, p.finishTrial(12345, {}));
    QVERIFY_THROWS_EXCEPTION(Error, p.markTrialRunning(12345));

    p.setStudyStatus(s, StudyStatus::Done);
    QVERIFY(p.findStudy("a")->status == StudyStatus::Done);
    QVERIFY_THROWS_EXCEPTION(Error, p.setStudyStatus(999, StudyStatus::Done));
    QCOMPARE(int(p.studies().size()), 2);

    // Batch insert of finished trials skips hashes already there.
    const int added = p.insertFinishedTrials(
        s, {{configs[0], {{"accuracy", 1}}}, {{"new", "{}"}, {{"accuracy", 0.5}}}});
    QCOMPARE(added, 1);
    QCOMPARE(p.trialCounts(s).done, int64_t(2));
}

void TestProject::metricsRoundTripExactly()
{
    Project p(path());
    const int64_t s = p.createStudy("m", "{}");
    p.addTrials(s, {{"h", "{}"}});
    const int64_t trial = p.trials(s)[0].id;
    const MetricValues metrics = {
        {"accuracy", 0.1 + 0.2},
        {"energy_pj", 1.0 / 3.0},
        {"tiny", std::numeric_limits<double>::denorm_min()},
        {"huge", std::numeric_limits<double>::max()},
        {"negative", -2.5e-300},
        {"inf", INFINITY},
        {"minus_inf", -INFINITY},
        {"missing", NAN},
        {"zero", -0.0},
    };
    p.finishTrial(trial, metrics);
    const MetricValues back = p.trialMetrics(trial);
    QCOMPARE(back.size(), metrics.size());
    for (size_t i = 0; i < metrics.size(); ++i) {
        QCOMPARE(back[i].first, metrics[i].first);
        if (std::isnan(metrics[i].second))
            QVERIFY(std::isnan(back[i].second));
        else
            QVERIFY2(sameBits(back[i].second, metrics[i].second), back[i].first.c_str());
    }
    // SQL can reach the values too.
    {
        Statement q(p.database(), "SELECT json_extract(metrics, '$.energy_pj') FROM trials");
        QVERIFY(q.step());
        QCOMPARE(q.real(0), 1.0 / 3.0);
    }

    QVERIFY_THROWS_EXCEPTION(Error, metricsToJson({{"bad\"name", 1}}));
    QVERIFY_THROWS_EXCEPTION(Error, metricsToJson({{"", 1}}));
    for (const char *bad : {"", "[]", "{\"a\":}", "{\"a\":1,}", "{\"a\":\"x\"}", "{\"a\":1} x",
                            "{\"a\" 1}", "{a:1}"}) {
        QVERIFY_THROWS_EXCEPTION(Error, metricsFromJson(bad, "test"));
    }
    QCOMPARE(int(metricsFromJson(" { } ", "test").size()), 0);
    QCOMPARE(metricsFromJson("{\"a\": 1e-400}", "test")[0].second, 0.0);
}

void TestProject::metricTable()
{
    Project p(path());
    const int64_t s = p.createStudy("t", "{}");
    p.addTrials(s, {{"a", "{}"}, {"b", "{}"}, {"c", "{}"}, {"d", "{}"}});
    const std::vector<TrialRecord> t = p.trials(s);
    p.finishTrial(t[0].id, {{"energy_pj", 10}, {"accuracy", 0.9}});
    p.finishTrial(t[2].id, {{"accuracy", 0.8}, {"energy_pj", 5}, {"latency_us", 3}});
    p.finishTrial(t[3].id, {{"latency_us", 7}});
    p.failTrial(t[1].id, "no"); // not in the table
    const MetricTable m = p.metricTable(s, {"energy_pj", "accuracy", "nothing"});
    QCOMPARE(m.rows(), 3);
    QCOMPARE(m.trialIds, (std::vector<int64_t>{t[0].id, t[2].id, t[3].id}));
    QCOMPARE(m.at(0, 0), 10.0);
    QCOMPARE(m.at(0, 1), 0.9);
    QCOMPARE(m.at(1, 0), 5.0);
    QCOMPARE(m.at(1, 1), 0.8);
    QVERIFY(std::isnan(m.at(0, 2)));
    QVERIFY(std::isnan(m.at(2, 0)));
    QCOMPARE(p.metricNames(s), (std::vector<std::string>{"accuracy", "energy_pj", "latency_us"}));
    QCOMPARE(p.metricTable(999, {"accuracy"}).rows(), 0);
}

void TestProject::outputCacheRoundTrip()
{
    Project p(path());
    const int64_t model = p.putModel("mlp", {1, 2, 3});
    OutputCache c;
    c.key = {model, "int4", "hash", "test", -1};
    c.samples = 1000;
    c.classes = 10;
    Random r(3);
    for (int i = 0; i < c.samples * c.classes; ++i)
        c.scores.push_back(r.uniformF());
    c.scores[5] = -0.0f;
    c.scores[6] = std::numeric_limits<float>::denorm_min();
    c.scores[7] = INFINITY;
    for (int i = 0; i < c.samples; ++i) {
        c.predictions.push_back(int32_t(r.below(10)));
        c.margins.push_back(r.uniformF());
    }
    QVERIFY(!p.hasOutputs(c.key));
    p.putOutputs(c);
    QVERIFY(p.hasOutputs(c.key));
    const std::optional<OutputCache> back = p.findOutputs(c.key);
    QVERIFY(back.has_value());
    QCOMPARE(back->samples, c.samples);
    QCOMPARE(back->classes, c.classes);
    QVERIFY(std::memcmp(back->scores.data(), c.scores.data(), c.scores.size() * 4) == 0);
    QCOMPARE(back->predictions, c.predictions);
    QCOMPARE(back->margins, c.margins);

    // Another split, head or format is another entry; the same key is replaced.
    OutputCache other = c;
    other.key.head = 0;
    other.predictions[0] = 77;
    p.putOutputs(other);
    QCOMPARE(p.findOutputs(c.key)->predictions[0], c.predictions[0]);
    QCOMPARE(p.findOutputs(other.key)->predictions[0], 77);
    other.samples = 1;
    other.scores.resize(10);
    other.predictions.resize(1);
    other.margins.resize(1);
    p.putOutputs(other);
    QCOMPARE(p.findOutputs(other.key)->samples, 1);
    QVERIFY(!p.findOutputs({model, "int4", "hash", "train", -1}).has_value());

    // Predictions-only caches (no scores) are allowed; inconsistent arrays are not.
    OutputCache bare;
    bare.key = {model, "remote", "hash", "test", -1};
    bare.samples = 2;
    bare.predictions = {1, 2};
    bare.margins = {1, 1};
    p.putOutputs(bare);
    QCOMPARE(p.findOutputs(bare.key)->predictions, (std::vector<int32_t>{1, 2}));
    bare.margins.pop_back();
    QVERIFY_THROWS_EXCEPTION(Error, p.putOutputs(bare));
    QCOMPARE(p.integrityCheck(), std::string("ok"));
}

void TestProject::damagedCacheIsAnError()
{
    Project p(path());
    const int64_t model = p.putModel("mlp", {1});
    OutputCache c;
    c.key = {model, "fp32", "h", "test", -1};
    c.samples = 2;
    c.classes = 2;
    c.scores = {0.5f, 0.5f, 0.1f, 0.9f};
    c.predictions = {0, 1};
    c.margins = {0, 0.8f};
    p.putOutputs(c);
    p.database().exec("UPDATE output_caches SET scores = zeroblob(3)");
    try {
        p.findOutputs(c.key);
        QFAIL("a damaged cache was read");
    } catch (const Error &e) {
        QVERIFY2(std::string(e.what()).find(path()) == 0, e.what());
    }
}

void TestProject::fronts()
{
    Project p(path());
    const int64_t s = p.createStudy("f", "{}");
    p.addTrials(s, {{"a", "{}"}, {"b", "{}"}, {"c", "{}"}});
    const std::vector<TrialRecord> t = p.trials(s);
    FrontRecord f;
    f.studyId = s;
    f.objectives = "energy_pj:min,accuracy:max";
    f.trialIds = {t[0].id, t[2].id};
    f.hypervolume = 12.5;
    f.kneeTrialId = t[2].id;
    const int64_t id = p.putFront(f);
    std::optional<FrontRecord> back = p.findFront(s, f.objectives);
    QVERIFY(back.has_value());
    QCOMPARE(back->id, id);
    QCOMPARE(back->trialIds, f.trialIds);
    QCOMPARE(back->hypervolume, 12.5);
    QCOMPARE(back->kneeTrialId, t[2].id);
    // Replaced, not duplicated; no knee and no hypervolume are stored as such.
    f.trialIds = {t[1].id};
    f.kneeTrialId = 0;
    f.hypervolume = NAN;
    QCOMPARE(p.putFront(f), id);
    back = p.findFront(s, f.objectives);
    QCOMPARE(back->trialIds, std::vector<int64_t>{t[1].id});
    QCOMPARE(back->kneeTrialId, int64_t(0));
    QVERIFY(std::isnan(back->hypervolume));
    QVERIFY(!p.findFront(s, "latency_us:min").has_value());
    f.trialIds = {99999}; // not a trial
    QVERIFY_THROWS_EXCEPTION(Error, p.putFront(f));
    QCOMPARE(p.findFront(s, f.objectives)->trialIds, std::vector<int64_t>{t[1].id});
}

void TestProject::readOnlyNeverWrites()
{
    {
        Project p(path());
        p.createStudy("s", "{}");
    }
    Project r(path(), Project::Access::ReadOnly);
    QVERIFY_THROWS_EXCEPTION(Error, r.createStudy("t", "{}"));
    QVERIFY_THROWS_EXCEPTION(Error, r.addTrials(1, {{"h", "{}"}}));
    QVERIFY_THROWS_EXCEPTION(Error, r.putModel("m", {1}));
    QVERIFY_THROWS_EXCEPTION(Error, r.database().exec("DELETE FROM studies"));
    QCOMPARE(int(r.studies().size()), 1);
    QVERIFY_THROWS_EXCEPTION(Error, Project(path("absent.frontier"), Project::Access::ReadOnly));
    QVERIFY(!QFile::exists(QString::fromStdString(path("absent.frontier"))));
}

void TestProject::readerLeavesNoSideFiles()
{
    {
        Project p(path());
        p.createStudy("s", "{}");
    }
    const QString file = QString::fromStdString(path());
    const QStringList sideFiles = {file + QStringLiteral("-wal"), file + QStringLiteral("-shm"),
                                   file + QStringLiteral("-journal")};
    for (const QString &f : sideFiles)
        QVERIFY2(!QFile::exists(f), qPrintable(f));
    QFile before(file);
    QVERIFY(before.open(QIODevice::ReadOnly));
    const QByteArray bytes = before.readAll();
    before.close();
    {
        // The project is in WAL mode; reading it leaves neither a WAL nor its index behind,
        // and the file as it was.
        Project r(path(), Project::Access::ReadOnly);
        QCOMPARE(int(r.studies().size()), 1);
        QVERIFY_THROWS_EXCEPTION(Error, r.database().exec("DELETE FROM studies"));
    }
    for (const QString &f : sideFiles)
        QVERIFY2(!QFile::exists(f), qPrintable(f));
    QFile after(file);
    QVERIFY(after.open(QIODevice::ReadOnly));
    QVERIFY(after.readAll() == bytes);

    // Beside a writer (its WAL is there), a reader is truly read-only and the writer goes on.
    Project w(path());
    w.createStudy("t", "{}");
    QVERIFY(QFile::exists(sideFiles[0]));
    {
        Project r(path(), Project::Access::ReadOnly);
        QCOMPARE(int(r.studies().size()), 2);
        QVERIFY_THROWS_EXCEPTION(Error, r.database().exec("DELETE FROM studies"));
    }
    w.createStudy("u", "{}");
    QCOMPARE(int(w.studies().size()), 3);
}

void TestProject::foreignKeysAreOn()
{
    Project p(path());
    QVERIFY_THROWS_EXCEPTION(Error, p.addTrials(42, {{"h", "{}"}})); // no study 42
    QCOMPARE(p.database().queryInt("SELECT count(*) FROM trials"), int64_t(0));
    const int64_t s = p.createStudy("s", "{}");
    p.addTrials(s, {{"h", "{}"}});
    p.database().exec("DELETE FROM studies"); // cascades to its trials
    QCOMPARE(p.database().queryInt("SELECT count(*) FROM trials"), int64_t(0));
    QCOMPARE(p.integrityCheck(), std::string("ok"));
}

QTEST_GUILESS_MAIN(TestProject)
#include "tst_project.moc"
