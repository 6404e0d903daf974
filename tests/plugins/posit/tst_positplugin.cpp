// The posit plugin end to end, loaded from the build's plugin folder through
// FRONTIER_PLUGIN_PATH: an MNIST mlp evaluated in posit formats (accuracy, the same
// numbers on every instruction-set path and thread count), stored as a variant, priced
// with its cost marked an estimate.

#include "pluginrun.h"
#include "testutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

namespace {

using frontier::test::Run;

Run frontierRun(const QStringList &args, const QString &isa = {})
{
    return frontier::test::frontierRun(args, QStringLiteral(FRONTIER_PLUGINS_DIR), isa);
}

QJsonObject json(const Run &r)
{
    return QJsonDocument::fromJson(r.out).object();
}

} // namespace

class TestPositPlugin : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void accuracyOnMnist();
    void sameNumbersOnEveryPathAndThreadCount();
    void storedAsAVariant();
    void costIsMarkedAnEstimate();
    void badNames_data();
    void badNames();

private:
    QJsonObject evalFormats(const QString &isa, const QString &threads);

    QTemporaryDir m_dir;
    QString m_model;
};

void TestPositPlugin::initTestCase()
{
    m_model = m_dir.filePath(QStringLiteral("mlp.fmodel"));
    const Run r = frontierRun({QStringLiteral("train"), QStringLiteral("--recipe"),
                               QStringLiteral("mlp"), QStringLiteral("--dataset"),
                               QStringLiteral("mnist"), QStringLiteral("--out"), m_model,
                               QStringLiteral("--threads"), QStringLiteral("2")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
}

QJsonObject TestPositPlugin::evalFormats(const QString &isa, const QString &threads)
{
    const Run r = frontierRun({QStringLiteral("eval"), QStringLiteral("--model"), m_model,
                               QStringLiteral("--dataset"), QStringLiteral("mnist"),
                               QStringLiteral("--formats"),
                               QStringLiteral("int8,fp8e4m3,posit8es0,posit8es1,posit8,posit16es1"),
                               QStringLiteral("--threads"), threads, QStringLiteral("--json")},
                              isa);
    if (r.exitCode != 0)
        qWarning("%s", r.err.constData());
    return json(r);
}

void TestPositPlugin::accuracyOnMnist()
{
    const QJsonObject o = evalFormats({}, QStringLiteral("2"));
    const double fp32 = o.value(QStringLiteral("reference"))
                            .toObject()
                            .value(QStringLiteral("accuracy"))
                            .toDouble();
    QVERIFY2(fp32 > 0.95, qPrintable(QString::fromUtf8(QJsonDocument(o).toJson())));
    QMap<QString, QJsonObject> byFormat;
    for (const QJsonValue &v : o.value(QStringLiteral("variants")).toArray())
        byFormat[v.toObject().value(QStringLiteral("format")).toString()] = v.toObject();
    QVERIFY2(byFormat.contains(QStringLiteral("posit8es1")),
             qPrintable(QString::fromUtf8(QJsonDocument(o).toJson())));
    // An 8-bit posit keeps an MNIST mlp within a point of fp32; 16 bits agree on
    // (nearly) every sample.
    for (const char *name : {"posit8es0", "posit8es1", "posit8es2"}) {
        const double a
            = byFormat.value(QLatin1String(name)).value(QStringLiteral("accuracy")).toDouble();
        QVERIFY2(a >= fp32 - 0.01, name);
    }
    QVERIFY(
        byFormat.value(QStringLiteral("posit16es1")).value(QStringLiteral("fidelity")).toDouble()
        >= 0.999);
    // Reduced precision changes something: posit8es0 is not fp32 in disguise.
    const QJsonObject p = byFormat.value(QStringLiteral("posit8es0"));
    QVERIFY(p.value(QStringLiteral("mean_margin")).toDouble()
            != byFormat.value(QStringLiteral("posit16es1"))
                   .value(QStringLiteral("mean_margin"))
                   .toDouble());
}

void TestPositPlugin::sameNumbersOnEveryPathAndThreadCount()
{
    auto strip = [](QJsonObject o) {
        QJsonArray variants;
        for (const QJsonValue &v : o.value(QStringLiteral("variants")).toArray()) {
            QJsonObject x = v.toObject();
            x.remove(QStringLiteral("samples_per_s"));
            x.remove(QStringLiteral("seconds"));
            variants.append(x);
        }
        o[QStringLiteral("variants")] = variants;
        QJsonObject reference = o.value(QStringLiteral("reference")).toObject();
        reference.remove(QStringLiteral("samples_per_s"));
        o[QStringLiteral("reference")] = reference;
        o.remove(QStringLiteral("threads"));
        o.remove(QStringLiteral("isa"));
        o.remove(QStringLiteral("kernels"));
        return QJsonDocument(o).toJson();
    };
    const QByteArray reference = strip(evalFormats({}, QStringLiteral("2")));
    QVERIFY(reference.contains("posit8es1"));
    QCOMPARE(strip(evalFormats({}, QStringLiteral("1"))), reference);
    QCOMPARE(strip(evalFormats(QStringLiteral("portable"), QStringLiteral("2"))), reference);
}

void TestPositPlugin::storedAsAVariant()
{
    const QString model = m_dir.filePath(QStringLiteral("stored.fmodel"));
    QVERIFY(QFile::copy(m_model, model));
    const Run add
        = frontierRun({QStringLiteral("variants"), QStringLiteral("add"), QStringLiteral("--model"),
                       model, QStringLiteral("--formats"), QStringLiteral("posit8es1"),
                       QStringLiteral("--dataset"), QStringLiteral("mnist")});
    QVERIFY2(add.exitCode == 0, add.err.constData());
    const Run list = frontierRun(
        {QStringLiteral("variants"), QStringLiteral("list"), QStringLiteral("--model"), model});
    QCOMPARE(list.exitCode, 0);
    QVERIFY2(list.out.contains("posit8es1"), list.out.constData());
}

void TestPositPlugin::costIsMarkedAnEstimate()
{
    const Run r = frontierRun({QStringLiteral("cost"), QStringLiteral("--model"), m_model,
                               QStringLiteral("--format"), QStringLiteral("posit8es1"),
                               QStringLiteral("--preset"), QStringLiteral("asic45"),
                               QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject o = json(r);
    const QJsonArray estimates = o.value(QStringLiteral("estimates")).toArray();
    QCOMPARE(estimates.size(), 1);
    QVERIFY(estimates.at(0).toString().contains(QStringLiteral("posit8es1 (plugin posit)")));
    QVERIFY(estimates.at(0).toString().contains(QStringLiteral("estimate")));
    const double posit
        = o.value(QStringLiteral("total")).toObject().value(QStringLiteral("energy_pj")).toDouble();
    QVERIFY(posit > 0);
    // Built-in formats carry no such line.
    const Run fp8 = frontierRun({QStringLiteral("cost"), QStringLiteral("--model"), m_model,
                                 QStringLiteral("--format"), QStringLiteral("fp8e4m3"),
                                 QStringLiteral("--preset"), QStringLiteral("asic45"),
                                 QStringLiteral("--json")});
    QVERIFY(!json(fp8).contains(QStringLiteral("estimates")));
    // Wider posits cost more.
    const Run p16 = frontierRun({QStringLiteral("cost"), QStringLiteral("--model"), m_model,
                                 QStringLiteral("--format"), QStringLiteral("posit16es1"),
                                 QStringLiteral("--preset"), QStringLiteral("asic45"),
                                 QStringLiteral("--json")});
    QVERIFY(json(p16)
                .value(QStringLiteral("total"))
                .toObject()
                .value(QStringLiteral("energy_pj"))
                .toDouble()
            > posit);
}

void TestPositPlugin::badNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("reason");
    QTest::newRow("width") << QStringLiteral("posit17es1")
                           << QStringLiteral("posit width 17 is outside 2..16");
    QTest::newRow("es") << QStringLiteral("posit8es4")
                        << QStringLiteral("exponent size 4 is outside 0..3");
    QTest::newRow("suffix") << QStringLiteral("posit8es1:acc")
                            << QStringLiteral("posit formats take no ':' suffixes");
    QTest::newRow("garbage") << QStringLiteral("posit8x")
                             << QStringLiteral("expected 'es' after the width");
}

void TestPositPlugin::badNames()
{
    QFETCH(QString, name);
    QFETCH(QString, reason);
    const Run r = frontierRun({QStringLiteral("eval"), QStringLiteral("--model"), m_model,
                               QStringLiteral("--dataset"), QStringLiteral("mnist"),
                               QStringLiteral("--format"), name});
    QCOMPARE(r.exitCode, 1);
    const QString err = QString::fromUtf8(r.err.trimmed());
    QCOMPARE(err.count(QLatin1Char('\n')), 0);
    QVERIFY2(err.contains(QStringLiteral("format '") + name + QLatin1Char('\''))
                 && err.contains(reason),
             qPrintable(err));
}

QTEST_GUILESS_MAIN(TestPositPlugin)
#include "tst_positplugin.moc"
