// frontier eval --model MODEL (--dataset DATASET | --input X.npy) [--dump-scores S.npy]
//               [--format F | --formats LIST] [--calibration C.npy] [--layers]

#include "cli.h"
#include "commands.h"
#include "variantsupport.h"

#include "common/error.h"
#include "common/parallel.h"
#include "data/npy.h"
#include "model/engine.h"
#include "model/modelfile.h"
#include "model/onnx/onnximport.h"
#include "numeric/evaluation.h"
#include "numeric/variantio.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>
#include <numeric>

namespace frontier::cli {

namespace {

// The part of a prepared dataset to evaluate, with the model's own normalisation
// applied (not the one fitted now), so a model is always fed what it was trained on.
data::Dataset datasetPart(const data::PreparedData &raw, const QString &split)
{
    if (split == QLatin1String("test"))
        return raw.test;
    if (split == QLatin1String("calibration"))
        return raw.calibration;
    if (split == QLatin1String("train"))
        return raw.train;
    if (split == QLatin1String("all")) {
        data::Dataset all = raw.train;
        for (const data::Dataset *part : {&raw.calibration, &raw.test}) {
            all.x.insert(all.x.end(), part->x.begin(), part->x.end());
            all.y.insert(all.y.end(), part->y.begin(), part->y.end());
        }
        return all;
    }
    throw UsageError{QStringLiteral("eval: --split is test, calibration, train or all, not '")
                     + split + QStringLiteral("'")};
}

QJsonObject variantJson(const numeric::VariantReport &r, bool fromFile, bool labelled)
{
    QJsonObject o;
    o[QStringLiteral("format")] = QString::fromStdString(r.variant.assignment);
    o[QStringLiteral("name")] = QString::fromStdString(r.variant.name);
    if (labelled)
        o[QStringLiteral("accuracy")] = r.accuracy;
    o[QStringLiteral("fidelity")] = r.fidelity;
    o[QStringLiteral("flipped")] = r.flipped;
    const std::vector<float> &m = r.outputs.margins;
    o[QStringLiteral("mean_margin")]
        = m.empty() ? 0.0 : std::accumulate(m.begin(), m.end(), 0.0) / double(m.size());
    o[QStringLiteral("seconds")] = r.seconds;
    o[QStringLiteral("samples_per_s")] = r.seconds > 0 ? r.outputs.n / r.seconds : 0.0;
    o[QStringLiteral("parameter_bits")] = double(r.variant.footprint.parameterBits);
    o[QStringLiteral("peak_activation_bits")] = double(r.variant.footprint.peakActivationBits);
    QJsonObject cal;
    cal[QStringLiteral("source")] = QString::fromStdString(r.variant.calibrationSource);
    cal[QStringLiteral("samples")] = r.variant.calibrationSamples;
    cal[QStringLiteral("stored")] = fromFile;
    o[QStringLiteral("calibration")] = cal;
    if (!r.layers.empty()) {
        QJsonArray layers;
        for (const numeric::LayerReport &l : r.layers) {
            QJsonObject lo;
            lo[QStringLiteral("layer")] = QString::fromStdString(l.layer);
            lo[QStringLiteral("format")] = QString::fromStdString(l.format);
            lo[QStringLiteral("sqnr_db")]
                = std::isfinite(l.sqnrDb) ? QJsonValue(l.sqnrDb) : QJsonValue(QJsonValue::Null);
            lo[QStringLiteral("flips")] = l.flips;
            lo[QStringLiteral("kernel")] = QString::fromStdString(l.kernel);
            layers.append(lo);
        }
        o[QStringLiteral("layers")] = layers;
    }
    return o;
}

// eval --format/--formats: every variant against the fp32 model on the same samples.
int runVariants(const CommandParser &p, const model::Model &m, const QString &modelPath,
                const data::Dataset &set, const QString &what, const data::Dataset *calibrationPart)
{
    const std::string list = p.isSet(QStringLiteral("formats"))
                                 ? p.value(QStringLiteral("formats")).toStdString()
                                 : p.value(QStringLiteral("format")).toStdString();
    const std::vector<std::string> assignments = numeric::expandAssignmentList(list);
    if (p.isSet(QStringLiteral("dump-scores")) && assignments.size() != 1)
        throw UsageError{QStringLiteral("eval: --dump-scores needs a single --format")};
    std::vector<numeric::Variant> stored;
    if (!modelPath.endsWith(QStringLiteral(".onnx"), Qt::CaseInsensitive))
        stored = numeric::loadVariants(modelPath.toStdString());

    const bool explicitCalibration = p.isSet(QStringLiteral("calibration"));
    CalibrationData cal;
    const CalibrationData *calPtr = nullptr;
    if (explicitCalibration) {
        cal = calibrationFromFile(p.value(QStringLiteral("calibration")).toStdString(), m);
        calPtr = &cal;
    } else if (calibrationPart && calibrationPart->size() > 0) {
        cal = calibrationFromSplit(*calibrationPart, calibrationPart->name);
        calPtr = &cal;
    }
    const bool fresh = explicitCalibration || p.isSet(QStringLiteral("recalibrate"));
    const bool perLayer = p.isSet(QStringLiteral("layers"));
    const bool labelled = set.hasLabels();

    Progress progress;
    std::vector<numeric::VariantReport> reports;
    std::vector<bool> fromFile;
    {
        ProgressPrinter printer(QStringLiteral("evaluating variants"), progress);
        progress.setTotal(int64_t(set.size()) * int64_t(assignments.size() + 1));
        const numeric::VariantEvaluator evaluator(m, set.x.data(), set.size(), set.y, &progress);
        for (const std::string &a : assignments) {
            bool stored_ = false;
            const numeric::Variant v = variantFor(m, stored, a, calPtr, fresh, &stored_);
            reports.push_back(evaluator.evaluate(v, perLayer, &progress));
            fromFile.push_back(stored_);
        }
        if (p.isSet(QStringLiteral("dump-scores"))) {
            const numeric::SampleOutputs &o = reports.front().outputs;
            data::writeNpy(p.value(QStringLiteral("dump-scores")).toStdString(),
                           {int64_t(o.n), int64_t(o.classes)}, o.scores.data());
        }
        if (p.isSet(QStringLiteral("json"))) {
            QJsonObject root;
            root[QStringLiteral("model")] = modelPath;
            root[QStringLiteral("data")] = what;
            root[QStringLiteral("samples")] = set.size();
            QJsonObject ref;
            ref[QStringLiteral("format")] = QStringLiteral("fp32");
            if (labelled)
                ref[QStringLiteral("accuracy")] = evaluator.referenceAccuracy();
            ref[QStringLiteral("samples_per_s")] = evaluator.referenceSeconds() > 0
                                                       ? set.size() / evaluator.referenceSeconds()
                                                       : 0.0;
            root[QStringLiteral("reference")] = ref;
            QJsonArray variants;
            for (size_t i = 0; i < reports.size(); ++i)
                variants.append(variantJson(reports[i], fromFile[i], labelled));
            root[QStringLiteral("variants")] = variants;
            if (p.isSet(QStringLiteral("dump-scores")))
                root[QStringLiteral("scores")] = p.value(QStringLiteral("dump-scores"));
            printJson(root);
            return ExitOk;
        }
        std::printf("model     %s (%s)\n", qPrintable(modelPath), m.name.c_str());
        std::printf("data      %s, %d samples\n", qPrintable(what), set.size());
        if (labelled)
            std::printf("fp32      accuracy %s\n",
                        qPrintable(percent(evaluator.referenceAccuracy())));
    }
    TextTable table({QStringLiteral("format"), QStringLiteral("accuracy"),
                     QStringLiteral("fidelity"), QStringLiteral("flipped"),
                     QStringLiteral("mean margin"), QStringLiteral("params KiB"),
                     QStringLiteral("peak act KiB"), QStringLiteral("samples/s"),
                     QStringLiteral("calibration")});
    for (size_t i = 0; i < reports.size(); ++i) {
        const numeric::VariantReport &r = reports[i];
        const std::vector<float> &mg = r.outputs.margins;
        const double margin
            = mg.empty() ? 0 : std::accumulate(mg.begin(), mg.end(), 0.0) / mg.size();
        table.addRow({QString::fromStdString(r.variant.assignment),
                      labelled ? percent(r.accuracy) : QStringLiteral("-"), percent(r.fidelity),
                      QString::number(r.flipped), fmt(margin, 3),
                      fmt(double(r.variant.footprint.parameterBits) / 8192.0, 1),
                      fmt(double(r.variant.footprint.peakActivationBits) / 8192.0, 1),
                      withThousands((long long)(r.seconds > 0 ? r.outputs.n / r.seconds : 0)),
                      fromFile[i] ? QStringLiteral("stored")
                                  : (r.variant.calibrationSamples > 0
                                         ? QString::number(r.variant.calibrationSamples)
                                               + QStringLiteral(" samples")
                                         : QStringLiteral("-"))});
    }
    table.print();
    if (perLayer) {
        for (const numeric::VariantReport &r : reports) {
            std::printf("\n%s (flips: samples whose prediction changes when only that layer is "
                        "quantized)\n",
                        r.variant.name.c_str());
            TextTable layers({QStringLiteral("layer"), QStringLiteral("format"),
                              QStringLiteral("SQNR dB"), QStringLiteral("flips"),
                              QStringLiteral("kernel")});
            for (const numeric::LayerReport &l : r.layers)
                layers.addRow({QString::fromStdString(l.layer), QString::fromStdString(l.format),
                               std::isfinite(l.sqnrDb) ? fmt(l.sqnrDb, 1) : QStringLiteral("inf"),
                               QString::number(l.flips), QString::fromStdString(l.kernel)});
            layers.print();
        }
    }
    if (p.isSet(QStringLiteral("dump-scores")))
        std::printf("scores    %s\n", qPrintable(p.value(QStringLiteral("dump-scores"))));
    return ExitOk;
}

} // namespace

int runEval(const QStringList &args)
{
    CommandParser p(QStringLiteral("eval"),
                    QStringLiteral("Run a model over a dataset part or a raw float32 tensor; "
                                   "report accuracy and optionally write the scores."));
    p.addOption(QStringLiteral("model"), QStringLiteral("the model (.fmodel or .onnx)"),
                QStringLiteral("FILE"));
    p.addOption(QStringLiteral("dataset"), QStringLiteral("catalog name, file or IDX folder"),
                QStringLiteral("DATASET"));
    p.addOption(QStringLiteral("split"), QStringLiteral("test, calibration, train or all"),
                QStringLiteral("PART"), QStringLiteral("test"));
    p.addOption(QStringLiteral("input"),
                QStringLiteral("a raw float32/float64/uint8 .npy tensor [N, <input shape>], fed "
                               "as is (no normalisation)"),
                QStringLiteral("X.npy"));
    p.addOption(QStringLiteral("labels"), QStringLiteral("integer labels [N] for --input"),
                QStringLiteral("Y.npy"));
    p.addOption(QStringLiteral("dump-scores"),
                QStringLiteral("write the final head's outputs as float32 [N, classes] "
                               "(softmax scores if the model ends in softmax)"),
                QStringLiteral("S.npy"));
    p.addOption(QStringLiteral("threads"), QStringLiteral("worker threads (0 = all cores)"),
                QStringLiteral("N"), QStringLiteral("0"));
    p.addOption(QStringLiteral("format"),
                QStringLiteral("evaluate a reduced-precision variant against fp32, e.g. int8, "
                               "w4a8;first=int8;last=int8, fp16, sc8 ('frontier variants list')"),
                QStringLiteral("F"));
    p.addOption(QStringLiteral("formats"),
                QStringLiteral("several variants in one run, comma-separated, ranges allowed: "
                               "int2..int8,fp16,bf16,fp8e4m3,sc6..sc12"),
                QStringLiteral("LIST"));
    p.addOption(QStringLiteral("calibration"),
                QStringLiteral("calibrate on this raw .npy [N, <input shape>] (all samples, fed as "
                               "is) instead of the first 512 of the dataset's calibration split "
                               "or a variant stored in the model"),
                QStringLiteral("C.npy"));
    p.addOption(QStringLiteral("recalibrate"),
                QStringLiteral("calibrate again even when the model stores the variant"));
    p.addOption(QStringLiteral("layers"),
                QStringLiteral("per weighted layer: SQNR against fp32 and the samples that flip "
                               "when only that layer is quantized"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print one JSON object"));
    addDatasetOptions(p);
    if (!p.parse(args))
        return ExitOk;
    p.requirePositional(0, {});
    const QString modelPath = p.require(QStringLiteral("model"));
    const bool variants = p.isSet(QStringLiteral("format")) || p.isSet(QStringLiteral("formats"));
    if (p.isSet(QStringLiteral("format")) && p.isSet(QStringLiteral("formats")))
        throw UsageError{QStringLiteral("eval: give either --format or --formats")};
    if (!variants
        && (p.isSet(QStringLiteral("calibration")) || p.isSet(QStringLiteral("layers"))
            || p.isSet(QStringLiteral("recalibrate"))))
        throw UsageError{QStringLiteral(
            "eval: --calibration, --recalibrate and --layers need --format or --formats")};
    const bool haveDataset = p.isSet(QStringLiteral("dataset"));
    const bool haveInput = p.isSet(QStringLiteral("input"));
    if (haveDataset == haveInput)
        throw UsageError{QStringLiteral("eval: give either --dataset or --input")};
    const ThreadLimit threads(p.intValue(QStringLiteral("threads"), 0, 1024));

    const model::Model m = model::loadAnyModel(modelPath.toStdString());
    const int64_t inputSize = model::numel(m.inputShape);

    data::Dataset set;
    data::Dataset calibrationPart;
    QString what;
    if (haveDataset) {
        data::LoadOptions options = datasetOptions(p);
        options.normalization = "none";
        const data::PreparedData raw
            = data::prepare(p.value(QStringLiteral("dataset")).toStdString(), options);
        const QString split = p.value(QStringLiteral("split"));
        set = datasetPart(raw, split);
        if (set.sampleSize() != inputSize) {
            throw Error(set.source, "samples are " + model::shapeToString(set.shape) + " but "
                                        + modelPath.toStdString() + " expects "
                                        + model::shapeToString(m.inputShape));
        }
        m.normalization.apply(set.x.data(), set.size(), set.sampleSize());
        what
            = QString::fromStdString(set.name) + QStringLiteral(" (") + split + QStringLiteral(")");
        if (variants) {
            calibrationPart = raw.calibration;
            calibrationPart.name = raw.calibration.name.empty() ? set.name : raw.calibration.name;
            m.normalization.apply(calibrationPart.x.data(), calibrationPart.size(),
                                  calibrationPart.sampleSize());
        }
    } else {
        const std::string inputPath = p.value(QStringLiteral("input")).toStdString();
        data::NpyArray x = data::readNpy(inputPath);
        int64_t per = 1;
        for (size_t d = 1; d < x.shape.size(); ++d)
            per *= x.shape[d];
        if (x.shape.empty() || per != inputSize) {
            throw Error(inputPath, "tensor does not have the model's input shape [N, "
                                       + model::shapeToString(m.inputShape) + "]");
        }
        set.name = inputPath;
        set.source = inputPath;
        set.shape = m.inputShape;
        set.x = std::move(x.data);
        if (p.isSet(QStringLiteral("labels"))) {
            const std::string labelsPath = p.value(QStringLiteral("labels")).toStdString();
            const std::vector<int64_t> labels = data::readNpyLabels(labelsPath);
            if (int64_t(labels.size()) != x.shape[0])
                throw Error(labelsPath, "has " + std::to_string(labels.size()) + " labels for "
                                            + std::to_string(x.shape[0]) + " samples in "
                                            + inputPath);
            for (int64_t l : labels) {
                if (l < 0 || l >= m.numClasses())
                    throw Error(labelsPath, "label " + std::to_string(l) + " is outside 0.."
                                                + std::to_string(m.numClasses() - 1));
                set.y.push_back(int(l));
            }
        }
        what = p.value(QStringLiteral("input"));
    }

    if (variants)
        return runVariants(p, m, modelPath, set, what, haveDataset ? &calibrationPart : nullptr);

    const model::Engine engine(m);
    Progress progress;
    progress.setTotal(set.size());
    model::RunOptions runOptions;
    runOptions.progress = &progress;
    QElapsedTimer timer;
    timer.start();
    model::Outputs out;
    {
        ProgressPrinter printer(QStringLiteral("evaluating"), progress);
        out = engine.run(set.x.data(), set.size(), runOptions);
    }
    const double seconds = double(timer.nsecsElapsed()) * 1e-9;

    if (p.isSet(QStringLiteral("dump-scores"))) {
        const int h = int(out.heads.size()) - 1;
        data::writeNpy(p.value(QStringLiteral("dump-scores")).toStdString(),
                       {int64_t(out.n), int64_t(out.headWidths[size_t(h)])},
                       out.heads[size_t(h)].data());
    }

    const bool labelled = set.hasLabels();
    std::vector<double> headAccuracy;
    if (labelled) {
        for (int h = 0; h < int(out.heads.size()); ++h)
            headAccuracy.push_back(model::accuracy(out.predictions(h), set.y));
    }

    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o;
        o[QStringLiteral("model")] = modelPath;
        o[QStringLiteral("data")] = what;
        o[QStringLiteral("samples")] = out.n;
        o[QStringLiteral("seconds")] = seconds;
        o[QStringLiteral("samples_per_s")] = seconds > 0 ? out.n / seconds : 0.0;
        if (labelled) {
            o[QStringLiteral("accuracy")] = headAccuracy.back();
            QJsonArray heads;
            for (size_t h = 0; h < headAccuracy.size(); ++h) {
                QJsonObject ho;
                ho[QStringLiteral("name")] = QString::fromStdString(out.headNames[h]);
                ho[QStringLiteral("accuracy")] = headAccuracy[h];
                heads.append(ho);
            }
            o[QStringLiteral("heads")] = heads;
        }
        if (p.isSet(QStringLiteral("dump-scores")))
            o[QStringLiteral("scores")] = p.value(QStringLiteral("dump-scores"));
        printJson(o);
        return ExitOk;
    }

    std::printf("model     %s (%s)\n", qPrintable(modelPath), m.name.c_str());
    std::printf("data      %s, %d samples\n", qPrintable(what), out.n);
    if (labelled) {
        for (size_t h = 0; h < headAccuracy.size(); ++h) {
            std::printf("accuracy  %s%s\n", qPrintable(percent(headAccuracy[h])),
                        out.heads.size() > 1 ? qPrintable(QStringLiteral(" (head ")
                                                          + QString::fromStdString(out.headNames[h])
                                                          + QStringLiteral(")"))
                                             : "");
        }
    }
    std::printf("time      %.3f s (%s samples/s)\n", seconds,
                qPrintable(withThousands((long long)(seconds > 0 ? out.n / seconds : 0))));
    if (p.isSet(QStringLiteral("dump-scores")))
        std::printf("scores    %s\n", qPrintable(p.value(QStringLiteral("dump-scores"))));
    return ExitOk;
}

} // namespace frontier::cli
