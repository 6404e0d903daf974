// frontier eval --model MODEL (--dataset DATASET | --input X.npy) [--dump-scores S.npy]

#include "cli.h"
#include "commands.h"

#include "common/error.h"
#include "common/parallel.h"
#include "data/npy.h"
#include "model/engine.h"
#include "model/modelfile.h"
#include "model/onnx/onnximport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>

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

} // namespace

int runEval(const QStringList &args)
{
    CommandParser p(QStringLiteral("eval"),
                    QStringLiteral("Run a model over a dataset part or a raw float32 tensor; "
                                   "report accuracy and optionally write the scores."));
    p.addOption(QStringLiteral("model"), QStringLiteral("the model (.fmodel or .onnx)"), QStringLiteral("FILE"));
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
    p.addOption(QStringLiteral("json"), QStringLiteral("print one JSON object"));
    addDatasetOptions(p);
    if (!p.parse(args))
        return ExitOk;
    p.requirePositional(0, {});
    const QString modelPath = p.require(QStringLiteral("model"));
    const bool haveDataset = p.isSet(QStringLiteral("dataset"));
    const bool haveInput = p.isSet(QStringLiteral("input"));
    if (haveDataset == haveInput)
        throw UsageError{QStringLiteral("eval: give either --dataset or --input")};
    const ThreadLimit threads(p.intValue(QStringLiteral("threads"), 0, 1024));

    const model::Model m = model::loadAnyModel(modelPath.toStdString());
    const int64_t inputSize = model::numel(m.inputShape);

    data::Dataset set;
    QString what;
    if (haveDataset) {
        data::LoadOptions options = datasetOptions(p);
        options.normalization = "none";
        const data::PreparedData raw = data::prepare(p.value(QStringLiteral("dataset")).toStdString(),
                                                     options);
        const QString split = p.value(QStringLiteral("split"));
        set = datasetPart(raw, split);
        if (set.sampleSize() != inputSize) {
            throw Error(set.source, "samples are " + model::shapeToString(set.shape) + " but "
                                        + modelPath.toStdString() + " expects "
                                        + model::shapeToString(m.inputShape));
        }
        m.normalization.apply(set.x.data(), set.size(), set.sampleSize());
        what = QString::fromStdString(set.name) + QStringLiteral(" (") + split + QStringLiteral(")");
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
                throw Error(labelsPath, "has " + std::to_string(labels.size())
                                            + " labels for " + std::to_string(x.shape[0])
                                            + " samples in " + inputPath);
            for (int64_t l : labels) {
                if (l < 0 || l >= m.numClasses())
                    throw Error(labelsPath, "label " + std::to_string(l) + " is outside 0.."
                                                + std::to_string(m.numClasses() - 1));
                set.y.push_back(int(l));
            }
        }
        what = p.value(QStringLiteral("input"));
    }

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
                        out.heads.size() > 1
                            ? qPrintable(QStringLiteral(" (head ")
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
