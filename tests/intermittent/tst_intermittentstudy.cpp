// Intermittent policies in studies: the grid of capacitors, harvesters, margins and
// search on/off lands in a real project file with intermittent_latency_s, power_cycles
// and terminates; results do not depend on the thread count; a second run computes
// nothing; bad knobs fail with one line naming the spec key.

#include "testutil.h"

#include "study/studyrunner.h"
#include "study/studyspec.h"
#include "study/trialconfig.h"
#include "study/trialsearch.h"

#include "common/error.h"
#include "policy/policies.h"
#include "store/project.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <map>

using namespace frontier;
using namespace frontier::study;

namespace {

QJsonObject specJson(const QString &trace)
{
    const QString text = QStringLiteral(R"({
        "schema": 1, "name": "intermittent-test",
        "dataset": {"name": "synth-digits", "seed": 1, "samples": 1000},
        "models": [{"name": "lenet", "recipe": "lenet", "widths": [4, 8, 16], "epochs": 1}],
        "policies": [
            {"kind": "single", "models": ["lenet"], "formats": ["int8"]},
            {"kind": "intermittent", "models": ["lenet"], "formats": ["int8", "q1.15"],
             "capacitors": ["5mF", 1], "harvesters": ["rc", "2mW", "TRACE"],
             "margins": [0.55, 1], "search": [true, false]}
        ],
        "devices": ["msp430fr5994"],
        "objectives": ["intermittent_latency_s:min", "accuracy:max"],
        "constraints": ["terminates>=1"]
    })");
    QString t = text;
    t.replace(QStringLiteral("TRACE"), trace);
    return QJsonDocument::fromJson(t.toUtf8()).object();
}

using Stored = std::map<std::string, std::map<std::string, double>>;

Stored readAll(const std::string &path)
{
    store::Project project(path, store::Project::Access::ReadOnly);
    const auto record = project.findStudy("intermittent-test");
    Stored out;
    if (!record)
        return out;
    for (const store::TrialRecord &t : project.trials(record->id)) {
        std::map<std::string, double> m;
        for (const auto &[k, v] : project.trialMetrics(t.id))
            m[k] = v;
        m["_done"] = t.status == store::TrialStatus::Done ? 1 : 0;
        out[t.configHash] = m;
    }
    return out;
}

// ARI (int8 escalating to q1.15) and early exit on harvested power, beside the single
// models they are made of.
QJsonObject composedSpecJson()
{
    return QJsonDocument::fromJson(R"({
        "schema": 1, "name": "composed-test",
        "dataset": {"name": "synth-digits", "seed": 1, "samples": 1500},
        "models": [{"name": "lenet", "recipe": "lenet", "widths": [4, 8, 16], "epochs": 4},
                   {"name": "ee", "recipe": "ee-cnn", "widths": [4, 8, 8, 16], "epochs": 4}],
        "policies": [
            {"kind": "intermittent", "models": ["lenet"], "formats": ["int8", "q1.15"],
             "harvesters": ["2mW"]},
            {"kind": "ari", "models": ["lenet"], "reduced": ["int8"], "full": "q1.15",
             "taus": [0, 0.05, 1], "intermittent": {"harvesters": ["2mW"]}},
            {"kind": "intermittent", "models": ["ee"], "formats": ["int8"],
             "harvesters": ["2mW"]},
            {"kind": "ee", "models": ["ee"], "formats": ["int8"], "taus": [0, 1],
             "intermittent": {"harvesters": ["2mW"]}}
        ],
        "devices": ["msp430fr5994"],
        "objectives": ["intermittent_latency_s:min", "accuracy:max"]
    })")
        .object();
}

QString specError(const QJsonObject &o)
{
    try {
        parseStudySpec(o, "spec.json");
    } catch (const Error &e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

} // namespace

class TestIntermittentStudy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void grid();
    void runAndResume();
    void badKnobs_data();
    void badKnobs();
    void deviceWithoutIntermittentSection();
    void composedPolicies();
    void composedSpecErrors_data();
    void composedSpecErrors();

private:
    QTemporaryDir m_dir;
    QString m_trace;
};

void TestIntermittentStudy::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_trace = m_dir.filePath(QStringLiteral("dusk.csv"));
    std::ofstream(m_trace.toStdString()) << "time_s,power_mw\n0,5\n2,2\n5,0.5\n";
}

void TestIntermittentStudy::grid()
{
    const StudySpec spec = parseStudySpec(specJson(m_trace), "spec.json");
    const std::vector<TrialConfig> trials = resolveTrials(spec);
    // 1 single + 2 formats × 2 capacitors × 3 harvesters × 2 margins × 2 search settings
    QCOMPARE(trials.size(), size_t(1 + 48));
    // Knobs round-trip (what `study resume` reads back) and key every trial uniquely.
    std::set<std::string> keys;
    StudyIdentity id;
    for (const TrialConfig &t : trials) {
        const TrialConfig back = TrialConfig::fromKnobs(t.knobs());
        QCOMPARE(back.key(id), t.key(id));
        keys.insert(t.key(id));
    }
    QCOMPARE(keys.size(), trials.size());
    // The normalised spec parses back to the same trials.
    const StudySpec again = parseStudySpec(spec.toJson(), "spec.json");
    QCOMPARE(resolveTrials(again).size(), trials.size());
    QCOMPARE(trials.back().intermittent.search, false);
    QVERIFY(trials.back().label().find("P=dusk.csv") != std::string::npos);
}

void TestIntermittentStudy::runAndResume()
{
    const StudySpec spec = parseStudySpec(specJson(m_trace), "spec.json");
    const std::string one = m_dir.filePath(QStringLiteral("one.frontier")).toStdString();
    const std::string two = m_dir.filePath(QStringLiteral("two.frontier")).toStdString();
    RunOptions o1;
    o1.threads = 1;
    const RunReport r1 = StudyRunner(one).run(spec, o1);
    QCOMPARE(r1.failed, int64_t(0));
    QCOMPARE(r1.computed, int64_t(49));
    RunOptions o2;
    o2.threads = 2;
    StudyRunner(two).run(spec, o2);
    const Stored a = readAll(one), b = readAll(two);
    QCOMPARE(a.size(), size_t(49));
    QVERIFY(a == b); // bit for bit, whatever the thread count

    int intermittent = 0;
    for (const auto &[hash, m] : a) {
        QCOMPARE(m.at("_done"), 1.0);
        if (!m.count("intermittent_latency_s"))
            continue;
        ++intermittent;
        QVERIFY(m.count("power_cycles") && m.count("terminates") && m.count("accuracy")
                && m.count("energy_pj"));
        if (m.at("terminates") == 1.0) {
            QVERIFY(std::isfinite(m.at("intermittent_latency_s")));
            FRONTIER_COMPARE_REL(m.at("intermittent_active_s") + m.at("intermittent_recharge_s"),
                                 m.at("intermittent_latency_s"), 1e-9);
            QVERIFY(m.at("power_cycles") >= 1);
        } else {
            QVERIFY(std::isinf(m.at("intermittent_latency_s")));
        }
    }
    QCOMPARE(intermittent, 48);

    // Searched never slower than per-task for the same knobs.
    store::Project project(one, store::Project::Access::ReadOnly);
    const auto record = project.findStudy("intermittent-test");
    std::map<std::string, std::pair<double, double>> pairs; // knobs without search
    for (const store::TrialRecord &t : project.trials(record->id)) {
        QJsonObject knobs = QJsonDocument::fromJson(QByteArray::fromStdString(t.config)).object();
        if (knobs.value(QStringLiteral("policy")).toString() != QLatin1String("intermittent"))
            continue;
        QJsonObject k = knobs.value(QStringLiteral("intermittent")).toObject();
        const bool searched = k.value(QStringLiteral("search")).toBool();
        k.remove(QStringLiteral("search"));
        knobs[QStringLiteral("intermittent")] = k;
        const std::string key = QJsonDocument(knobs).toJson(QJsonDocument::Compact).toStdString();
        double latency = 0;
        for (const auto &[name, v] : project.trialMetrics(t.id))
            if (name == "intermittent_latency_s")
                latency = v;
        (searched ? pairs[key].first : pairs[key].second) = latency;
    }
    QCOMPARE(pairs.size(), size_t(24));
    for (const auto &[key, p] : pairs)
        QVERIFY2(p.first <= p.second * (1 + 1e-12), key.c_str());

    // A second run computes nothing.
    const RunReport again = StudyRunner(one).run(spec, o1);
    QCOMPARE(again.computed, int64_t(0));
    QCOMPARE(again.reused, int64_t(49));
}

void TestIntermittentStudy::badKnobs_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value"); // JSON
    QTest::addColumn<QString>("expected");
    QTest::newRow("zero capacitor") << "capacitors"
                                    << "[0]"
                                    << "key 'policies[1].capacitors[0]': capacitance must be "
                                       "above 0";
    QTest::newRow("bad unit") << "capacitors"
                              << "[\"5mV\"]"
                              << "key 'policies[1].capacitors[0]'";
    QTest::newRow("negative power") << "harvesters"
                                    << "[\"-2mW\"]"
                                    << "key 'policies[1].harvesters[0]'";
    QTest::newRow("margin") << "margins"
                            << "[1.5]"
                            << "key 'policies[1].margins[0]': a margin is a number in (0, 1]";
    QTest::newRow("search") << "search"
                            << "[\"yes\"]"
                            << "key 'policies[1].search[0]': expected true or false";
    QTest::newRow("missing trace") << "harvesters"
                                   << "[\"/nonexistent/trace.csv\"]"
                                   << "key 'policies[1].harvesters[0]'";
}

void TestIntermittentStudy::badKnobs()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, expected);
    QJsonObject o = specJson(m_trace);
    QJsonArray policies = o.value(QStringLiteral("policies")).toArray();
    QJsonObject p = policies[1].toObject();
    p[key] = QJsonDocument::fromJson(value.toUtf8()).array();
    policies[1] = p;
    o[QStringLiteral("policies")] = policies;
    const QString error = specError(o);
    QVERIFY2(error.startsWith(QStringLiteral("spec.json: ")), qPrintable(error));
    QVERIFY2(error.contains(expected), qPrintable(error));
    QVERIFY(!error.contains(QLatin1Char('\n')));
    QCOMPARE(error.count(QStringLiteral("policies[1]")), 1);

    // A trace with negative power names the file, line and column too.
    o = specJson(m_trace);
    policies = o.value(QStringLiteral("policies")).toArray();
    p = policies[1].toObject();
    const QString bad = m_dir.filePath(QStringLiteral("bad.csv"));
    std::ofstream(bad.toStdString()) << "time_s,power_w\n0,0.001\n1,-0.001\n";
    p[QStringLiteral("harvesters")] = QJsonArray{bad};
    policies[1] = p;
    o[QStringLiteral("policies")] = policies;
    const QString traceError = specError(o);
    QVERIFY2(traceError.contains(QStringLiteral("key 'policies[1].harvesters[0]'"))
                 && traceError.contains(QStringLiteral("line 3: key 'power_w': negative power")),
             qPrintable(traceError));
}

void TestIntermittentStudy::deviceWithoutIntermittentSection()
{
    QJsonObject o = specJson(m_trace);
    o[QStringLiteral("devices")] = QJsonArray{QStringLiteral("asic45")};
    const StudySpec spec = parseStudySpec(o, "spec.json");
    const std::string path = m_dir.filePath(QStringLiteral("asic.frontier")).toStdString();
    try {
        StudyRunner(path).run(spec);
        QFAIL("no error");
    } catch (const Error &e) {
        const std::string what = e.what();
        QVERIFY2(what.find("key 'devices[0]'") != std::string::npos
                     && what.find("intermittent") != std::string::npos,
                 what.c_str());
    }
}

// ARI and EE compose with intermittent power: a sample escalated by ARI runs the reduced
// model and then the full one in one simulation, a sample leaving at an exit runs only the
// blocks before it, and the trial's figures are the expectation over the samples.
void TestIntermittentStudy::composedPolicies()
{
    const StudySpec spec = parseStudySpec(composedSpecJson(), "spec.json");
    const std::string path = m_dir.filePath(QStringLiteral("composed.frontier")).toStdString();
    const RunReport report = StudyRunner(path).run(spec);
    QCOMPARE(report.failed, int64_t(0));
    QCOMPARE(report.computed, int64_t(2 + 3 + 1 + 2));

    store::Project project(path, store::Project::Access::ReadOnly);
    const auto record = project.findStudy("composed-test");
    QVERIFY(record);
    std::map<std::string, std::map<std::string, double>> byLabel; // "policy tiers tau"
    for (const store::TrialRecord &t : project.trials(record->id)) {
        const QJsonObject knobs
            = QJsonDocument::fromJson(QByteArray::fromStdString(t.config)).object();
        QVERIFY2(knobs.contains(QStringLiteral("intermittent")), t.config.c_str());
        const TrialConfig trial = TrialConfig::fromKnobs(knobs);
        QVERIFY(trial.harvested);
        std::string label = policy::policyName(trial.kind);
        for (const TierRef &tier : trial.tiers)
            label.append(" ").append(tier.label());
        if (!trial.tauRule.empty())
            label.append(" ").append(trial.tauRule);
        for (const auto &[name, v] : project.trialMetrics(t.id))
            byLabel[label][name] = v;
    }
    QCOMPARE(byLabel.size(), size_t(8));
    const auto &int8 = byLabel.at("intermittent lenet/int8");
    const auto &q15 = byLabel.at("intermittent lenet/q1.15");
    const auto &none = byLabel.at("ari lenet/int8 lenet/q1.15 0");
    const auto &some = byLabel.at("ari lenet/int8 lenet/q1.15 0.05");
    const auto &all = byLabel.at("ari lenet/int8 lenet/q1.15 1");

    // τ = 0: nobody escalates, so it is the reduced model alone, to the bit.
    QCOMPARE(none.at("escalated"), 0.0);
    QCOMPARE(none.at("intermittent_latency_s"), int8.at("intermittent_latency_s"));
    QCOMPARE(none.at("power_cycles"), int8.at("power_cycles"));
    // τ = 1: everybody runs int8 and then q1.15, longer than either alone.
    QCOMPARE(all.at("escalated"), 1.0);
    const double both = all.at("intermittent_latency_s");
    QVERIFY(both > int8.at("intermittent_latency_s") && both > q15.at("intermittent_latency_s"));
    QVERIFY(all.at("power_cycles") >= q15.at("power_cycles"));
    QCOMPARE(all.at("intermittent_latency_worst_s"), both);
    // In between: the mixture of the two paths, weighted by the escalated share.
    const double e = some.at("escalated");
    QVERIFY2(e > 0 && e < 1, qPrintable(QString::number(e)));
    const double l0 = int8.at("intermittent_latency_s");
    FRONTIER_COMPARE_REL(some.at("intermittent_latency_s"), (1 - e) * l0 + e * both, 1e-12);
    FRONTIER_COMPARE_REL(some.at("power_cycles"),
                         (1 - e) * int8.at("power_cycles") + e * all.at("power_cycles"), 1e-12);
    FRONTIER_COMPARE_REL(
        some.at("intermittent_energy_j"),
        (1 - e) * int8.at("intermittent_energy_j") + e * all.at("intermittent_energy_j"), 1e-12);
    QCOMPARE(some.at("intermittent_latency_worst_s"), both);
    QCOMPARE(some.at("terminates"), 1.0);

    // Early exit: every sample through the final head runs the whole model, as the plain
    // intermittent run of the same model does; leaving at the first exit is faster.
    const auto &whole = byLabel.at("intermittent ee/int8");
    const auto &last = byLabel.at("ee ee/int8 1");
    const auto &first = byLabel.at("ee ee/int8 0");
    QCOMPARE(last.at("intermittent_latency_s"), whole.at("intermittent_latency_s"));
    QVERIFY(first.at("intermittent_latency_s") < 0.9 * whole.at("intermittent_latency_s"));
    QVERIFY(first.at("intermittent_energy_j") < whole.at("intermittent_energy_j"));
}

void TestIntermittentStudy::composedSpecErrors_data()
{
    QTest::addColumn<int>("policy");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value"); // JSON
    QTest::addColumn<QString>("expected");
    QTest::newRow("fp32 full tier")
        << 1 << "full"
        << "\"fp32\""
        << "key 'policies[1].full': 'fp32' does not run on an intermittent device";
    QTest::newRow("minifloat exit format")
        << 3 << "formats"
        << "[\"fp16\"]"
        << "key 'policies[3].formats': 'fp16' does not run on an intermittent device";
    QTest::newRow("nested bad capacitor")
        << 1 << "intermittent"
        << "{\"capacitors\": [0]}"
        << "key 'policies[1].intermittent.capacitors[0]': capacitance must be above 0";
    QTest::newRow("nested typo") << 3 << "intermittent"
                                 << "{\"harvester\": [\"2mW\"]}"
                                 << "key 'policies[3].intermittent.harvester'";
    QTest::newRow("not an object") << 1 << "intermittent"
                                   << "[1]"
                                   << "key 'policies[1].intermittent': expected an object";
}

void TestIntermittentStudy::composedSpecErrors()
{
    QFETCH(int, policy);
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, expected);
    QJsonObject o = composedSpecJson();
    QJsonArray policies = o.value(QStringLiteral("policies")).toArray();
    QJsonObject p = policies[policy].toObject();
    p[key] = QJsonDocument::fromJson("{\"v\": " + value.toUtf8() + "}").object().value("v");
    policies[policy] = p;
    o[QStringLiteral("policies")] = policies;
    const QString error = specError(o);
    QVERIFY2(error.startsWith(QStringLiteral("spec.json: ")), qPrintable(error));
    QVERIFY2(error.contains(expected), qPrintable(error));
    QVERIFY(!error.contains(QLatin1Char('\n')));

    // An offloading policy on harvested power is refused by name.
    o = composedSpecJson();
    policies = o.value(QStringLiteral("policies")).toArray();
    policies.append(QJsonDocument::fromJson(R"({"kind": "hi", "models": ["lenet"],
        "formats": ["int8"], "remotes": [{"accuracy": 0.99}], "decisions": ["oracle"],
        "intermittent": {}})")
                        .object());
    o[QStringLiteral("policies")] = policies;
    o[QStringLiteral("links")] = QJsonArray{QStringLiteral("wifi")};
    const QString hi = specError(o);
    QVERIFY2(hi.contains(QStringLiteral("key 'policies[4].intermittent': runs with the ari and ee "
                                        "policies only")),
             qPrintable(hi));
}

QTEST_GUILESS_MAIN(TestIntermittentStudy)
#include "tst_intermittentstudy.moc"
