// The energy, latency and memory of a small MLP under asic45, recomputed by hand from the
// table constants with plain arithmetic (no call into the cost engine), for fp32, int8,
// w4a8, fp16 and sc8; plus counting rules on a CNN and the measurement override.

#include "costfixtures.h"
#include "testutil.h"

#include "cost/costmodel.h"
#include "cost/presetlibrary.h"

#include "model/recipes.h"

#include "common/error.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace frontier;
using namespace frontier::cost;

namespace {

// Horowitz ISSCC 2014, 45 nm (REFERENCE.md §5), pJ.
constexpr double kIntAdd8 = 0.03, kIntAdd16 = 0.05, kIntAdd32 = 0.1;
constexpr double kIntMul8 = 0.2;
constexpr double kFloatAdd16 = 0.4, kFloatAdd32 = 0.9;
constexpr double kFloatMul16 = 1.1, kFloatMul32 = 3.7;
constexpr double kSram8kPerBit = 10.0 / 64.0; // read; write estimated equal
// asic45 estimates (resources/presets/asic45.json), pJ, MHz, mW, cycles.
constexpr double kXnor = 0.001, kCounter = 0.003125, kGenerate8 = 0.045, kActivation = 18.4;
constexpr double kClock = 500, kLeakage = 1.0;
constexpr double kLane = 1.0 / 64, kScLane = 1.0 / 1024, kFunctionUnit = 0.25;
constexpr double kSramCyclesPerByte = 0.125;

struct Hand
{
    double energy = 0;  // pJ
    double latency = 0; // µs
    double compute = 0;
    double memory = 0;
};

// One layer by hand: compute energy, compute cycles, bits moved.
void addLayer(Hand &h, double computePj, double computeCycles, double bitsMoved)
{
    const double memoryPj = bitsMoved * kSram8kPerBit;
    const double memoryCycles = bitsMoved / 8 * kSramCyclesPerByte;
    const double latency = (computeCycles + memoryCycles) / kClock;
    h.compute += computePj;
    h.memory += memoryPj;
    h.latency += latency;
    h.energy += computePj + memoryPj + kLeakage * latency * 1000;
}

// The 16-8-4 MLP: fc1 (128 MACs, 8 outputs), relu (8), fc2 (32 MACs, 4 outputs), softmax
// (4, computed in fp32: 3 compares, 7 adds, 5 function evaluations, 4 multiplies; its
// output stored at the width of the logits, as numeric::computeFootprint stores it).
// mac: pJ per MAC; cmp: pJ per relu compare; w/b/a: bits per weight, bias, activation.
Hand handMlp(double mac, double cmp, int w, int b, int a)
{
    Hand h;
    addLayer(h, 128 * mac, 128 * kLane, 128.0 * w + 8.0 * b + 16.0 * a + 8.0 * a);
    addLayer(h, 8 * cmp, 8 * kLane, 8.0 * a + 8.0 * a);
    addLayer(h, 32 * mac, 32 * kLane, 32.0 * w + 4.0 * b + 8.0 * a + 4.0 * a);
    addLayer(h, 3 * kIntAdd32 + 7 * kFloatAdd32 + 4 * kFloatMul32 + 5 * kActivation,
             (3 + 7 + 4) * kLane + 5 * kFunctionUnit, 4.0 * a + 4.0 * a);
    return h;
}

Hand handSc8()
{
    const double L = 256;
    Hand h;
    // fc1: 128 MACs of L XNOR + L counted bits, 16 + 128 streams of L bits, 8 bias adds.
    addLayer(h, 128 * L * (kXnor + kCounter) + (16 + 128) * L * kGenerate8 + 8 * kIntAdd32,
             128 * L * kScLane + (16 + 128) * L * kScLane + 8 * kLane,
             128.0 * 8 + 8.0 * 32 + 16.0 * 8 + 8.0 * 8);
    addLayer(h, 8 * kIntAdd8, 8 * kLane, 8.0 * 8 + 8.0 * 8);
    addLayer(h, 32 * L * (kXnor + kCounter) + (8 + 32) * L * kGenerate8 + 4 * kIntAdd32,
             32 * L * kScLane + (8 + 32) * L * kScLane + 4 * kLane,
             32.0 * 8 + 4.0 * 32 + 8.0 * 8 + 4.0 * 8);
    addLayer(h, 3 * kIntAdd32 + 7 * kFloatAdd32 + 4 * kFloatMul32 + 5 * kActivation,
             (3 + 7 + 4) * kLane + 5 * kFunctionUnit, 4.0 * 8 + 4.0 * 8);
    return h;
}

CostModel asic45()
{
    return CostModel(loadPresetFile(test::shippedPreset("asic45")));
}

} // namespace

class TestCostModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void handComputedMlp_data();
    void handComputedMlp();
    void perLayerVariant();
    void countsOnCnn();
    void placementAndFit();
    void measurementOverride();
    void measurementCsvErrors_data();
    void measurementCsvErrors();
    void identicalDuplicateMeasurement();
    void missingTimingNamesKey();
    void earlyExitHeads();
};

void TestCostModel::handComputedMlp_data()
{
    QTest::addColumn<int>("which");
    QTest::addColumn<double>("energy");
    QTest::addColumn<double>("latency");
    QTest::addColumn<double>("compute");
    QTest::addColumn<double>("memory");
    QTest::addColumn<qlonglong>("memoryBytes");

    auto row = [](const char *name, int which, const Hand &h, qlonglong bytes) {
        QTest::newRow(name) << which << h.energy << h.latency << h.compute << h.memory << bytes;
    };
    // Resident bytes: weights + biases, plus the peak of live activations (the input and
    // fc1's output while fc1 runs: 16 + 8 values).
    // fp32: MAC = 32-bit float multiply + 32-bit float add; relu compares 32-bit words.
    row("fp32", 0, handMlp(kFloatMul32 + kFloatAdd32, kIntAdd32, 32, 32, 32),
        (160 * 4 + 12 * 4) + (16 + 8) * 4);
    // int8: MAC = 8x8 multiply + 32-bit add (int32 accumulator); int32 biases.
    row("int8", 1, handMlp(kIntMul8 + kIntAdd32, kIntAdd8, 8, 32, 8), (160 + 12 * 4) + (16 + 8));
    // w4a8: a 4x8 multiply is proportional to 4*8 from the 8x8 anchor: 0.2 * 32/64.
    row("w4a8", 2, handMlp(kIntMul8 * 32.0 / 64.0 + kIntAdd32, kIntAdd8, 4, 32, 8),
        (160 / 2 + 12 * 4) + (16 + 8));
    // fp16: 16-bit float multiply + 16-bit float add; relu compares 16-bit words.
    row("fp16", 3, handMlp(kFloatMul16 + kFloatAdd16, kIntAdd16, 16, 16, 16),
        (160 * 2 + 12 * 2) + (16 + 8) * 2);
    row("sc8", 4, handSc8(), (160 + 12 * 4) + (16 + 8));
}

void TestCostModel::handComputedMlp()
{
    QFETCH(int, which);
    QFETCH(double, energy);
    QFETCH(double, latency);
    QFETCH(double, compute);
    QFETCH(double, memory);
    QFETCH(qlonglong, memoryBytes);

    const numeric::FormatSpec formats[]
        = {test::fp32Format(), test::intFormat(8, 8), test::intFormat(4, 8),
           test::minifloatFormat(5, 10, "fp16"), test::scFormat(8)};
    const VariantCost v = asic45().evaluate(test::smallMlp(), formats[which]);
    QCOMPARE(v.layers.size(), size_t(4));
    QCOMPARE(v.weightLevel, std::string("sram8k"));
    QCOMPARE(v.activationLevel, std::string("sram8k"));
    QVERIFY(v.fits);
    FRONTIER_COMPARE_REL(v.total.energy_pj, energy, 1e-9);
    FRONTIER_COMPARE_REL(v.total.latency_us, latency, 1e-9);
    FRONTIER_COMPARE_REL(v.total.computeEnergy_pj, compute, 1e-9);
    FRONTIER_COMPARE_REL(v.total.memoryEnergy_pj, memory, 1e-9);
    QCOMPARE(v.memory_bytes, int64_t(memoryBytes));
    double sum = 0;
    for (const LayerCost &l : v.layers)
        sum += l.energy_pj;
    FRONTIER_COMPARE_REL(sum, v.total.energy_pj, 1e-12);
    QCOMPARE(v.total.counts.macs, int64_t(160));
}

void TestCostModel::perLayerVariant()
{
    // fc1 in int8, everything else in w4a8: fc1 costs as in the int8 row, fc2 as w4a8.
    const model::Model m = test::smallMlp();
    const numeric::FormatSpec i8 = test::intFormat(8, 8);
    const numeric::FormatSpec w4 = test::intFormat(4, 8);
    const CostModel cm = asic45();
    const VariantCost mixed = cm.evaluate(m, {i8, w4, w4, w4});
    const VariantCost all8 = cm.evaluate(m, i8);
    const VariantCost all4 = cm.evaluate(m, w4);
    QCOMPARE(mixed.variant, std::string("int8,w4a8"));
    QCOMPARE(mixed.layers[1].counts.format.name, std::string("int8")); // relu after fc1
    // Formats given for layers without weights are ignored: fp32 for the relu changes
    // nothing (numeric::FormatAssignment::resolve() gives them fp32).
    const VariantCost resolved = cm.evaluate(m, {i8, test::fp32Format(), w4, test::fp32Format()});
    QCOMPARE(resolved.total.energy_pj, mixed.total.energy_pj);
    FRONTIER_COMPARE_REL(mixed.layers[0].computeEnergy_pj, all8.layers[0].computeEnergy_pj, 1e-12);
    FRONTIER_COMPARE_REL(mixed.layers[2].computeEnergy_pj, all4.layers[2].computeEnergy_pj, 1e-12);
    QCOMPARE(mixed.layers[0].counts.weightBits, int64_t(128 * 8 + 8 * 32));
    QCOMPARE(mixed.layers[2].counts.weightBits, int64_t(32 * 4 + 4 * 32));
    QCOMPARE(cm.evaluate(m, {i8, i8, i8, i8}).variant, std::string("int8"));
    QVERIFY_THROWS_EXCEPTION(Error, cm.evaluate(m, {i8, w4}));
}

void TestCostModel::countsOnCnn()
{
    // input {1, 8, 8} -> conv 4@3x3 pad 1 -> batchnorm (folded) -> relu -> maxpool 2
    // -> avgpool 2 -> flatten -> dense 3 -> softmax
    model::Model m;
    m.name = "cnn";
    m.inputShape = {1, 8, 8};
    m.add(model::createLayer("conv2d", {{"filters", {4}}, {"kernel", {3, 3}}, {"pad", {1}}}));
    m.add(model::createLayer("batchnorm", {}));
    m.add(model::createLayer("relu", {}));
    m.add(model::createLayer("maxpool", {{"kernel", {2, 2}}}));
    m.add(model::createLayer("avgpool", {{"kernel", {2, 2}}}));
    m.add(model::createLayer("flatten", {}));
    m.add(model::createLayer("dense", {{"units", {3}}}));
    m.add(model::createLayer("softmax", {}));
    m.addHead("final");
    m.initialize(3);

    const VariantCounts vc = countOperations(m, {test::intFormat(8, 8)});
    const std::vector<LayerCounts> &c = vc.layers;
    QCOMPARE(c[0].macs, int64_t(4 * 9 * 64));
    QCOMPARE(c[0].dotProducts, int64_t(4 * 64));
    QCOMPARE(c[0].weightBits, int64_t(36 * 8 + 4 * 32));
    QCOMPARE(c[0].activationBitsRead, int64_t(64 * 8));
    QCOMPARE(c[0].activationBitsWritten, int64_t(256 * 8));
    QVERIFY(c[1].folded);
    QCOMPARE(c[1].activationBitsRead + c[1].weightBits + c[1].multiplies, int64_t(0));
    QCOMPARE(c[2].comparisons, int64_t(256));
    QCOMPARE(c[3].comparisons, int64_t(64 * 3));
    QCOMPARE(c[4].additions, int64_t(16 * 3));
    QCOMPARE(c[4].multiplies, int64_t(16));
    QVERIFY(c[5].view);
    QCOMPARE(c[5].activationBitsRead + c[5].activationBitsWritten, int64_t(0));
    QCOMPARE(c[6].macs, int64_t(16 * 3));
    QCOMPARE(c[6].activationBitsRead, int64_t(16 * 8));
    QCOMPARE(c[4].format.name, std::string("int8"));                // inherited from the conv
    QCOMPARE(c[7].format.kind, numeric::FormatSpec::Kind::Float32); // float tail
    QVERIFY(c[7].floatTail);
    QCOMPARE(c[7].activationBitsWritten, int64_t(3 * 8));
    QCOMPARE(c[7].activationEvals, int64_t(4));
    // Peak: the conv reads the input (64 B) and writes 256 B (the folded batchnorm writes
    // in place), then relu reads 256 and writes 256.
    QCOMPARE(vc.peakActivation_bytes, int64_t(512));
    QCOMPARE(vc.weight_bytes, int64_t((36 + 48) * 1 + (4 + 3) * 4));

    // sc: streams are the layer input values plus its weights.
    const std::vector<LayerCounts> s = countOperations(m, {test::scFormat(6)}).layers;
    QCOMPARE(s[0].scStreams, int64_t(64 + 36));
    QCOMPARE(s[0].scBitOps, int64_t(4 * 9 * 64) * 64);
    QCOMPARE(s[0].multiplies, int64_t(0));
    QCOMPARE(s[0].additions, int64_t(256));
}

void TestCostModel::placementAndFit()
{
    // A 256-wide fp32 MLP has about 200 KB of weights: too big for 32 KB, in the 1 MB SRAM.
    model::Model m;
    m.name = "wide";
    m.inputShape = {196};
    m.add(model::createLayer("dense", {{"units", {256}}}));
    m.add(model::createLayer("dense", {{"units", {10}}}));
    m.addHead("final");
    m.initialize(1);
    const VariantCost v = asic45().evaluate(m, test::fp32Format());
    QCOMPARE(v.weightLevel, std::string("sram1m"));
    QCOMPARE(v.weight_bytes, int64_t((196 * 256 + 256 + 256 * 10 + 10) * 4));
    // In int8 the weights (about 52 KB) still exceed 32 KB.
    QCOMPARE(asic45().evaluate(m, test::intFormat(8, 8)).weightLevel, std::string("sram1m"));
    // int2 weights: 12.9 KB of weights and 1.3 KB of int32 biases fit 32 KB.
    QCOMPARE(asic45().evaluate(m, test::intFormat(2, 8)).weightLevel, std::string("sram32k"));

    // On the Cortex-M4F class the weights live in flash, activations in SRAM; fp32 fits.
    const CostModel m4(loadPresetFile(test::shippedPreset("cortex-m4f")));
    const VariantCost mv = m4.evaluate(m, test::fp32Format());
    QCOMPARE(mv.weightLevel, std::string("flash"));
    QCOMPARE(mv.activationLevel, std::string("sram"));
    QVERIFY(mv.fits);
    // Power-based device: energy = active power × time; 3 cycles per fp32 MAC plus 10 per
    // output; nothing priced for memory.
    const double cycles = (196 * 256 + 256 * 10) * 3.0 + (256 + 10) * 10.0;
    FRONTIER_COMPARE_REL(mv.total.latency_us, cycles / 80.0, 1e-12);
    FRONTIER_COMPARE_REL(mv.total.energy_pj, 26.4 * cycles / 80.0 * 1000, 1e-12);

    // 300k fp32 weights per layer do not fit a 1 MB flash: reported, not thrown.
    model::Model big;
    big.name = "big";
    big.inputShape = {1024};
    big.add(model::createLayer("dense", {{"units", {1024}}}));
    big.addHead("final");
    big.initialize(1);
    const VariantCost bv = m4.evaluate(big, test::fp32Format());
    QVERIFY(!bv.fits);
    QVERIFY(bv.fitNote.find("flash") != std::string::npos);
}

void TestCostModel::measurementOverride()
{
    const model::Model m = test::smallMlp();
    QTemporaryDir dir;
    const std::string csv = dir.filePath(QStringLiteral("m.csv")).toStdString();
    {
        std::ofstream out(csv);
        out << "# measured on the bench\n"
               "model,format,device,latency_us,energy_pj,memory_bytes,source\n"
               "mlp-16-8-4,int8,asic45,12.5,4000,1000,\"power monitor, 2024\"\n"
               "mlp-16-8-4,fp32,cortex-m4f,99,99,,\n";
    }
    CostModel cm = asic45();
    const VariantCost modelled = cm.evaluate(m, test::intFormat(8, 8));
    cm.setMeasurements(MeasurementTable::loadCsv(csv));
    const VariantCost v = cm.evaluate(m, test::intFormat(8, 8));
    QVERIFY(v.measured);
    QCOMPARE(v.measurementSource, std::string("power monitor, 2024"));
    QCOMPARE(v.total.energy_pj, 4000.0);
    QCOMPARE(v.total.latency_us, 12.5);
    QCOMPARE(v.memory_bytes, int64_t(1000));
    // The modelled split is kept in proportion and sums to the measurement.
    double sum = 0;
    for (const LayerCost &l : v.layers)
        sum += l.energy_pj;
    FRONTIER_COMPARE_REL(sum, 4000.0, 1e-12);
    FRONTIER_COMPARE_REL(v.layers[0].energy_pj / v.layers[2].energy_pj,
                         modelled.layers[0].energy_pj / modelled.layers[2].energy_pj, 1e-12);
    // Other formats and devices are still modelled.
    QVERIFY(!cm.evaluate(m, test::fp32Format()).measured);
    QCOMPARE(cm.measurements().entries().size(), size_t(2));
}

void TestCostModel::measurementCsvErrors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing column") << "model,format,device,energy_pj\nm,f,d,1\n"
                                    << ":1: missing column 'latency_us'";
    QTest::newRow("unknown column") << "model,format,device,latency_us,energy_pj,watts\n"
                                    << ":1: unknown column 'watts'";
    QTest::newRow("negative") << "model,format,device,latency_us,energy_pj\nm,f,d,-1,2\n"
                              << ":2: latency_us: '-1' is not a non-negative number";
    QTest::newRow("not a number") << "model,format,device,latency_us,energy_pj\nm,f,d,1,lots\n"
                                  << ":2: energy_pj: 'lots' is not a non-negative number";
    QTest::newRow("fields") << "model,format,device,latency_us,energy_pj\nm,f,d,1\n"
                            << ":2: 4 fields, expected 5";
    QTest::newRow("empty") << "# nothing\n"
                           << ": no header line";
    QTest::newRow("conflicting duplicate")
        << "model,format,device,latency_us,energy_pj\nm,f,d,1,2\n# again\nm,f,d,1,3\n"
        << ":4: m/f on d is measured differently on line 2";
}

void TestCostModel::measurementCsvErrors()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const std::string csv = dir.filePath(QStringLiteral("bad.csv")).toStdString();
    {
        std::ofstream out(csv);
        out << text.toStdString();
    }
    try {
        MeasurementTable::loadCsv(csv);
        QFAIL("no error");
    } catch (const Error &e) {
        const std::string what = e.what();
        QVERIFY2(what.find(csv + expected.toStdString()) == 0, what.c_str());
        QVERIFY(what.find('\n') == std::string::npos);
    }
}

void TestCostModel::identicalDuplicateMeasurement()
{
    // The same row twice (a file concatenated with itself) says one thing: accepted.
    QTemporaryDir dir;
    const std::string csv = dir.filePath(QStringLiteral("twice.csv")).toStdString();
    std::ofstream(csv) << "model,format,device,latency_us,energy_pj\nm,f,d,1,2\nm,f,d,1,2\n";
    const MeasurementTable t = MeasurementTable::loadCsv(csv);
    QCOMPARE(t.entries().size(), size_t(1));
    QCOMPARE(t.find("m", "f", "d")->energy_pj, 2.0);
}

void TestCostModel::missingTimingNamesKey()
{
    // A device without an entry for the format names the preset and the key; fp8e4m3 has
    // no entry of its own on the esp32 and falls back to its "minifloat" class.
    Preset p = loadPresetFile(test::shippedPreset("esp32"));
    p.device->mac.erase("sc");
    try {
        CostModel(p).evaluate(test::smallMlp(), test::scFormat(8));
        QFAIL("no error");
    } catch (const Error &e) {
        const std::string what = e.what();
        QVERIFY2(what.find("esp32.json: key 'device.mac': no entry for format 'sc8'")
                     != std::string::npos,
                 what.c_str());
    }
    const VariantCost v
        = CostModel(p).evaluate(test::smallMlp(), test::minifloatFormat(4, 3, "fp8e4m3"));
    QVERIFY(v.total.energy_pj > 0);
}

void TestCostModel::earlyExitHeads()
{
    // ee-cnn: heads exit1, exit2, final. Exiting at head k costs the layers heads 0..k need.
    const model::Model m = model::makeRecipe("ee-cnn", {1, 28, 28}, 10);
    QCOMPARE(m.heads.size(), size_t(3));
    const VariantCost v = asic45().evaluate(m, test::intFormat(8, 8));
    const LayerCost e1 = costToHead(m, v, 0);
    const LayerCost e2 = costToHead(m, v, 1);
    const LayerCost all = costToHead(m, v, 2);
    QVERIFY(e1.energy_pj > 0);
    QVERIFY(e1.energy_pj < e2.energy_pj);
    QVERIFY(e2.energy_pj < all.energy_pj);
    FRONTIER_COMPARE_REL(all.energy_pj, v.total.energy_pj, 1e-12);
    QCOMPARE(all.counts.macs, v.total.counts.macs);
    // By hand: exit1 needs exactly the ancestors of its layer.
    std::vector<bool> needed(m.layers.size(), false);
    needed[size_t(m.heads[0].layer)] = true;
    for (size_t i = m.layers.size(); i-- > 0;) {
        for (int in : m.layers[i]->inputs) {
            if (needed[i] && in >= 0)
                needed[size_t(in)] = true;
        }
    }
    double sum = 0;
    for (size_t i = 0; i < needed.size(); ++i)
        sum += needed[i] ? v.layers[i].energy_pj : 0.0;
    FRONTIER_COMPARE_REL(e1.energy_pj, sum, 1e-12);
    QCOMPARE(e1.counts.name, std::string("exit1"));
    QVERIFY_THROWS_EXCEPTION(Error, costToHead(m, v, 3));
}

QTEST_GUILESS_MAIN(TestCostModel)
#include "tst_costmodel.moc"
