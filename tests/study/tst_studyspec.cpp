// Study specs: parsing, one-line errors naming file and key, normalisation, resolution
// into trials (grid and seeded random) and the stability of trial keys.

#include "study/canonicaljson.h"
#include "study/studyspec.h"
#include "study/trialsearch.h"

#include "common/error.h"
#include "common/jsonutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <set>

using namespace frontier;
using namespace frontier::study;

namespace {

// A valid spec with two policies; tests edit copies of it.
QJsonObject baseSpec()
{
    QFile file(QStringLiteral(FRONTIER_TEST_DATA "/fixtures/base-spec.json"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read fixtures/base-spec.json");
    return QJsonDocument::fromJson(file.readAll()).object();
}

StudySpec parse(const QJsonObject &o)
{
    return parseStudySpec(QJsonDocument(o).toJson(), "spec.json");
}

// Sets a value at a dotted path with [i] indices, e.g. "policies[1].taus".
void setAt(QJsonValue &root, const QStringList &path, const QJsonValue &value)
{
    if (path.isEmpty()) {
        root = value;
        return;
    }
    const QString head = path.first();
    const QStringList rest = path.mid(1);
    const int bracket = head.indexOf(QLatin1Char('['));
    if (bracket < 0) {
        QJsonObject o = root.toObject();
        QJsonValue child = o.value(head);
        setAt(child, rest, value);
        if (child.isUndefined())
            o.remove(head);
        else
            o[head] = child;
        root = o;
        return;
    }
    const QString key = head.left(bracket);
    const int index = head.mid(bracket + 1).chopped(1).toInt();
    QJsonObject o = root.toObject();
    QJsonArray a = o.value(key).toArray();
    QJsonValue child = a.at(index);
    setAt(child, rest, value);
    a[index] = child;
    o[key] = a;
    root = o;
}

QJsonObject edited(const QString &path, const QJsonValue &value)
{
    QJsonValue root = baseSpec();
    setAt(root, path.split(QLatin1Char('.')), value);
    return root.toObject();
}

} // namespace

class TestStudySpec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesTheBaseSpec()
    {
        const StudySpec s = parse(baseSpec());
        QCOMPARE(s.name, std::string("unit"));
        QCOMPARE(s.models.size(), size_t(2));
        QCOMPARE(s.policies.size(), size_t(3));
        // "int2..int4" gives three two-tier chains, the array one chain of two.
        QCOMPARE(s.policies[1].variants.size(), size_t(4));
        QCOMPARE(s.policies[1].variants[3], (std::vector<std::string>{"int4", "int8"}));
        QCOMPARE(s.objectives.size(), size_t(2));
        QCOMPARE(s.constraints, std::vector<std::string>{"accuracy>=0.5"});
    }

    void badSpecs_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("expected");

        QTest::newRow("missing name")
            << "name" << QJsonValue(QJsonValue::Undefined) << "key 'name'";
        QTest::newRow("bad name") << "name" << QJsonValue("a b") << "key 'name'";
        QTest::newRow("unknown key") << "colour" << QJsonValue(1) << "key 'colour': unknown key";
        QTest::newRow("unknown recipe") << "models[0].recipe" << QJsonValue("mpl")
                                        << "key 'models[0].recipe': unknown recipe 'mpl'";
        QTest::newRow("recipe and path")
            << "models[0].path" << QJsonValue("x.fmodel") << "key 'models[0].";
        QTest::newRow("negative epochs")
            << "models[1].epochs" << QJsonValue(-3) << "key 'models[1].epochs': -3 is out of range";
        QTest::newRow("bad width")
            << "models[0].widths" << QJsonValue(QJsonArray{0}) << "key 'models[0].widths[0]'";
        QTest::newRow("missing file")
            << "models[0]"
            << QJsonValue(QJsonObject{{"name", "m"}, {"path", "/nonexistent/m.fmodel"}})
            << "key 'models[0].path'";
        QTest::newRow("bad format") << "policies[0].formats" << QJsonValue("int1")
                                    << "key 'policies[0].formats': format 'int1'";
        QTest::newRow("bad range")
            << "policies[1].reduced" << QJsonValue("int2..fp16") << "key 'policies[1].reduced'";
        QTest::newRow("full among reduced")
            << "policies[1].reduced" << QJsonValue("fp32") << "key 'policies[1].reduced'";
        QTest::newRow("tau out of range") << "policies[1].taus" << QJsonValue(QJsonArray{1.5})
                                          << "key 'policies[1].taus[0]': threshold 1.5 is out";
        QTest::newRow("bad rule") << "policies[1].taus" << QJsonValue(QJsonArray{"Q"})
                                  << "key 'policies[1].taus[0]'";
        QTest::newRow("empty range")
            << "policies[1].taus" << QJsonValue("0.9:0.1:5") << "key 'policies[1].taus'";
        QTest::newRow("zero count")
            << "policies[1].taus" << QJsonValue(QJsonObject{{"from", 0}, {"to", 1}, {"count", 0}})
            << "key 'policies[1].taus': count";
        QTest::newRow("unknown policy")
            << "policies[0].kind" << QJsonValue("fast") << "key 'policies[0].kind'";
        QTest::newRow("unknown model") << "policies[0].models" << QJsonValue("vgg")
                                       << "key 'policies[0].models[0]': no model named 'vgg'";
        QTest::newRow("typo in policy")
            << "policies[1].tau" << QJsonValue(0.1) << "key 'policies[1].tau': unknown key";
        QTest::newRow("unknown decision")
            << "policies[2].decisions" << QJsonValue("svm") << "key 'policies[2].decisions[0]'";
        QTest::newRow("decision taus missing")
            << "policies[2].decision_taus" << QJsonValue(QJsonValue::Undefined)
            << "key 'policies[2].decision_taus': missing";
        QTest::newRow("unknown remote")
            << "policies[2].remotes" << QJsonValue("vit") << "key 'policies[2].remotes[0]'";
        QTest::newRow("ideal accuracy")
            << "policies[2].remotes" << QJsonValue(QJsonObject{{"accuracy", 1.2}})
            << "key 'policies[2].remotes[0].accuracy'";
        QTest::newRow("no link") << "links" << QJsonValue(QJsonValue::Undefined)
                                 << "key 'policies[2].kind'";
        QTest::newRow("unknown device") << "devices" << QJsonValue("asic54") << "key 'devices[0]'";
        QTest::newRow("link as device")
            << "devices" << QJsonValue("wifi") << "key 'devices[0]': 'wifi' is a link preset";
        QTest::newRow("bad objective")
            << "objectives" << QJsonValue("energy_pj:least") << "key 'objectives[0]'";
        QTest::newRow("unknown metric")
            << "objectives" << QJsonValue("joules:min") << "key 'objectives[0]'";
        QTest::newRow("bad constraint")
            << "constraints" << QJsonValue("accuracy=>0.9") << "key 'constraints[0]'";
        QTest::newRow("random without trials")
            << "search" << QJsonValue(QJsonObject{{"kind", "random"}})
            << "key 'search.trials': missing";
        QTest::newRow("newer schema") << "schema" << QJsonValue(99) << "key 'schema'";
        QTest::newRow("dataset type") << "dataset" << QJsonValue(3) << "key 'dataset'";
        QTest::newRow("fraction") << "dataset.test_fraction" << QJsonValue(0.95)
                                  << "key 'dataset.test_fraction'";
    }

    void badSpecs()
    {
        QFETCH(QString, path);
        QFETCH(QJsonValue, value);
        QFETCH(QString, expected);
        try {
            parse(edited(path, value));
            QFAIL("no error");
        } catch (const Error &e) {
            const QString what = QString::fromUtf8(e.what());
            QVERIFY2(what.startsWith(QLatin1String("spec.json: ")), qPrintable(what));
            QVERIFY2(what.contains(expected), qPrintable(what));
            QVERIFY2(!what.contains(QLatin1Char('\n')), qPrintable(what));
        }
    }

    void badJson()
    {
        try {
            parseStudySpec(QByteArray("{\"name\": "), "broken.json");
            QFAIL("no error");
        } catch (const Error &e) {
            QVERIFY(QString::fromUtf8(e.what()).startsWith(
                QLatin1String("broken.json: not valid JSON")));
        }
    }

    void duplicateKeys()
    {
        // Qt's parser keeps the last of two equal keys: the spec would not say what its
        // author meant, so it is refused with the line of the second one.
        const QByteArray text
            = "{\n  \"schema\": 1,\n  \"name\": \"a\",\n"
              "  \"dataset\": {\"name\": \"iris\", \"seed\": 1, \"seed\": 2}\n}\n";
        try {
            parseStudySpec(text, "dup.json");
            QFAIL("no error");
        } catch (const Error &e) {
            QCOMPARE(QString::fromUtf8(e.what()),
                     QStringLiteral("dup.json: line 4: duplicate key 'seed' in the object opened "
                                    "at line 4"));
        }
        // Equal keys in different objects, and equal strings as values, are fine.
        const QByteArray fine
            = R"({"a": {"name": "x"}, "b": {"name": "x"}, "c": ["name", "name"]})";
        checkUniqueKeys(fine, "fine.json");
        const QByteArray nested
            = "{\"a\": 1,\n \"b\": {\"c\": [{\"d\": 1}, {\"d\": 2}]},\n \"a\": 2}";
        try {
            checkUniqueKeys(nested, "n.json");
            QFAIL("no error");
        } catch (const Error &e) {
            QCOMPARE(QString::fromUtf8(e.what()),
                     QStringLiteral("n.json: line 3: duplicate key 'a' in the object opened at "
                                    "line 1"));
        }
    }

    void normalisedSpecRoundTrips()
    {
        QJsonObject o = baseSpec();
        QJsonArray models = o[QStringLiteral("models")].toArray();
        QJsonObject lenet = models[1].toObject();
        lenet.remove(QStringLiteral("epochs")); // the recipe's default
        models[1] = lenet;
        o[QStringLiteral("models")] = models;
        const StudySpec s = parse(o);
        const QJsonObject once = s.toJson();
        const StudySpec again = parseStudySpec(once, "stored");
        QCOMPARE(canonicalJson(again.toJson()), canonicalJson(once));
        QCOMPARE(resolveTrials(again).size(), resolveTrials(s).size());
    }

    void everyShippedStudyParses()
    {
        const QDir dir(QStringLiteral(FRONTIER_SOURCE_DIR "/resources/studies"));
        const QStringList files
            = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        QVERIFY(files.size() >= 2);
        for (const QString &f : files) {
            const StudySpec s = loadStudySpec(dir.filePath(f).toStdString());
            QVERIFY2(!resolveTrials(s).empty(), qPrintable(f));
        }
        // The first in alphabetical order is the quick one: at least 50 trials.
        const StudySpec quick = loadStudySpec(dir.filePath(files.first()).toStdString());
        QVERIFY(resolveTrials(quick).size() >= 50);
    }

    void gridCounts()
    {
        const StudySpec s = parse(baseSpec());
        // single: 2 formats; ari: 4 chains x (2 rules + 5 values); hi: (lr, oracle,
        // maxprob x 2 taus) x 2 remotes x 1 link x 1 server; all x 2 devices.
        const int64_t expected = (2 + 4 * 7 + 4 * 2) * 2;
        QCOMPARE(gridSize(s), expected);
        const std::vector<TrialConfig> trials = resolveTrials(s);
        QCOMPARE(int64_t(trials.size()), expected);
        std::set<std::string> keys;
        for (const TrialConfig &t : trials)
            keys.insert(canonicalJson(t.knobs()));
        QCOMPARE(int64_t(keys.size()), expected);
        // ARI trials end with the full tier.
        for (const TrialConfig &t : trials) {
            if (t.kind == policy::PolicyKind::Ari)
                QCOMPARE(t.tiers.back().format, std::string("fp32"));
        }
    }

    void randomSearchIsSeededAndDistinct()
    {
        QJsonObject o = edited(QStringLiteral("search"),
                               QJsonObject{{"kind", "random"}, {"trials", 20}, {"seed", 7}});
        const std::vector<TrialConfig> a = resolveTrials(parse(o));
        const std::vector<TrialConfig> b = resolveTrials(parse(o));
        QCOMPARE(a.size(), size_t(20));
        std::set<std::string> keys;
        for (size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(canonicalJson(a[i].knobs()), canonicalJson(b[i].knobs()));
            keys.insert(canonicalJson(a[i].knobs()));
        }
        QCOMPARE(keys.size(), size_t(20));
        o = edited(QStringLiteral("search"),
                   QJsonObject{{"kind", "random"}, {"trials", 20}, {"seed", 8}});
        const std::vector<TrialConfig> c = resolveTrials(parse(o));
        bool differs = false;
        for (size_t i = 0; i < a.size(); ++i)
            differs |= canonicalJson(a[i].knobs()) != canonicalJson(c[i].knobs());
        QVERIFY(differs);
        // Larger than the grid: the grid.
        o = edited(QStringLiteral("search"), QJsonObject{{"kind", "random"}, {"trials", 100000}});
        QCOMPARE(int64_t(resolveTrials(parse(o)).size()), gridSize(parse(o)));
    }

    void canonicalJsonIsFixed()
    {
        QJsonObject o;
        o[QStringLiteral("b")] = 0.1;
        o[QStringLiteral("a")] = QJsonArray{1, -0.0, 3.0, 1e-7, QStringLiteral("x\"y\n")};
        o[QStringLiteral("c")] = true;
        const std::string expected = "{\"a\":[1,0,3,1e-07,\"x\\\"y\\u000a\"],\"b\":0.1,\"c\":true}";
        QCOMPARE(canonicalJson(o), expected);
    }

    void trialKeysAreStable()
    {
        TrialConfig t;
        t.kind = policy::PolicyKind::Ari;
        t.tiers = {{"mlp", "int4"}, {"mlp", "fp32"}};
        t.tauRule = std::string(1, 'M');
        t.device = std::string("asic45");
        const StudyIdentity id{"d", {{"mlp", "m"}}, {{"asic45", "p"}}};
        // The canonical text of the resolved configuration and its SHA-256 never change
        // (or every project file's trials would be computed again).
        const std::string expected
            = "{\"dataset\":\"d\",\"device\":\"asic45\",\"models\":{\"mlp\":\"m\"},"
              "\"policy\":\"ari\",\"presets\":{\"asic45\":\"p\"},\"tau_rule\":\"M\","
              "\"tiers\":[{\"format\":\"int4\",\"model\":\"mlp\"},"
              "{\"format\":\"fp32\",\"model\":\"mlp\"}],\"v\":1}";
        QCOMPARE(canonicalJson(t.resolved(id)), expected);
        QCOMPARE(t.key(id), canonicalHash(t.resolved(id)));
        QCOMPARE(t.key(id).size(), size_t(64));
        // The knobs and every identity change the key; the policy's position does not.
        TrialConfig u = t;
        u.policyIndex = 3;
        QCOMPARE(u.key(id), t.key(id));
        u.tauRule = "PDF 0.99";
        QVERIFY(u.key(id) != t.key(id));
        const StudyIdentity otherModel{"d", {{"mlp", "m2"}}, {{"asic45", "p"}}};
        QVERIFY(t.key(otherModel) != t.key(id));
        const StudyIdentity otherPreset{"d", {{"mlp", "m"}}, {{"asic45", "p2"}}};
        QVERIFY(t.key(otherPreset) != t.key(id));
        const StudyIdentity otherData{"d2", {{"mlp", "m"}}, {{"asic45", "p"}}};
        QVERIFY(t.key(otherData) != t.key(id));
        // Knobs read back give the same key.
        QCOMPARE(TrialConfig::fromKnobs(t.knobs()).key(id), t.key(id));
    }

    void directCanonicalTextEqualsTheJsonPath()
    {
        // resolvedJson() writes the canonical text without QJson; it must equal
        // canonicalJson(resolved()) for every kind of trial.
        const StudyIdentity id{"d",
                               {{"mlp", "m1"}, {"lenet", "m2"}},
                               {{"asic45", "p1"}, {"cortex-m4f", "p2"}, {"wifi", "p3"}}};
        for (const TrialConfig &t : resolveTrials(parse(baseSpec()))) {
            QCOMPARE(t.resolvedJson(id), canonicalJson(t.resolved(id)));
            QJsonObject withIndex = t.resolved(id);
            withIndex[QStringLiteral("policy_index")] = t.policyIndex;
            QCOMPARE(t.resolvedJson(id, true), canonicalJson(withIndex));
            QCOMPARE(t.key(id), canonicalHash(t.resolved(id)));
        }
    }
};

QTEST_GUILESS_MAIN(TestStudySpec)
#include "tst_studyspec.moc"
