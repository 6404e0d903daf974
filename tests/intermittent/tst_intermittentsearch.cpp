// The execution model on real recipes: SRAM and atomicity hold for every configuration,
// the naive baseline does not finish where a layer needs more than one power cycle, the
// searched configuration is never slower than the per-task one, and the local search
// matches the exhaustive one on small models.

#include "testutil.h"

#include "intermittent/execution.h"
#include "intermittent/report.h"
#include "intermittent/search.h"

#include "common/error.h"
#include "model/recipes.h"

#include <QJsonArray>
#include <QtTest>

#include <cmath>

using namespace frontier;
using namespace frontier::intermittent;

namespace {

const std::string kPreset
    = std::string(FRONTIER_SOURCE_DIR) + "/resources/presets/msp430fr5994.json";

model::Model lenet(std::vector<int> widths = {})
{
    model::RecipeOptions options;
    options.widths = std::move(widths);
    model::Model m = model::makeRecipe("lenet", {1, 28, 28}, 10, options);
    m.name = "lenet";
    return m;
}

} // namespace

class TestIntermittentSearch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lenetLayers();
    void tileCosts();
    void configurations_data();
    void configurations();
    void localMatchesExhaustive_data();
    void localMatchesExhaustive();
    void int8MovesLess();
};

void TestIntermittentSearch::lenetLayers()
{
    const std::vector<ExecLayer> layers = executionLayers(lenet(), "lenet");
    QCOMPARE(layers.size(), size_t(6)); // conv1 pool1 conv2 pool2 fc3 logits
    QCOMPARE(layers[0].name, std::string("conv1"));
    QCOMPARE(layers[0].m, 16);
    QCOMPARE(layers[0].r, 28);
    QCOMPARE(layers[0].inCols(), 32);     // pad 2 on each side
    QCOMPARE(layers[0].fusedCompares, 1); // relu
    QCOMPARE(layers[1].kind, ExecLayer::Kind::Pool);
    QCOMPARE(layers[2].n, 16);
    QCOMPARE(layers[2].r, 10);
    QCOMPARE(layers[4].kind, ExecLayer::Kind::Dense);
    QCOMPARE(layers[4].n, 800);
    QCOMPARE(layers[5].fusedCompares, 1); // the argmax of softmax
    int64_t macs = 0;
    for (const ExecLayer &l : layers)
        macs += l.macs();
    QCOMPARE(macs, int64_t(16 * 784 * 25 + 32 * 100 * 400 + 800 * 128 + 128 * 10));
}

void TestIntermittentSearch::tileCosts()
{
    // One dense tile by hand: tm = 2 outputs, tn = 4 inputs, everything fetched cold.
    const Platform p = Platform::load(kPreset);
    ExecLayer l;
    l.name = "fc";
    l.kind = ExecLayer::Kind::Dense;
    l.m = 2;
    l.n = 4;
    Program prog;
    appendLayerTasks(l, 0, Tiling{2, 1, 4, LoopOrder::ReuseOutputs, 1}, DataFormat::Q15, p, prog);
    QCOMPARE(prog.tasks.size(), size_t(1));
    const TaskCost &c = prog.tasks[0].cold;
    // input 4 words, weights 8 words, biases 2 words (no fixed cost), loop indices 4 words
    const double fetch
        = (2.7e-8 * 4 + 2e-7) + (2.7e-8 * 8 + 2e-7) + 2.7e-8 * 2 + (2.7e-8 * 4 + 2e-7);
    FRONTIER_COMPARE_REL(c.fetch_J * 1e6, fetch * 1e6, 1e-9);
    // 2 LEA calls of length 4, each + one add
    const double compute = 2 * (5.273e-10 * 4 + 2.044e-7 + 3.94e-9);
    FRONTIER_COMPARE_REL(c.compute_J * 1e6, compute * 1e6, 1e-9);
    FRONTIER_COMPARE_REL(c.compute_s, 2 * (1.5 * 4 + 616 + 12) / 16e6, 1e-9);
    // outputs 2 words + loop indices 4 words
    const double preserve = (2.6815e-8 * 2 + 1.9336e-7) + (2.6815e-8 * 4 + 1.9336e-7);
    FRONTIER_COMPARE_REL(c.preserve_J * 1e6, preserve * 1e6, 1e-9);
    // SRAM: (4 + 8 + 2 + 2 + 4) values of 2 bytes
    QCOMPARE(sramBytes(l, Tiling{2, 1, 4, LoopOrder::ReuseOutputs, 1}, p), int64_t(40));
}

void TestIntermittentSearch::configurations_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("power"); // "" = the preset's RC harvester
    QTest::newRow("q15 rc") << "q1.15"
                            << "";
    QTest::newRow("q15 2mW") << "q1.15"
                             << "2mW";
    QTest::newRow("int8 0.5mW") << "int8"
                                << "0.5mW";
}

void TestIntermittentSearch::configurations()
{
    QFETCH(QString, format);
    QFETCH(QString, power);
    InferenceRequest r = makeRequest(lenet(), "lenet", kPreset, {format.toStdString()});
    if (!power.isEmpty())
        r.harvester = Harvester::constant(parsePower_W(power.toStdString(), "--power"));
    const InferenceReport report = runInference(r);
    const ConfigurationResult *naive = report.find("naive");
    const ConfigurationResult *perTask = report.find("per-task");
    const ConfigurationResult *searched = report.find("searched");
    QVERIFY(naive && perTask && searched);
    // A conv layer needs several mJ: checkpointing at layer boundaries never finishes.
    QVERIFY(!naive->sim.terminates);
    QVERIFY2(naive->sim.reason.find("of layer 'conv") != std::string::npos,
             naive->sim.reason.c_str());
    QVERIFY(naive->sim.reason.find("more than one power cycle delivers") != std::string::npos);
    QVERIFY(naive->sim.maxTaskEnergy_J > report.cycleEnergy_J);
    QVERIFY2(perTask->sim.terminates, perTask->sim.reason.c_str());
    QVERIFY2(searched->sim.terminates, searched->sim.reason.c_str());
    QVERIFY(searched->sim.latency_s <= perTask->sim.latency_s * (1 + 1e-12));
    QVERIFY(searched->sim.powerCycles > 1);
    // SRAM and atomicity (under the margin) hold for the searched tilings.
    for (size_t i = 0; i < report.layers.size(); ++i) {
        QVERIFY(searched->sramBytes[i] <= 3696);
        QVERIFY(searched->maxTaskEnergy_J[i] <= report.usableEnergy_J * (1 + 1e-12));
    }
    const QJsonObject json = report.toJson();
    QCOMPARE(json.value(QStringLiteral("configurations")).toArray().size(), 3);
    QVERIFY(json.value(QStringLiteral("configurations"))
                .toArray()
                .at(0)
                .toObject()
                .value(QStringLiteral("result"))
                .toObject()
                .value(QStringLiteral("latency_s"))
                .isNull());
}

void TestIntermittentSearch::localMatchesExhaustive_data()
{
    QTest::addColumn<QString>("recipe");
    QTest::addColumn<QString>("power");
    QTest::newRow("lenet 4,8,16 rc") << "lenet"
                                     << "";
    QTest::newRow("lenet 4,8,16 1mW") << "lenet"
                                      << "1mW";
    QTest::newRow("tiny rc") << "tiny"
                             << "";
}

void TestIntermittentSearch::localMatchesExhaustive()
{
    QFETCH(QString, recipe);
    QFETCH(QString, power);
    model::Model m = recipe == QLatin1String("lenet")
                         ? lenet({4, 8, 16})
                         : model::makeRecipe(recipe.toStdString(), {1, 28, 28}, 10);
    InferenceRequest r = makeRequest(m, recipe.toStdString(), kPreset, {"q1.15"});
    if (!power.isEmpty())
        r.harvester = Harvester::constant(parsePower_W(power.toStdString(), "--power"));
    SearchOptions exhaustive;
    exhaustive.forceExhaustive = true;
    SearchOptions local;
    local.forceLocal = true;
    const SearchOutcome e = searchConfiguration(r.layers, r.formats, r.platform, r.capacitor,
                                                r.harvester, exhaustive, "m");
    const SearchOutcome l = searchConfiguration(r.layers, r.formats, r.platform, r.capacitor,
                                                r.harvester, local, "m");
    QVERIFY(l.evaluated < e.evaluated);
    double sumE = 0, sumL = 0;
    for (size_t i = 0; i < e.layers.size(); ++i) {
        QVERIFY(l.layers[i].latency_s >= e.layers[i].latency_s * (1 - 1e-12));
        sumE += e.layers[i].latency_s;
        sumL += l.layers[i].latency_s;
    }
    // The local search comes within 5 % of the exhaustive optimum over the whole network.
    QVERIFY2(sumL <= sumE * 1.05,
             qPrintable(QStringLiteral("local %1 s, exhaustive %2 s").arg(sumL).arg(sumE)));
    QVERIFY(e.formats.front().second <= l.formats.front().second * 1.05);
}

void TestIntermittentSearch::int8MovesLess()
{
    // Same tiles: int8 halves the DMA words of inputs, weights and outputs.
    InferenceRequest r = makeRequest(lenet(), "lenet", kPreset, {"int16", "int8"});
    const Configuration q
        = perTaskConfiguration(r.layers, DataFormat::Q15, r.platform, r.capacitor);
    Configuration i8 = q;
    i8.format = DataFormat::Int8;
    const SimResult a = simulate(buildProgram(r.layers, q, r.platform, "l"), r.platform,
                                 r.capacitor, r.harvester);
    const SimResult b = simulate(buildProgram(r.layers, i8, r.platform, "l"), r.platform,
                                 r.capacitor, r.harvester);
    QVERIFY(b.energy.dataMovement_J < a.energy.dataMovement_J);
    QVERIFY(b.energy.compute_J > a.energy.compute_J); // requantization
    // The search over both formats keeps the faster one.
    r.search = true;
    const InferenceReport report = runInference(r);
    QCOMPARE(report.search.formats.size(), size_t(2));
    const double best = std::min(report.search.formats[0].second, report.search.formats[1].second);
    QCOMPARE(report.find("searched")->sim.latency_s, best);
}

QTEST_GUILESS_MAIN(TestIntermittentSearch)
#include "tst_intermittentsearch.moc"
