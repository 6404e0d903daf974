// A study whose `training` section trains methods x bitwidths: its models feed the usual
// policies, and their trials carry the training accounting (train_energy_pj,
// train_gemm_energy_pj, param_memory_bytes) on the trial's device; a second run trains
// nothing; bad training keys are one-line errors naming the key.

#include "study/studyrunner.h"
#include "study/studyspec.h"

#include "common/error.h"
#include "store/project.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <map>

using namespace frontier;
using namespace frontier::study;

namespace {

QJsonObject specJson()
{
    const char *text = R"({
      "name": "training-study",
      "dataset": {"name": "synth-digits", "samples": 800, "max_test": 200},
      "training": {"recipe": "mlp", "widths": [16], "epochs": 1,
                   "methods": ["fp32", "qat", "rct"], "bits": [8], "seeds": [1]},
      "policies": [
        {"kind": "single", "models": ["mlp-fp32-s1", "mlp-qat8-s1", "mlp-rct8-s1"],
         "formats": ["fp32", "int8"]}
      ],
      "devices": ["asic45", "cortex-m4f"],
      "objectives": ["train_gemm_energy_pj:min", "accuracy:max"]
    })";
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

} // namespace

class TestTrainingStudy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void expandsTheTrainingSection();
    void badTrainingKeys_data();
    void badTrainingKeys();
    void trialsCarryTrainingMetrics();

private:
    QTemporaryDir m_dir;
};

void TestTrainingStudy::expandsTheTrainingSection()
{
    QJsonObject o = specJson();
    QJsonObject t = o[QStringLiteral("training")].toObject();
    t[QStringLiteral("bits")] = QJsonArray{8, 4};
    t[QStringLiteral("seeds")] = QJsonArray{1, 2};
    o[QStringLiteral("training")] = t;
    const StudySpec s = parseStudySpec(o, "spec.json");
    std::vector<std::string> names;
    for (const ModelSpec &m : s.models)
        names.push_back(m.name);
    QCOMPARE(names,
             (std::vector<std::string>{"mlp-fp32-s1", "mlp-fp32-s2", "mlp-qat8-s1", "mlp-qat8-s2",
                                       "mlp-qat4-s1", "mlp-qat4-s2", "mlp-rct8-s1", "mlp-rct8-s2",
                                       "mlp-rct4-s1", "mlp-rct4-s2"}));
    QCOMPARE(s.models[4].method, std::string("qat"));
    QCOMPARE(s.models[4].bits, 4);
    QCOMPARE(s.models[9].seed, uint64_t(2));
    QCOMPARE(s.models[9].epochs, 1);
    QCOMPARE(s.models[9].widths, (std::vector<int>{16}));
}

void TestTrainingStudy::badTrainingKeys_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown method")
        << "methods" << QJsonValue(QJsonArray{"fp32", "sgd"}) << "key 'training.methods[1]'";
    QTest::newRow("bits 17") << "bits" << QJsonValue(QJsonArray{8, 17}) << "key 'training.bits[1]'";
    QTest::newRow("unknown recipe")
        << "recipe" << QJsonValue(QStringLiteral("vgg")) << "key 'training.recipe'";
    QTest::newRow("typo") << "method" << QJsonValue(QStringLiteral("qat"))
                          << "key 'training.method'";
}

void TestTrainingStudy::badTrainingKeys()
{
    QFETCH(QString, key);
    QFETCH(QJsonValue, value);
    QFETCH(QString, expected);
    QJsonObject o = specJson();
    QJsonObject t = o[QStringLiteral("training")].toObject();
    t[key] = value;
    o[QStringLiteral("training")] = t;
    try {
        parseStudySpec(o, "spec.json");
        QFAIL("accepted a bad training section");
    } catch (const Error &e) {
        const QString what = QString::fromStdString(e.what());
        QVERIFY2(what.startsWith(QStringLiteral("spec.json: ") + expected), qPrintable(what));
        QVERIFY(!what.contains(QLatin1Char('\n')));
    }
}

void TestTrainingStudy::trialsCarryTrainingMetrics()
{
    QVERIFY(m_dir.isValid());
    const std::string path = m_dir.filePath(QStringLiteral("training.frontier")).toStdString();
    const StudySpec spec = parseStudySpec(specJson(), "spec.json");
    const RunReport r = StudyRunner(path).run(spec);
    QCOMPARE(r.status, std::string("done"));
    QCOMPARE(r.assets.modelsTrained, 3);
    QCOMPARE(r.trials, int64_t(3 * 2 * 2)); // models x formats x devices
    QCOMPARE(r.failed, int64_t(0));

    // (model, device) -> train_gemm_energy_pj; equal for every trial of that pair.
    std::map<std::pair<std::string, std::string>, double> gemm;
    store::Project project(path, store::Project::Access::ReadOnly);
    const auto study = project.findStudy("training-study");
    QVERIFY(study);
    for (const store::TrialRecord &t : project.trials(study->id)) {
        const QJsonObject config
            = QJsonDocument::fromJson(QByteArray::fromStdString(t.config)).object();
        const std::string model
            = config[QStringLiteral("tiers")][0][QStringLiteral("model")].toString().toStdString();
        const std::string device = config[QStringLiteral("device")].toString().toStdString();
        const std::vector<std::pair<std::string, double>> metrics = project.trialMetrics(t.id);
        const std::map<std::string, double> m(metrics.begin(), metrics.end());
        QVERIFY2(m.count("train_energy_pj") && m.count("train_gemm_energy_pj")
                     && m.count("param_memory_bytes"),
                 t.config.c_str());
        QVERIFY(m.at("train_energy_pj") >= m.at("train_gemm_energy_pj"));
        QVERIFY(m.at("train_gemm_energy_pj") > 0);
        const auto key = std::make_pair(model, device);
        if (gemm.count(key))
            QCOMPARE(gemm[key], m.at("train_gemm_energy_pj"));
        gemm[key] = m.at("train_gemm_energy_pj");
    }
    QCOMPARE(int(gemm.size()), 6);
    // Integer training GEMMs cost less than float ones on the 45 nm table.
    const double fp = gemm[std::make_pair("mlp-fp32-s1", "asic45")];
    const double qat = gemm[std::make_pair("mlp-qat8-s1", "asic45")];
    const double rct = gemm[std::make_pair("mlp-rct8-s1", "asic45")];
    const double rctMcu = gemm[std::make_pair("mlp-rct8-s1", "cortex-m4f")];
    QVERIFY2(rct < qat && qat < fp,
             qPrintable(QStringLiteral("%1 %2 %3").arg(fp).arg(qat).arg(rct)));
    // Each device prices the same MACs differently.
    QVERIFY(rctMcu > 0 && rctMcu != rct);

    // A second run trains nothing and computes no trial; the metrics come back from the
    // models stored in the project.
    const RunReport again = StudyRunner(path).run(spec);
    QCOMPARE(again.assets.modelsTrained, 0);
    QCOMPARE(again.computed, int64_t(0));
}

QTEST_GUILESS_MAIN(TestTrainingStudy)
#include "tst_trainingstudy.moc"
