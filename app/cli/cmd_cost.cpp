// frontier cost (--model M | --recipe NAME) --format F --preset P [--measurements CSV]
//               [--accumulate-fp32] [--json]

#include "cli.h"
#include "commands.h"

#include "cost/costmodel.h"
#include "cost/presetlibrary.h"

#include "common/error.h"
#include "model/onnx/onnximport.h"
#include "model/recipes.h"
#include "numeric/formatassignment.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cmath>
#include <cstdio>

namespace frontier::cli {

namespace {

// pJ and µs for the table: thousands separators when large, three decimals when small.
QString amount(double v)
{
    if (std::abs(v) >= 1000)
        return withThousands(std::llround(v));
    return fmt(v, std::abs(v) >= 100 ? 1 : 3);
}

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

QJsonObject costJson(const cost::LayerCost &l)
{
    const cost::LayerCounts &c = l.counts;
    QJsonObject o;
    o[QStringLiteral("name")] = QString::fromStdString(c.name);
    if (!c.type.empty())
        o[QStringLiteral("type")] = QString::fromStdString(c.type);
    if (!c.format.name.empty())
        o[QStringLiteral("format")] = QString::fromStdString(c.format.name);
    o[QStringLiteral("macs")] = double(c.macs);
    o[QStringLiteral("multiplies")] = double(c.multiplies);
    o[QStringLiteral("additions")] = double(c.additions);
    o[QStringLiteral("comparisons")] = double(c.comparisons);
    o[QStringLiteral("activation_evals")] = double(c.activationEvals);
    o[QStringLiteral("sc_bit_ops")] = double(c.scBitOps);
    o[QStringLiteral("sc_counter_bits")] = double(c.scCounterBits);
    o[QStringLiteral("sc_streams")] = double(c.scStreams);
    o[QStringLiteral("sc_stream_bits")] = double(c.scStreamBits);
    o[QStringLiteral("weight_bits")] = double(c.weightBits);
    o[QStringLiteral("activation_bits_read")] = double(c.activationBitsRead);
    o[QStringLiteral("activation_bits_written")] = double(c.activationBitsWritten);
    o[QStringLiteral("weight_level")] = QString::fromStdString(l.weightLevel);
    o[QStringLiteral("activation_level")] = QString::fromStdString(l.activationLevel);
    o[QStringLiteral("energy_compute_pj")] = l.computeEnergy_pj;
    o[QStringLiteral("energy_memory_pj")] = l.memoryEnergy_pj;
    o[QStringLiteral("energy_static_pj")] = l.staticEnergy_pj;
    o[QStringLiteral("energy_pj")] = l.energy_pj;
    o[QStringLiteral("latency_compute_us")] = l.computeLatency_us;
    o[QStringLiteral("latency_memory_us")] = l.memoryLatency_us;
    o[QStringLiteral("latency_us")] = l.latency_us;
    return o;
}

} // namespace

int runCost(const QStringList &args)
{
    CommandParser p(QStringLiteral("cost"),
                    QStringLiteral("Energy, latency and memory of one inference of a model variant "
                                   "on a device preset, per layer and in total (pJ, µs, bytes). "
                                   "Formulas and sources: docs/cost-model.md."));
    p.addOption(QStringLiteral("model"), QStringLiteral("the model (.fmodel or .onnx)"),
                QStringLiteral("FILE"));
    p.addOption(QStringLiteral("recipe"),
                QStringLiteral("cost an untrained recipe instead of a model file (costs do not "
                               "depend on the weights' values)"),
                QStringLiteral("NAME"));
    p.addOption(QStringLiteral("input-shape"), QStringLiteral("with --recipe: the input shape"),
                QStringLiteral("SHAPE"), QStringLiteral("1x28x28"));
    p.addOption(QStringLiteral("classes"), QStringLiteral("with --recipe: the number of classes"),
                QStringLiteral("N"), QStringLiteral("10"));
    p.addOption(QStringLiteral("format"),
                QStringLiteral("format of every weighted layer (fp32, int8, w4a8, fp16, sc8, "
                               "...), with per-layer overrides: w4a8;first=int8;last=int8"),
                QStringLiteral("F"), QStringLiteral("fp32"));
    p.addOption(QStringLiteral("preset"),
                QStringLiteral("device preset name or .json file "
                               "('frontier presets list')"),
                QStringLiteral("P"), QStringLiteral("asic45"));
    p.addOption(QStringLiteral("measurements"),
                QStringLiteral("CSV of measured latency/energy that override the model for their "
                               "(model, format, device)"),
                QStringLiteral("CSV"));
    p.addOption(QStringLiteral("accumulate-fp32"),
                QStringLiteral("price minifloat MAC additions in fp32 instead of the format"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print one JSON object"));
    if (!p.parse(args))
        return ExitOk;

    model::Model m;
    if (p.isSet(QStringLiteral("model")) == p.isSet(QStringLiteral("recipe")))
        throw UsageError{QStringLiteral("give exactly one of --model and --recipe")};
    if (p.isSet(QStringLiteral("model"))) {
        m = model::loadAnyModel(p.value(QStringLiteral("model")).toStdString());
    } else {
        const std::string recipe = p.value(QStringLiteral("recipe")).toStdString();
        m = model::makeRecipe(recipe, parseShape(p.value(QStringLiteral("input-shape"))),
                              p.intValue(QStringLiteral("classes"), 2, 100000));
        m.name = recipe;
    }

    const numeric::FormatAssignment assignment
        = numeric::FormatAssignment::parse(p.value(QStringLiteral("format")).toStdString());
    const std::vector<numeric::FormatSpec> formats = assignment.resolve(m);

    cost::CostOptions options;
    options.minifloatAccumulateFp32 = p.isSet(QStringLiteral("accumulate-fp32"));
    cost::CostModel costModel
        = cost::CostModel::load(p.value(QStringLiteral("preset")).toStdString(), options);
    if (p.isSet(QStringLiteral("measurements")))
        costModel.setMeasurements(
            cost::MeasurementTable::loadCsv(p.value(QStringLiteral("measurements")).toStdString()));
    const cost::VariantCost v = costModel.evaluate(m, formats, assignment.canonical());

    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o;
        o[QStringLiteral("model")] = QString::fromStdString(v.model);
        o[QStringLiteral("variant")] = QString::fromStdString(v.variant);
        o[QStringLiteral("device")] = QString::fromStdString(v.device);
        o[QStringLiteral("preset")] = QString::fromStdString(costModel.preset().path);
        QJsonArray layers;
        for (const cost::LayerCost &l : v.layers)
            layers.append(costJson(l));
        o[QStringLiteral("layers")] = layers;
        QJsonObject total = costJson(v.total);
        total[QStringLiteral("memory_bytes")] = double(v.memory_bytes);
        total[QStringLiteral("weight_bytes")] = double(v.weight_bytes);
        total[QStringLiteral("peak_activation_bytes")] = double(v.peakActivation_bytes);
        total[QStringLiteral("weight_level")] = QString::fromStdString(v.weightLevel);
        total[QStringLiteral("activation_level")] = QString::fromStdString(v.activationLevel);
        o[QStringLiteral("total")] = total;
        o[QStringLiteral("fits")] = v.fits;
        if (!v.fits)
            o[QStringLiteral("fit_note")] = QString::fromStdString(v.fitNote);
        if (!v.estimates.empty()) {
            QJsonArray estimates;
            for (const std::string &e : v.estimates)
                estimates.append(QString::fromStdString(e));
            o[QStringLiteral("estimates")] = estimates;
        }
        o[QStringLiteral("measured")] = v.measured;
        if (v.measured)
            o[QStringLiteral("measurement_source")] = QString::fromStdString(v.measurementSource);
        printJson(o);
        return ExitOk;
    }

    std::printf("model   %s\nvariant %s\ndevice  %s (%s)\n\n", v.model.c_str(), v.variant.c_str(),
                v.device.c_str(), costModel.preset().description.c_str());
    TextTable table({QStringLiteral("layer"), QStringLiteral("type"), QStringLiteral("format"),
                     QStringLiteral("MACs"), QStringLiteral("weight bits"),
                     QStringLiteral("act. bits r+w"), QStringLiteral("compute pJ"),
                     QStringLiteral("memory pJ"), QStringLiteral("static pJ"),
                     QStringLiteral("energy pJ"), QStringLiteral("latency µs")});
    auto row = [&](const cost::LayerCost &l, const QString &type, const QString &fmtName) {
        const cost::LayerCounts &c = l.counts;
        table.addRow({QString::fromStdString(c.name), type, fmtName, withThousands(c.macs),
                      withThousands(c.weightBits),
                      withThousands(c.activationBitsRead + c.activationBitsWritten),
                      amount(l.computeEnergy_pj), amount(l.memoryEnergy_pj),
                      amount(l.staticEnergy_pj), amount(l.energy_pj), amount(l.latency_us)});
    };
    for (const cost::LayerCost &l : v.layers) {
        QString type = QString::fromStdString(l.counts.type);
        if (l.counts.folded)
            type += QStringLiteral(" (folded)");
        else if (l.counts.view)
            type += QStringLiteral(" (view)");
        row(l, type, QString::fromStdString(l.counts.format.name));
    }
    row(v.total, QString(), QString());
    table.print();
    std::printf("\nmemory  weights %s B in %s, peak activations %s B in %s, resident %s B\n",
                qPrintable(withThousands(v.weight_bytes)), v.weightLevel.c_str(),
                qPrintable(withThousands(v.peakActivation_bytes)), v.activationLevel.c_str(),
                qPrintable(withThousands(v.memory_bytes)));
    std::printf("total   %s pJ = %s µJ per inference, %s µs\n",
                qPrintable(amount(v.total.energy_pj)), qPrintable(fmt(v.total.energy_pj / 1e6, 4)),
                qPrintable(amount(v.total.latency_us)));
    if (!v.fits)
        std::printf("warning the variant does not fit the device: %s\n", v.fitNote.c_str());
    for (const std::string &e : v.estimates)
        std::printf("estimate %s\n", e.c_str());
    if (v.measured)
        std::printf("measured energy and latency (%s); the split is the model's, scaled\n",
                    v.measurementSource.c_str());
    return ExitOk;
}

} // namespace frontier::cli
