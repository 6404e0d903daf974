// The power model and the cost constants against REFERENCE.md §3, the event-driven
// simulator against a brute-force time-stepped one, and the one-line errors for bad input.

#include "testutil.h"

#include "intermittent/execution.h"
#include "intermittent/platform.h"
#include "intermittent/power.h"
#include "intermittent/report.h"
#include "intermittent/simulator.h"

#include "common/error.h"
#include "common/random.h"
#include "intermittent/cascade.h"
#include "model/layers/layer.h"
#include "model/recipes.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

using namespace frontier;
using namespace frontier::intermittent;

namespace {

const std::string kPreset
    = std::string(FRONTIER_SOURCE_DIR) + "/resources/presets/msp430fr5994.json";

struct Brute
{
    bool terminates = true;
    double latency_s = 0;
    int64_t powerCycles = 0;
};

// A deliberately naive reference: fixed time steps of dt, the capacitor's energy updated
// by (harvest − load)·dt, Euler for the RC recharge; a step that would end a phase is
// shortened to end on it. Nothing is solved in closed form.
Brute bruteForce(const Program &program, const Platform &platform, const Capacitor &cap,
                 const Harvester &h, double dt)
{
    Brute b;
    const double eOn = cap.energyAt(cap.vOn_V), eOff = cap.energyAt(cap.vOff_V),
                 eMax = cap.energyAt(cap.vMax_V);
    const bool power = h.kind == Harvester::Kind::Power;
    double t = 0, e = eOn;
    b.powerCycles = 1;
    size_t task = 0;
    int phase = -1; // -1 boot, 0 fetch, 1 compute, 2 preserve
    bool warm = false;
    double elapsed = 0;
    int64_t failuresInARow = 0;
    while (task < program.tasks.size()) {
        const TaskCost &c = warm ? program.tasks[task].warm : program.tasks[task].cold;
        double energy = 0, duration = 0;
        switch (phase) {
        case -1:
            energy = platform.reboot_J;
            duration = platform.reboot_s;
            break;
        case 0:
            energy = c.fetch_J;
            duration = c.fetch_s;
            break;
        case 1:
            energy = c.compute_J;
            duration = c.compute_s;
            break;
        default:
            energy = c.preserve_J;
            duration = c.preserve_s;
        }
        if (elapsed >= duration) {
            elapsed = 0;
            if (phase == 2) {
                ++task;
                warm = true;
                phase = 0;
                failuresInARow = 0;
            } else {
                ++phase;
            }
            continue;
        }
        const double step = std::min(dt, duration - elapsed);
        const double harvest = power ? h.powerAt(t) : 0;
        e = std::min(eMax, e + (harvest - energy / duration) * step);
        t += step;
        elapsed += step;
        if (e >= eOff)
            continue;
        // Power failure: charge back to V_on.
        if (++failuresInARow > 3) {
            b.terminates = false;
            return b;
        }
        double v = cap.voltageAt(e);
        while (true) {
            if (power) {
                e += h.powerAt(t) * dt;
                if (e >= eOn)
                    break;
            } else {
                v += (h.supply_V - v) / (h.resistance_Ohm * cap.capacitance_F) * dt;
                if (v >= cap.vOn_V)
                    break;
            }
            t += dt;
        }
        t += dt;
        e = eOn;
        ++b.powerCycles;
        phase = -1;
        warm = false;
        elapsed = 0;
    }
    b.latency_s = t;
    return b;
}

Program randomProgram(uint64_t seed, int tasks)
{
    Random rng(seed);
    Program p;
    p.layerNames = {"a", "b"};
    for (int i = 0; i < tasks; ++i) {
        Task t;
        t.layer = i < tasks / 2 ? 0 : 1;
        auto piece = [&](double &e, double &d, double warmth) {
            const double load = 2e-3 + 6e-3 * rng.uniform(); // 2..8 mW
            e = (20e-6 + 380e-6 * rng.uniform()) * warmth;
            d = e / load;
        };
        piece(t.cold.fetch_J, t.cold.fetch_s, 1);
        piece(t.cold.compute_J, t.cold.compute_s, 1);
        piece(t.cold.preserve_J, t.cold.preserve_s, 1);
        t.warm = t.cold;
        const double f = 0.4 + 0.6 * rng.uniform();
        t.warm.fetch_J *= f;
        t.warm.fetch_s *= f;
        t.macs = 100;
        p.tasks.push_back(t);
    }
    return p;
}

void writeText(const QString &path, const std::string &text)
{
    std::ofstream(path.toStdString()) << text;
}

} // namespace

class TestIntermittent : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void energyPerCycle();
    void rechargeTime();
    void presetCosts_data();
    void presetCosts();
    void simulatorMatchesBruteForce_data();
    void simulatorMatchesBruteForce();
    void nonTermination();
    void energySplitAddsUp();
    void badInput_data();
    void badInput();
    void modelTooBigForSram();
    void traceParsing();
    void earlyExitStages();
    void cascadePaths();
};

void TestIntermittent::energyPerCycle()
{
    Capacitor c; // REFERENCE.md §3: 5 mF, 2.99 / 2.8 V
    c.capacitance_F = 5e-3;
    FRONTIER_COMPARE_REL(c.cycleEnergy_J(), 2.75025e-3, 1e-12);
    QVERIFY(std::abs(c.cycleEnergy_J() - 2.75e-3) < 1e-6);
    c.margin = 0.55;
    FRONTIER_COMPARE_REL(c.usableEnergy_J(), 0.55 * 2.75025e-3, 1e-12);
    // The voltage left after a cycle's whole energy is V_off; after none, V_on.
    FRONTIER_COMPARE_REL(c.voltageAfter(0), 2.99, 1e-12);
    FRONTIER_COMPARE_REL(c.voltageAfter(c.cycleEnergy_J()), 2.8, 1e-9);
    QVERIFY(std::isnan(c.voltageAfter(3e-3)));
    // 1 and 10 mF scale linearly.
    c.capacitance_F = 10e-3;
    FRONTIER_COMPARE_REL(c.cycleEnergy_J(), 5.5005e-3, 1e-12);

    const Platform p = Platform::load(kPreset);
    FRONTIER_COMPARE_REL(p.capacitor.cycleEnergy_J(), 2.75025e-3, 1e-12);
    QCOMPARE(p.capacitor.margin, 0.55);
}

void TestIntermittent::rechargeTime()
{
    const Platform p = Platform::load(kPreset);
    // −R·C·ln((V_on − V_sup)/(V − V_sup)) with R = 1 kΩ, C = 5 mF, V_sup = 3 V.
    const double rc = 1000 * 5e-3;
    FRONTIER_COMPARE_REL(rechargeTime_s(p.capacitor, p.harvester, 2.8),
                         -rc * std::log((2.99 - 3.0) / (2.8 - 3.0)), 1e-12);
    FRONTIER_COMPARE_REL(rechargeTime_s(p.capacitor, p.harvester, 2.8), 14.978661367769954, 1e-12);
    FRONTIER_COMPARE_REL(rechargeTime_s(p.capacitor, p.harvester, 2.9), 5 * std::log(10.0), 1e-12);
    QCOMPARE(rechargeTime_s(p.capacitor, p.harvester, 2.99), 0.0);
    // A supply at or below V_on never gets there.
    QVERIFY(std::isinf(rechargeTime_s(p.capacitor, Harvester::rc(2.9, 1000), 2.8)));
    // Power harvester: energy / power, across trace segments.
    Harvester h;
    h.kind = Harvester::Kind::Power;
    h.times_s = {0, 1, 2};
    h.power_W = {1e-3, 0, 2e-3};
    FRONTIER_COMPARE_REL(gatherTime_s(h, 0, 0.5e-3), 0.5, 1e-12);
    FRONTIER_COMPARE_REL(gatherTime_s(h, 0, 2e-3), 2.5, 1e-12); // 1 mJ, nothing, 1 mJ
    QVERIFY(std::isinf(gatherTime_s(Harvester::constant(0), 0, 1e-3)));
}

void TestIntermittent::presetCosts_data()
{
    QTest::addColumn<QString>("op");
    QTest::addColumn<double>("n");
    QTest::addColumn<double>("energy");
    QTest::addColumn<double>("cycles");
    // REFERENCE.md §3.
    QTest::newRow("dma read 100") << "dmaRead" << 100.0 << 2.7e-8 * 100 + 2.0e-7
                                  << 64.0 * 100 + 424;
    QTest::newRow("dma read 1") << "dmaRead" << 1.0 << 2.7e-8 + 2.0e-7 << 64.0 + 424;
    QTest::newRow("dma write 100")
        << "dmaWrite" << 100.0 << 2.6815e-8 * 100 + 1.9336e-7 << 64.0 * 100 + 422;
    QTest::newRow("lea 64") << "vmac" << 64.0 << 5.273e-10 * 64 + 2.044e-7 << 1.5 * 64 + 616;
    QTest::newRow("lea 256") << "vmac" << 256.0 << 5.273e-10 * 256 + 2.044e-7 << 1.5 * 256 + 616;
}

void TestIntermittent::presetCosts()
{
    QFETCH(QString, op);
    QFETCH(double, n);
    QFETCH(double, energy);
    QFETCH(double, cycles);
    const Platform p = Platform::load(kPreset);
    const LinearCost &c = op == QLatin1String("dmaRead")    ? p.dmaRead
                          : op == QLatin1String("dmaWrite") ? p.dmaWrite
                                                            : p.vmac;
    FRONTIER_COMPARE_REL(c.energy_J(n) * 1e6, energy * 1e6, 1e-9);
    FRONTIER_COMPARE_REL(c.cycles(n), cycles, 1e-12);
    FRONTIER_COMPARE_REL(p.add.energy_J, 3.94e-9, 1e-9);
    QCOMPARE(p.add.cycles, 12.0);
    FRONTIER_COMPARE_REL(p.mul.energy_J, 19.25e-9, 1e-9);
    QCOMPARE(p.mul.cycles, 44.0);
    FRONTIER_COMPARE_REL(p.divide.energy_J, 43.7e-9, 1e-9);
    QCOMPARE(p.divide.cycles, 160.0);
    FRONTIER_COMPARE_REL(p.reboot_J, 77.88e-6, 1e-12);
    FRONTIER_COMPARE_REL(p.reboot_s, 0.070, 1e-12);
    QCOMPARE(p.sram_bytes, int64_t(3696));
    QCOMPARE(p.clock_Hz, 16e6);
}

void TestIntermittent::simulatorMatchesBruteForce_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<int>("harvester"); // 0 rc, 1 constant power, 2 trace
    for (quint64 seed = 1; seed <= 4; ++seed) {
        QTest::addRow("rc seed %llu", seed) << seed << 0;
        QTest::addRow("2 mW seed %llu", seed) << seed << 1;
        QTest::addRow("trace seed %llu", seed) << seed << 2;
    }
}

void TestIntermittent::simulatorMatchesBruteForce()
{
    QFETCH(quint64, seed);
    QFETCH(int, harvester);
    const Platform p = Platform::load(kPreset);
    Capacitor cap = p.capacitor;
    Harvester h = p.harvester;
    if (harvester == 1) {
        h = Harvester::constant(2e-3);
    } else if (harvester == 2) {
        h.kind = Harvester::Kind::Power;
        h.times_s = {0, 0.7, 1.9, 3.0, 6.5};
        h.power_W = {3e-3, 0.5e-3, 9e-3, 0, 1.5e-3}; // includes more than the load at times
    }
    const Program program = randomProgram(seed, 60);
    const SimResult r = simulate(program, p, cap, h);
    QVERIFY2(r.terminates, r.reason.c_str());
    QVERIFY(r.reboots > 2); // the case is intermittent
    const Brute b = bruteForce(program, p, cap, h, 2e-6);
    QVERIFY(b.terminates);
    QCOMPARE(r.powerCycles, b.powerCycles);
    QVERIFY2(std::abs(r.latency_s - b.latency_s) <= 1e-3 * b.latency_s,
             qPrintable(QStringLiteral("event-driven %1 s, time-stepped %2 s")
                            .arg(r.latency_s, 0, 'g', 10)
                            .arg(b.latency_s, 0, 'g', 10)));
    FRONTIER_COMPARE_REL(r.active_s + r.recharge_s, r.latency_s, 1e-12);
    QCOMPARE(r.tasksDone, int64_t(program.tasks.size()));
    QCOMPARE(r.powerCycles, r.reboots + 1);
}

void TestIntermittent::nonTermination()
{
    const Platform p = Platform::load(kPreset);
    Program program = randomProgram(7, 10);
    // A task of 3.5 mJ can never finish from a 2.75 mJ cycle (RC: no harvest while on).
    program.tasks[4].cold.compute_J = 3.5e-3;
    program.tasks[4].cold.compute_s = 1.0;
    program.tasks[4].warm = program.tasks[4].cold;
    const SimResult r = simulate(program, p, p.capacitor, p.harvester);
    QVERIFY(!r.terminates);
    QVERIFY(r.reason.find("task 4") != std::string::npos);
    QCOMPARE(r.tasksDone, int64_t(4));
    // With 4 mW harvested during the 1 s task, it finishes.
    const SimResult powered = simulate(program, p, p.capacitor, Harvester::constant(4e-3));
    QVERIFY2(powered.terminates, powered.reason.c_str());
    // No power at all after the first cycle: it stops, saying why.
    Harvester dark;
    dark.kind = Harvester::Kind::Power;
    dark.times_s = {0, 0.01};
    dark.power_W = {1e-3, 0};
    const SimResult r2 = simulate(randomProgram(3, 40), p, p.capacitor, dark);
    QVERIFY(!r2.terminates);
    QVERIFY(r2.reason.find("no more power") != std::string::npos);
}

void TestIntermittent::energySplitAddsUp()
{
    const Platform p = Platform::load(kPreset);
    const Program program = randomProgram(11, 80);
    SimOptions o;
    o.timeline = true;
    const SimResult r = simulate(program, p, p.capacitor, Harvester::constant(1e-3), o);
    QVERIFY(r.terminates);
    double committed = 0;
    for (const LayerOutcome &l : r.layers)
        committed += l.energy_J;
    FRONTIER_COMPARE_REL(
        committed, r.energy.compute_J + r.energy.dataMovement_J + r.energy.preservation_J, 1e-9);
    QVERIFY(r.energy.reexecution_J > 0);
    FRONTIER_COMPARE_REL(r.energy.reboot_J, double(r.powerCycles) * p.reboot_J, 1e-9);
    // Energy balance: what was drawn = harvested + (start − end) in the capacitor.
    const double drawn = r.energy.total_J();
    const double stored
        = p.capacitor.energyAt(p.capacitor.vOn_V) - p.capacitor.energyAt(r.finalVoltage_V);
    FRONTIER_COMPARE_REL(drawn * 1e3, (r.harvested_J + stored) * 1e3, 1e-6);
    // The timeline: starts at V_on, failures at V_off, time never goes back.
    QVERIFY(!r.timeline.empty());
    QCOMPARE(r.timeline.front().v_V, 2.99);
    int failures = 0;
    for (size_t i = 1; i < r.timeline.size(); ++i) {
        QVERIFY(r.timeline[i].t_s >= r.timeline[i - 1].t_s);
        if (r.timeline[i].event == TimelinePoint::Event::Failure) {
            ++failures;
            FRONTIER_COMPARE_REL(r.timeline[i].v_V, 2.8, 1e-9);
        }
    }
    QCOMPARE(int64_t(failures), r.reboots);
    // Deterministic: the same numbers again.
    const SimResult again = simulate(program, p, p.capacitor, Harvester::constant(1e-3), o);
    QCOMPARE(again.latency_s, r.latency_s);
    QCOMPARE(again.energy.reexecution_J, r.energy.reexecution_J);
}

void TestIntermittent::badInput_data()
{
    QTest::addColumn<QString>("trace");
    QTest::addColumn<QString>("expected");
    QTest::newRow("negative power") << "time_s,power_w\n0,0.001\n1,-0.002\n"
                                    << "line 3: key 'power_w': negative power -0.002";
    QTest::newRow("time backwards") << "time_ms,power_mw\n0,1\n20,1\n10,2\n"
                                    << "line 4: key 'time_ms': time goes backwards";
    QTest::newRow("time repeats") << "time_s,power_w\n0,1\n0,1\n"
                                  << "line 3: key 'time_s': time goes backwards or repeats";
    QTest::newRow("not a number") << "time_s,power_w\n0,abc\n"
                                  << "line 2: key 'power_w'";
    QTest::newRow("no header") << "0,1\n1,2\n"
                               << "line 1: the header names no time column";
    QTest::newRow("empty") << "time_s,power_w\n"
                           << "no samples";
}

void TestIntermittent::badInput()
{
    QFETCH(QString, trace);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("trace.csv"));
    writeText(path, trace.toStdString());
    try {
        Harvester::loadTrace(path.toStdString());
        QFAIL("no error");
    } catch (const Error &e) {
        const std::string what = e.what();
        QVERIFY2(what.find(path.toStdString() + ": ") == 0, what.c_str());
        QVERIFY2(what.find(expected.toStdString()) != std::string::npos, what.c_str());
        QVERIFY(what.find('\n') == std::string::npos);
    }
}

void TestIntermittent::modelTooBigForSram()
{
    // A 5x5 conv over rows 1,000 wide: one input row tile (5 rows of 1,000 values) alone
    // is more than the 3,696 B of SRAM.
    model::Model m;
    m.name = "wide";
    m.inputShape = {1, 8, 1000};
    m.add(model::createLayer("conv2d", {{"filters", {4}}, {"kernel", {5, 5}}}), {}, "wideconv");
    m.add(model::createLayer("flatten", {}));
    m.add(model::createLayer("dense", {{"units", {10}}}));
    m.initialize(1);
    try {
        makeRequest(m, "wide.fmodel", kPreset, {"q1.15"});
        QFAIL("no error");
    } catch (const Error &e) {
        const std::string what = e.what();
        QVERIFY2(what.find("wide.fmodel: layer 'wideconv': no tiling fits the 3696 B of SRAM") == 0,
                 what.c_str());
    }
    // C <= 0 and V_off >= V_on name the key.
    const model::Model lenet = model::makeRecipe("lenet", {1, 28, 28}, 10);
    InferenceRequest r = makeRequest(lenet, "lenet", kPreset, {"int16"});
    r.capacitor.capacitance_F = 0;
    try {
        runInference(r);
        QFAIL("no error");
    } catch (const Error &e) {
        QVERIFY2(std::string(e.what()).find("lenet: key 'capacitor_mf': must be above 0") == 0,
                 e.what());
    }
    r.capacitor = r.platform.capacitor;
    r.capacitor.vOff_V = 3.0;
    try {
        runInference(r);
        QFAIL("no error");
    } catch (const Error &e) {
        QVERIFY2(std::string(e.what()).find("lenet: key 'v_off_v': must be below v_on_v") == 0,
                 e.what());
    }
    // A format the vector unit cannot run.
    try {
        makeRequest(lenet, "lenet", kPreset, {"fp16"});
        QFAIL("no error");
    } catch (const Error &e) {
        QVERIFY2(std::string(e.what()).find("lenet: key 'format': 'fp16' does not run") == 0,
                 e.what());
    }
    // Units of the CLI and spec values.
    FRONTIER_COMPARE_REL(parseCapacitance_F("5mF", "--capacitor"), 5e-3, 1e-15);
    FRONTIER_COMPARE_REL(parseCapacitance_F("470 uF", "--capacitor"), 470e-6, 1e-15);
    FRONTIER_COMPARE_REL(parsePower_W("2mW", "--power"), 2e-3, 1e-15);
    QVERIFY_THROWS_EXCEPTION(Error, parseCapacitance_F("-1mF", "--capacitor"));
    QVERIFY_THROWS_EXCEPTION(Error, parseCapacitance_F("5 mV", "--capacitor"));
}

void TestIntermittent::traceParsing()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("dusk.csv"));
    writeText(path, "# solar at dusk\npower_mw,time_ms\n4,0\n2,500\n0.5,1500\n");
    const Harvester h = Harvester::loadTrace(path.toStdString());
    QCOMPARE(h.times_s.size(), size_t(3));
    FRONTIER_COMPARE_REL(h.times_s[1], 0.5, 1e-15);
    FRONTIER_COMPARE_REL(h.powerAt(0.7), 2e-3, 1e-15);
    FRONTIER_COMPARE_REL(h.powerAt(100), 0.5e-3, 1e-15);
    QVERIFY(h.constantFrom(1.5));
    QVERIFY(!h.constantFrom(1.0));
    FRONTIER_COMPARE_REL(h.meanPower_W(), (4e-3 * 0.5 + 2e-3 * 1.0) / 1.5, 1e-12);
}

// An early-exit model runs head by head: each stage holds the block its head adds.
void TestIntermittent::earlyExitStages()
{
    const model::Model m = model::makeRecipe("ee-cnn", {1, 28, 28}, 10, {{4, 8, 8, 16}});
    const std::vector<ExecStage> stages = executionStages(m, "ee.fmodel");
    QCOMPARE(stages.size(), size_t(3));
    auto names = [](const ExecStage &s) {
        QStringList out;
        for (const ExecLayer &l : s.layers)
            out << QString::fromStdString(l.name);
        return out.join(QLatin1Char(' '));
    };
    QCOMPARE(QString::fromStdString(stages[0].head), QStringLiteral("exit1"));
    QCOMPARE(names(stages[0]), QStringLiteral("conv1 pool1 exit1_fc"));
    QCOMPARE(names(stages[1]), QStringLiteral("conv2 pool2 exit2_fc"));
    QCOMPARE(names(stages[2]), QStringLiteral("conv3 pool3 fc4 logits"));
    QCOMPARE(stages[2].layers.back().fusedCompares, 1); // the argmax of the final softmax
    // The whole model is the stages in turn.
    QCOMPARE(executionLayers(m, "ee.fmodel").size(), size_t(10));
    // A residual add is still refused, naming the file and the layer.
    const model::Model res = model::makeRecipe("resnet8", {3, 32, 32}, 10);
    try {
        executionStages(res, "res.fmodel");
        QFAIL("no error");
    } catch (const Error &e) {
        const QString what = QString::fromUtf8(e.what());
        QVERIFY2(what.startsWith(QStringLiteral("res.fmodel: layer '"))
                     && what.contains(QStringLiteral("no residual adds")),
                 qPrintable(what));
    }
}

// Paths of a cascade: path 0 is the first stage alone (the same simulation as a plain
// run), path 1 runs both stages back to back with the charge carried over; the
// expectation mixes them by share and ignores a path nobody takes.
void TestIntermittent::cascadePaths()
{
    const Platform p = Platform::load(kPreset);
    const model::Model m = model::makeRecipe("lenet", {1, 28, 28}, 10, {{4, 8, 16}});
    CascadeRequest request;
    request.where = "lenet";
    request.platform = p;
    request.capacitor = p.capacitor;
    request.harvester = Harvester::constant(2e-3);
    request.search = false;
    const std::vector<ExecLayer> layers = executionLayers(m, "lenet");
    request.stages = {{"int8", layers, DataFormat::Int8}, {"q1.15", layers, DataFormat::Q15}};
    const CascadeOutcome out = simulateCascade(request);
    QCOMPARE(out.paths.size(), size_t(2));
    QCOMPARE(out.pathLayerNames[1].size(), 2 * layers.size());
    QCOMPARE(QString::fromStdString(out.pathLayerNames[1].back()),
             QStringLiteral("q1.15/") + QString::fromStdString(layers.back().name));

    const Configuration alone = perTaskConfiguration(layers, DataFormat::Int8, p, p.capacitor);
    const SimResult single
        = simulate(buildProgram(layers, alone, p, "lenet"), p, p.capacitor, request.harvester);
    QCOMPARE(out.paths[0].latency_s, single.latency_s);
    QCOMPARE(out.paths[0].powerCycles, single.powerCycles);
    QVERIFY(out.paths[1].latency_s > out.paths[0].latency_s);
    QVERIFY(out.paths[1].tasks > out.paths[0].tasks);

    const CascadeExpectation e = expectation(out, {0.75, 0.25});
    FRONTIER_COMPARE_REL(e.latency_s, 0.75 * out.paths[0].latency_s + 0.25 * out.paths[1].latency_s,
                         1e-12);
    QCOMPARE(e.worstLatency_s, out.paths[1].latency_s);
    QVERIFY(e.terminates);
    const CascadeExpectation first = expectation(out, {1.0, 0.0});
    QCOMPARE(first.latency_s, out.paths[0].latency_s);
    QCOMPARE(first.worstLatency_s, out.paths[0].latency_s);

    // A path that does not finish (here: past a deadline that only the first meets) makes
    // the trial non-terminating only if a sample takes it.
    request.simOptions.deadline_s = 1.5 * out.paths[0].latency_s;
    const CascadeOutcome late = simulateCascade(request);
    QVERIFY(late.paths[0].terminates && !late.paths[1].terminates);
    QVERIFY(std::isinf(expectation(late, {0.5, 0.5}).latency_s));
    QVERIFY(!expectation(late, {0.5, 0.5}).terminates);
    QCOMPARE(expectation(late, {1.0, 0.0}).latency_s, out.paths[0].latency_s);
    QVERIFY_THROWS_EXCEPTION(Error, expectation(out, {1.0}));
}

QTEST_GUILESS_MAIN(TestIntermittent)
#include "tst_intermittent.moc"
