// frontier variants list [--model M]            registered formats, or a model's variants
// frontier variants add --model M --formats LIST (--dataset D | --calibration C.npy)

#include "cli.h"
#include "commands.h"
#include "variantsupport.h"

#include "common/error.h"
#include "common/parallel.h"
#include "data/catalog.h"
#include "model/modelfile.h"
#include "numeric/formatspec.h"
#include "numeric/variantio.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>

namespace frontier::cli {

namespace {

int listFormats(const CommandParser &p)
{
    const auto families = numeric::formatFamilies();
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray a;
        for (const auto &[pattern, description] : families) {
            QJsonObject o;
            o[QStringLiteral("pattern")] = QString::fromStdString(pattern);
            o[QStringLiteral("description")] = QString::fromStdString(description);
            a.append(o);
        }
        QJsonObject root;
        root[QStringLiteral("formats")] = a;
        printJson(root);
        return ExitOk;
    }
    TextTable table({QStringLiteral("format"), QStringLiteral("description")});
    for (const auto &[pattern, description] : families)
        table.addRow({QString::fromStdString(pattern), QString::fromStdString(description)});
    table.print();
    std::printf("\nMixed precision: <format>[;first=<format>][;last=<format>][;<layer>=<format>], "
                "e.g. 'w4a8;first=int8;last=int8'.\nLists: comma-separated, ranges allowed: "
                "int2..int8,fp16,bf16,fp8e4m3,sc6..sc12\n");
    return ExitOk;
}

int listStored(const CommandParser &p)
{
    const std::string path = p.value(QStringLiteral("model")).toStdString();
    const std::vector<numeric::Variant> stored = numeric::loadVariants(path);
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray a;
        for (const numeric::Variant &v : stored) {
            QJsonObject o;
            o[QStringLiteral("name")] = QString::fromStdString(v.name);
            o[QStringLiteral("format")] = QString::fromStdString(v.assignment);
            o[QStringLiteral("calibration")] = QString::fromStdString(v.calibrationSource);
            o[QStringLiteral("parameter_bits")] = double(v.footprint.parameterBits);
            o[QStringLiteral("peak_activation_bits")] = double(v.footprint.peakActivationBits);
            a.append(o);
        }
        QJsonObject root;
        root[QStringLiteral("model")] = QString::fromStdString(path);
        root[QStringLiteral("variants")] = a;
        printJson(root);
        return ExitOk;
    }
    if (stored.empty()) {
        std::printf("%s stores no variants ('frontier variants add' makes some)\n", path.c_str());
        return ExitOk;
    }
    TextTable table({QStringLiteral("variant"), QStringLiteral("params KiB"),
                     QStringLiteral("peak act KiB"), QStringLiteral("calibration")});
    for (const numeric::Variant &v : stored)
        table.addRow(
            {QString::fromStdString(v.name), fmt(double(v.footprint.parameterBits) / 8192.0, 1),
             fmt(double(v.footprint.peakActivationBits) / 8192.0, 1),
             QString::fromStdString(v.calibrationSource.empty() ? "-" : v.calibrationSource)});
    table.print();
    return ExitOk;
}

int addVariants(const CommandParser &p)
{
    const std::string path = p.require(QStringLiteral("model")).toStdString();
    const std::vector<std::string> assignments
        = numeric::expandAssignmentList(p.require(QStringLiteral("formats")).toStdString());
    const model::Model m = model::loadModel(path);
    CalibrationData cal;
    const bool haveFile = p.isSet(QStringLiteral("calibration"));
    const bool haveDataset = p.isSet(QStringLiteral("dataset"));
    if (haveFile == haveDataset)
        throw UsageError{QStringLiteral("variants add: give either --dataset or --calibration")};
    if (haveFile) {
        cal = calibrationFromFile(p.value(QStringLiteral("calibration")).toStdString(), m);
    } else {
        data::LoadOptions options = datasetOptions(p);
        options.normalization = "none";
        data::PreparedData raw
            = data::prepare(p.value(QStringLiteral("dataset")).toStdString(), options);
        if (raw.calibration.sampleSize() != model::numel(m.inputShape))
            throw Error(raw.calibration.source, "samples do not have the model's input shape "
                                                    + model::shapeToString(m.inputShape));
        m.normalization.apply(raw.calibration.x.data(), raw.calibration.size(),
                              raw.calibration.sampleSize());
        cal = calibrationFromSplit(raw.calibration, raw.calibration.name);
    }
    // Calibrate everything first, then write the file once per variant (atomically).
    std::vector<numeric::Variant> made;
    {
        Progress progress;
        ProgressPrinter printer(QStringLiteral("calibrating"), progress);
        for (const std::string &a : assignments) {
            bool fromFile = false;
            made.push_back(variantFor(m, {}, a, &cal, true, &fromFile, &progress));
        }
    }
    for (const numeric::Variant &v : made) {
        numeric::storeVariant(path, v);
        std::printf("stored %s (%s)\n", v.name.c_str(),
                    v.calibrationSource.empty() ? "no calibration needed"
                                                : v.calibrationSource.c_str());
    }
    return ExitOk;
}

} // namespace

int runVariants(const QStringList &args)
{
    CommandParser p(QStringLiteral("variants"),
                    QStringLiteral("Reduced-precision variants. 'list': every registered number "
                                   "format (with --model: the variants stored in that model). "
                                   "'add': calibrate variants and store them in the model file, "
                                   "so evaluating them later needs no calibration data."));
    p.addPositional(QStringLiteral("action"), QStringLiteral("list or add"),
                    QStringLiteral("list|add"));
    p.addOption(QStringLiteral("model"), QStringLiteral("the model (.fmodel)"),
                QStringLiteral("FILE"));
    p.addOption(QStringLiteral("formats"),
                QStringLiteral("add: comma-separated formats or assignments, ranges allowed"),
                QStringLiteral("LIST"));
    p.addOption(QStringLiteral("dataset"),
                QStringLiteral("add: calibrate on the first 512 samples of its calibration split"),
                QStringLiteral("DATASET"));
    p.addOption(QStringLiteral("calibration"),
                QStringLiteral("add: calibrate on this raw .npy [N, <input shape>] instead"),
                QStringLiteral("C.npy"));
    p.addOption(QStringLiteral("threads"), QStringLiteral("worker threads (0 = all cores)"),
                QStringLiteral("N"), QStringLiteral("0"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print one JSON object (list)"));
    addDatasetOptions(p);
    if (!p.parse(args))
        return ExitOk;
    const QString action
        = p.requirePositional(1, QStringLiteral("an action (list or add)")).front();
    const ThreadLimit threads(p.intValue(QStringLiteral("threads"), 0, 1024));
    if (action == QLatin1String("list"))
        return p.isSet(QStringLiteral("model")) ? listStored(p) : listFormats(p);
    if (action == QLatin1String("add"))
        return addVariants(p);
    throw UsageError{QStringLiteral("variants: the action is list or add, not '") + action
                     + QStringLiteral("'")};
}

} // namespace frontier::cli
