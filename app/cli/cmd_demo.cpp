// frontier demo — the main job on the built-in data: generate synth-digits, train the
// default models, evaluate them and print a summary.

#include "cli.h"
#include "commands.h"
#include "preview.h"

#include "common/error.h"
#include "model/engine.h"
#include "model/modelfile.h"
#include "model/stats.h"
#include "train/workflow.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>

namespace frontier::cli {

int runDemo(const QStringList &args)
{
    CommandParser p(QStringLiteral("demo"),
                    QStringLiteral("The main job: generate the built-in synth-digits dataset, "
                                   "train the default models (mlp, lenet), evaluate them on "
                                   "the test part and print a summary."));
    p.addOption(QStringLiteral("out"), QStringLiteral("folder for models and the preview"),
                QStringLiteral("DIR"), QStringLiteral("out"));
    p.addOption(QStringLiteral("dataset"), QStringLiteral("dataset to use"),
                QStringLiteral("DATASET"), QStringLiteral("synth-digits"));
    p.addOption(QStringLiteral("recipes"), QStringLiteral("recipes to train, comma-separated"),
                QStringLiteral("LIST"), QStringLiteral("mlp,lenet"));
    p.addOption(QStringLiteral("epochs"), QStringLiteral("override the recipes' epochs"),
                QStringLiteral("N"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print one JSON object"));
    addDatasetOptions(p);
    if (!p.parse(args))
        return ExitOk;
    p.requirePositional(0, {});
    const QString outDir = p.value(QStringLiteral("out"));
    if (!QDir().mkpath(outDir))
        throw Error(outDir.toStdString(), "cannot create the output folder");
    const bool json = p.isSet(QStringLiteral("json"));
    const bool chatty = !json;

    QElapsedTimer timer;
    timer.start();
    const data::PreparedData prepared = data::prepare(
        p.value(QStringLiteral("dataset")).toStdString(), datasetOptions(p));
    const double dataSeconds = double(timer.nsecsElapsed()) * 1e-9;
    const std::string name = prepared.train.name;
    if (chatty) {
        std::printf("dataset  %s: %s (%.2f s)\n", name.c_str(), prepared.description.c_str(),
                    dataSeconds);
    }
    QString previewPath;
    if (prepared.train.isImage()) {
        previewPath = QDir(outDir).filePath(QString::fromStdString(name) + QStringLiteral(".png"));
        // The preview shows raw-looking pixels; normalisation is a monotone map per image.
        writePreviewPng(prepared.train, previewPath.toStdString(), 12, 3);
        if (chatty)
            std::printf("preview  %s\n", qPrintable(previewPath));
    }

    struct Row
    {
        QString recipe;
        QString path;
        train::TrainedModel trained;
        int64_t macs = 0;
        double samplesPerS = 0;
    };
    std::vector<Row> rows;
    for (const QString &recipe : p.value(QStringLiteral("recipes")).split(QLatin1Char(','))) {
        train::RecipeRun run;
        run.recipe = recipe.trimmed().toStdString();
        run.options = train::defaultTrainOptions(run.recipe);
        run.options.seed = p.seedValue(QStringLiteral("seed"));
        if (p.isSet(QStringLiteral("epochs")))
            run.options.epochs = p.intValue(QStringLiteral("epochs"), 1, 100000);
        Progress progress;
        run.options.progress = &progress;
        Row row;
        row.recipe = recipe.trimmed();
        {
            ProgressPrinter printer(QStringLiteral("training ") + row.recipe, progress);
            row.trained = train::trainRecipe(run, prepared);
        }
        if (row.trained.report.cancelled)
            throw Cancelled{};
        row.path = QDir(outDir).filePath(QString::fromStdString(name) + QLatin1Char('-')
                                         + row.recipe + QStringLiteral(".fmodel"));
        model::saveModel(row.trained.model, row.path.toStdString());

        const model::Model &m = row.trained.model;
        row.macs = model::layerTotals(model::layerTable(m)).macs;
        const model::Engine engine(m);
        QElapsedTimer t;
        t.start();
        engine.run(prepared.test.x.data(), prepared.test.size());
        row.samplesPerS = prepared.test.size() / std::max(1e-9, double(t.nsecsElapsed()) * 1e-9);
        if (chatty) {
            std::printf("trained  %s: test accuracy %s in %.1f s -> %s\n", qPrintable(row.recipe),
                        qPrintable(percent(row.trained.testAccuracy)),
                        row.trained.report.seconds, qPrintable(row.path));
            std::fflush(stdout);
        }
        rows.push_back(std::move(row));
    }

    if (json) {
        QJsonObject o;
        o[QStringLiteral("dataset")] = QString::fromStdString(name);
        o[QStringLiteral("content_hash")] = QString::fromStdString(prepared.train.contentHash);
        o[QStringLiteral("train")] = prepared.train.size();
        o[QStringLiteral("calibration")] = prepared.calibration.size();
        o[QStringLiteral("test")] = prepared.test.size();
        if (!previewPath.isEmpty())
            o[QStringLiteral("preview")] = previewPath;
        QJsonArray models;
        for (const Row &r : rows) {
            QJsonObject mo;
            mo[QStringLiteral("recipe")] = r.recipe;
            mo[QStringLiteral("path")] = r.path;
            mo[QStringLiteral("test_accuracy")] = r.trained.testAccuracy;
            mo[QStringLiteral("train_seconds")] = r.trained.report.seconds;
            mo[QStringLiteral("parameters")] = double(r.trained.model.parameterCount());
            mo[QStringLiteral("macs")] = double(r.macs);
            mo[QStringLiteral("samples_per_s")] = r.samplesPerS;
            models.append(mo);
        }
        o[QStringLiteral("models")] = models;
        printJson(o);
        return ExitOk;
    }

    std::printf("\nSummary: %s, test part of %d samples\n\n", name.c_str(), prepared.test.size());
    TextTable table({QStringLiteral("model"), QStringLiteral("test accuracy"),
                     QStringLiteral("parameters"), QStringLiteral("MACs/sample"),
                     QStringLiteral("train s"), QStringLiteral("inference samples/s"),
                     QStringLiteral("file")});
    for (const Row &r : rows) {
        table.addRow({r.recipe, percent(r.trained.testAccuracy),
                      withThousands(r.trained.model.parameterCount()), withThousands(r.macs),
                      fmt(r.trained.report.seconds, 1), withThousands((long long)r.samplesPerS),
                      r.path});
    }
    table.print();
    return ExitOk;
}

} // namespace frontier::cli
