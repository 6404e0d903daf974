// frontier intermittent simulate (--model M | --recipe NAME) [--format F[,F...]]
//   [--preset msp430fr5994] [--capacitor 5mF] [--margin 0.55] [--power 2mW | --trace T.csv]
//   [--trace-start S] [--search] [--timeline out.csv] [--timeline-config NAME] [--json]
// frontier intermittent bench [--recipe lenet] [--repeat N] [--json]

#include "cli.h"
#include "commands.h"

#include "intermittent/report.h"

#include "common/error.h"
#include "model/onnx/onnximport.h"
#include "model/recipes.h"

#include <QJsonArray>
#include <QJsonObject>

#include <chrono>
#include <cmath>
#include <cstdio>

namespace frontier::cli {

namespace {

using namespace frontier::intermittent;

model::Shape parseShape(const QString &text)
{
    model::Shape shape;
    for (const QString &part : text.split(QLatin1Char('x'))) {
        bool ok = false;
        const int d = part.toInt(&ok);
        if (!ok || d < 1)
            throw UsageError{QStringLiteral("--input-shape: '") + text
                             + QStringLiteral("' is not like 1x28x28 or 64")};
        shape.push_back(d);
    }
    return shape;
}

QString seconds(double s)
{
    if (!std::isfinite(s))
        return QStringLiteral("never");
    if (s >= 100)
        return fmt(s, 1);
    return fmt(s, 3);
}

QString millijoules(double j)
{
    return fmt(j * 1e3, 3);
}

int simulateCommand(const QStringList &args)
{
    CommandParser p(
        QStringLiteral("intermittent simulate"),
        QStringLiteral("One inference of a model on a battery-less device: the capacitor "
                       "and harvester model, the tiled execution model and the "
                       "power-cycle simulator of docs/intermittent.md. Reports the naive "
                       "(layer checkpoints), per-task and, with --search, searched "
                       "configurations: latency (active + recharge), power cycles and "
                       "the energy split."));
    p.addOption(QStringLiteral("model"), QStringLiteral("the model (.fmodel or .onnx)"),
                QStringLiteral("FILE"));
    p.addOption(QStringLiteral("recipe"),
                QStringLiteral("simulate an untrained recipe instead (costs do not depend on the "
                               "weights' values)"),
                QStringLiteral("NAME"));
    p.addOption(QStringLiteral("input-shape"), QStringLiteral("with --recipe: the input shape"),
                QStringLiteral("SHAPE"), QStringLiteral("1x28x28"));
    p.addOption(QStringLiteral("classes"), QStringLiteral("with --recipe: the number of classes"),
                QStringLiteral("N"), QStringLiteral("10"));
    p.addOption(QStringLiteral("format"),
                QStringLiteral("data format on the device: q1.15 / int16 (Q15) or int8; a comma "
                               "list searches them all with --search (baselines use the first)"),
                QStringLiteral("F"), QStringLiteral("q1.15"));
    p.addOption(QStringLiteral("preset"),
                QStringLiteral("intermittent device preset or .json file"), QStringLiteral("P"),
                QStringLiteral("msp430fr5994"));
    p.addOption(QStringLiteral("capacitor"),
                QStringLiteral("capacitance, e.g. 5mF, 470uF (default: the preset's)"),
                QStringLiteral("C"));
    p.addOption(QStringLiteral("margin"),
                QStringLiteral("safety margin on the energy of one power cycle, (0, 1] "
                               "(default: the preset's)"),
                QStringLiteral("X"));
    p.addOption(QStringLiteral("power"),
                QStringLiteral("constant harvested power, e.g. 2mW (default: the preset's RC "
                               "harvester, R from V_sup)"),
                QStringLiteral("P"));
    p.addOption(QStringLiteral("trace"),
                QStringLiteral("harvested-power trace: CSV with time_s|time_ms|time_us and "
                               "power_w|power_mw|power_uw columns"),
                QStringLiteral("CSV"));
    p.addOption(QStringLiteral("trace-start"),
                QStringLiteral("time of the trace at which the inference starts (s)"),
                QStringLiteral("S"), QStringLiteral("0"));
    p.addOption(QStringLiteral("search"),
                QStringLiteral("search tile sizes, loop orders, tiles per task and format"));
    p.addOption(QStringLiteral("exhaustive"),
                QStringLiteral("with --search: simulate every candidate tiling of every layer"));
    p.addOption(QStringLiteral("timeline"),
                QStringLiteral("write the timeline (voltage, progress, events) as CSV"),
                QStringLiteral("CSV"));
    p.addOption(QStringLiteral("timeline-config"),
                QStringLiteral("configuration of the timeline: naive, per-task, searched "
                               "(default: searched with --search, else per-task)"),
                QStringLiteral("NAME"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print one JSON object"));
    if (!p.parse(args))
        return ExitOk;

    model::Model m;
    std::string where;
    if (p.isSet(QStringLiteral("model")) == p.isSet(QStringLiteral("recipe")))
        throw UsageError{QStringLiteral("give exactly one of --model and --recipe")};
    if (p.isSet(QStringLiteral("model"))) {
        where = p.value(QStringLiteral("model")).toStdString();
        m = model::loadAnyModel(where);
    } else {
        const std::string recipe = p.value(QStringLiteral("recipe")).toStdString();
        m = model::makeRecipe(recipe, parseShape(p.value(QStringLiteral("input-shape"))),
                              p.intValue(QStringLiteral("classes"), 2, 100000));
        m.name = recipe;
        where = "recipe " + recipe;
    }
    if (p.isSet(QStringLiteral("power")) && p.isSet(QStringLiteral("trace")))
        throw UsageError{QStringLiteral("give at most one of --power and --trace")};

    std::vector<std::string> formats;
    for (const QString &f : p.value(QStringLiteral("format")).split(QLatin1Char(',')))
        if (!f.trimmed().isEmpty())
            formats.push_back(f.trimmed().toStdString());
    InferenceRequest request
        = makeRequest(m, where, p.value(QStringLiteral("preset")).toStdString(), formats);
    if (p.isSet(QStringLiteral("capacitor")))
        request.capacitor.capacitance_F
            = parseCapacitance_F(p.value(QStringLiteral("capacitor")).toStdString(), "--capacitor");
    if (p.isSet(QStringLiteral("margin")))
        request.capacitor.margin = p.doubleValue(QStringLiteral("margin"), 1e-6, 1.0);
    if (p.isSet(QStringLiteral("power")))
        request.harvester = Harvester::constant(
            parsePower_W(p.value(QStringLiteral("power")).toStdString(), "--power"));
    if (p.isSet(QStringLiteral("trace")))
        request.harvester = Harvester::loadTrace(p.value(QStringLiteral("trace")).toStdString());
    request.capacitor.validate("--capacitor");
    request.simOptions.start_s = p.doubleValue(QStringLiteral("trace-start"), 0, 1e12);
    request.search = p.isSet(QStringLiteral("search"));
    request.searchOptions.forceExhaustive = p.isSet(QStringLiteral("exhaustive"));
    const QString timelinePath = p.value(QStringLiteral("timeline"));
    request.simOptions.timeline = !timelinePath.isEmpty();

    const auto started = std::chrono::steady_clock::now();
    const InferenceReport report = runInference(request);
    const double elapsed
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    if (!timelinePath.isEmpty()) {
        const std::string name = p.isSet(QStringLiteral("timeline-config"))
                                     ? p.value(QStringLiteral("timeline-config")).toStdString()
                                     : report.best()->configuration.name;
        const ConfigurationResult *c = report.find(name);
        if (!c)
            throw UsageError{QStringLiteral("--timeline-config: no configuration '")
                             + QString::fromStdString(name)
                             + QStringLiteral("' (naive, per-task, searched with --search)")};
        std::vector<std::string> names;
        for (const ExecLayer &l : report.layers)
            names.push_back(l.name);
        writeTimelineCsv(timelinePath.toStdString(), c->sim, names);
    }

    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o = report.toJson();
        o[QStringLiteral("seconds")] = elapsed;
        printJson(o);
        return ExitOk;
    }

    std::printf("model     %s (%zu layers on the device)\n", report.model.c_str(),
                report.layers.size());
    std::printf("device    %s, capacitor %s mF, V_on %s V, V_off %s V: %s mJ per power cycle, "
                "%s mJ with margin %s\n",
                report.platform.c_str(), qPrintable(fmt(report.capacitor.capacitance_F * 1e3, 3)),
                qPrintable(fmt(report.capacitor.vOn_V, 3)),
                qPrintable(fmt(report.capacitor.vOff_V, 3)),
                qPrintable(millijoules(report.cycleEnergy_J)),
                qPrintable(millijoules(report.usableEnergy_J)),
                qPrintable(fmt(report.capacitor.margin, 2)));
    std::printf("harvester %s\n\n", report.harvester.description.c_str());
    TextTable table(
        {QStringLiteral("configuration"), QStringLiteral("format"), QStringLiteral("finishes"),
         QStringLiteral("latency s"), QStringLiteral("active s"), QStringLiteral("recharge s"),
         QStringLiteral("cycles"), QStringLiteral("compute mJ"), QStringLiteral("data mJ"),
         QStringLiteral("preserve mJ"), QStringLiteral("re-exec mJ"), QStringLiteral("reboot mJ")});
    for (const ConfigurationResult &c : report.configurations) {
        const SimResult &s = c.sim;
        table.addRow({QString::fromStdString(c.configuration.name),
                      QString::fromLatin1(dataFormatName(c.configuration.format)),
                      s.terminates ? QStringLiteral("yes") : QStringLiteral("no"),
                      s.terminates ? seconds(s.latency_s) : QStringLiteral("never"),
                      seconds(s.active_s), seconds(s.recharge_s), withThousands(s.powerCycles),
                      millijoules(s.energy.compute_J), millijoules(s.energy.dataMovement_J),
                      millijoules(s.energy.preservation_J), millijoules(s.energy.reexecution_J),
                      millijoules(s.energy.reboot_J)});
    }
    table.print();
    for (const ConfigurationResult &c : report.configurations)
        if (!c.sim.terminates)
            std::printf("%s: does not finish: %s\n", c.configuration.name.c_str(),
                        c.sim.reason.c_str());

    const ConfigurationResult *best = report.best();
    if (best) {
        std::printf("\n%s configuration, per layer:\n", best->configuration.name.c_str());
        TextTable layers({QStringLiteral("layer"), QStringLiteral("tiling"),
                          QStringLiteral("SRAM B"), QStringLiteral("tasks"),
                          QStringLiteral("largest task mJ"), QStringLiteral("failures"),
                          QStringLiteral("energy mJ")});
        for (size_t i = 0; i < report.layers.size(); ++i) {
            const LayerOutcome &l = best->sim.layers[i];
            layers.addRow({QString::fromStdString(report.layers[i].name),
                           QString::fromStdString(best->configuration.tilings[i].label()),
                           withThousands(best->sramBytes[i]), withThousands(l.tasks),
                           millijoules(best->maxTaskEnergy_J[i]), withThousands(l.failures),
                           millijoules(l.energy_J)});
        }
        layers.print();
    }
    if (!report.search.layers.empty()) {
        std::printf("\nsearch: %s tilings simulated in %s s;",
                    qPrintable(withThousands(report.search.evaluated)),
                    qPrintable(fmt(elapsed, 3)));
        for (const auto &[f, latency] : report.search.formats)
            std::printf(" %s %s s;", dataFormatName(f), qPrintable(seconds(latency)));
        std::printf("\n");
    }
    return ExitOk;
}

// The time of the tiling search (q1.15 and int8) for a recipe, best of --repeat runs, on
// the preset's RC harvester and at 2 mW.
int benchCommand(const QStringList &args)
{
    CommandParser p(QStringLiteral("intermittent bench"),
                    QStringLiteral("Times the tiling and format search of a recipe (best of "
                                   "--repeat runs) on the preset's RC harvester and at 2 mW."));
    p.addOption(QStringLiteral("recipe"), QStringLiteral("the recipe"), QStringLiteral("NAME"),
                QStringLiteral("lenet"));
    p.addOption(QStringLiteral("input-shape"), QStringLiteral("the input shape"),
                QStringLiteral("SHAPE"), QStringLiteral("1x28x28"));
    p.addOption(QStringLiteral("preset"), QStringLiteral("intermittent device preset"),
                QStringLiteral("P"), QStringLiteral("msp430fr5994"));
    p.addOption(QStringLiteral("repeat"), QStringLiteral("runs per measurement"),
                QStringLiteral("N"), QStringLiteral("5"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print one JSON object"));
    if (!p.parse(args))
        return ExitOk;
    const std::string recipe = p.value(QStringLiteral("recipe")).toStdString();
    model::Model m
        = model::makeRecipe(recipe, parseShape(p.value(QStringLiteral("input-shape"))), 10);
    m.name = recipe;
    InferenceRequest base = makeRequest(
        m, "recipe " + recipe, p.value(QStringLiteral("preset")).toStdString(), {"q1.15", "int8"});
    const int repeat = p.intValue(QStringLiteral("repeat"), 1, 1000);
    QJsonArray rows;
    TextTable table({QStringLiteral("harvester"), QStringLiteral("search ms"),
                     QStringLiteral("tilings simulated"), QStringLiteral("latency s"),
                     QStringLiteral("format")});
    for (int h = 0; h < 2; ++h) {
        InferenceRequest r = base;
        if (h == 1)
            r.harvester = Harvester::constant(2e-3);
        double best = 1e300;
        SearchOutcome outcome;
        for (int i = 0; i < repeat; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            outcome = searchConfiguration(r.layers, r.formats, r.platform, r.capacitor, r.harvester,
                                          r.searchOptions, r.where);
            best = std::min(
                best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        }
        double latency = 1e300;
        for (const auto &[f, l] : outcome.formats)
            latency = std::min(latency, l);
        table.addRow({QString::fromStdString(r.harvester.description), fmt(best * 1e3, 1),
                      withThousands(outcome.evaluated), seconds(latency),
                      QString::fromLatin1(dataFormatName(outcome.configuration.format))});
        QJsonObject o;
        o[QStringLiteral("harvester")] = QString::fromStdString(r.harvester.description);
        o[QStringLiteral("search_s")] = best;
        o[QStringLiteral("evaluated")] = double(outcome.evaluated);
        o[QStringLiteral("latency_s")] = latency;
        rows.append(o);
    }
    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o;
        o[QStringLiteral("recipe")] = QString::fromStdString(recipe);
        o[QStringLiteral("repeat")] = repeat;
        o[QStringLiteral("searches")] = rows;
        printJson(o);
        return ExitOk;
    }
    std::printf("search of %s (q1.15 and int8), best of %d:\n", recipe.c_str(), repeat);
    table.print();
    return ExitOk;
}

} // namespace

int runIntermittent(const QStringList &args)
{
    const QString sub = args.value(0);
    if (sub == QLatin1String("simulate"))
        return simulateCommand(args.mid(1));
    if (sub == QLatin1String("bench"))
        return benchCommand(args.mid(1));
    if (sub.isEmpty() || sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
        std::printf("Usage: frontier intermittent simulate (--model M | --recipe NAME) "
                    "[--format F] [--preset P]\n"
                    "         [--capacitor 5mF] [--margin X] [--power 2mW | --trace T.csv] "
                    "[--search]\n"
                    "         [--timeline out.csv] [--json]\n"
                    "       frontier intermittent bench [--recipe lenet] [--repeat N] [--json]\n"
                    "See 'frontier intermittent simulate --help' and docs/intermittent.md.\n");
        return sub.isEmpty() ? ExitUsage : ExitOk;
    }
    throw UsageError{QStringLiteral("intermittent: unknown subcommand '") + sub
                     + QStringLiteral("' (simulate, bench)")};
}

} // namespace frontier::cli
