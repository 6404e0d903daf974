// frontier train --recipe NAME --dataset DATASET --out MODEL.fmodel

#include "cli.h"
#include "commands.h"
#include "trainmethod.h"

#include "common/error.h"
#include "common/parallel.h"
#include "model/modelfile.h"
#include "model/recipes.h"
#include "train/workflow.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>

namespace frontier::cli {

namespace {

std::vector<int> parseWidths(const QString &text)
{
    std::vector<int> widths;
    if (text.isEmpty())
        return widths;
    for (const QString &part : text.split(QLatin1Char(','))) {
        bool ok = false;
        const int w = part.trimmed().toInt(&ok);
        if (!ok || w < 1 || w > 65536) {
            throw UsageError{QStringLiteral("train: --widths takes positive whole numbers "
                                            "separated by commas, not '")
                             + text + QStringLiteral("'")};
        }
        widths.push_back(w);
    }
    return widths;
}

} // namespace

int runTrain(const QStringList &args)
{
    QStringList recipes;
    for (const std::string &r : model::recipeNames())
        recipes << QString::fromStdString(r);
    CommandParser p(QStringLiteral("train"),
                    QStringLiteral("Train a recipe on a dataset (train part; validation on the "
                                   "calibration part; accuracy on the test part) and save the "
                                   "model.\nRecipes: ")
                        + recipes.join(QStringLiteral(", ")));
    p.addOption(QStringLiteral("recipe"), QStringLiteral("the architecture"),
                QStringLiteral("NAME"));
    p.addOption(QStringLiteral("dataset"), QStringLiteral("catalog name, file or IDX folder"),
                QStringLiteral("DATASET"));
    p.addOption(QStringLiteral("out"), QStringLiteral("the .fmodel file to write"),
                QStringLiteral("FILE"));
    p.addOption(QStringLiteral("epochs"), QStringLiteral("epochs (default: the recipe's)"),
                QStringLiteral("N"));
    p.addOption(QStringLiteral("batch-size"), QStringLiteral("mini-batch size"),
                QStringLiteral("B"));
    p.addOption(QStringLiteral("lr"), QStringLiteral("learning rate"), QStringLiteral("LR"));
    p.addOption(QStringLiteral("optimizer"), QStringLiteral("adam or sgd"), QStringLiteral("OPT"));
    p.addOption(QStringLiteral("weight-decay"), QStringLiteral("weight decay"),
                QStringLiteral("WD"));
    p.addOption(QStringLiteral("widths"), QStringLiteral("hidden widths, e.g. 256,128 (mlp)"),
                QStringLiteral("LIST"));
    p.addOption(QStringLiteral("threads"), QStringLiteral("worker threads (0 = all cores)"),
                QStringLiteral("N"), QStringLiteral("0"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print one JSON object"));
    addDatasetOptions(p);
    addTrainMethodOptions(p);
    if (!p.parse(args))
        return ExitOk;
    p.requirePositional(0, {});

    const QString recipe = p.require(QStringLiteral("recipe"));
    const QString datasetSpec = p.require(QStringLiteral("dataset"));
    const QString out = p.require(QStringLiteral("out"));
    if (!recipes.contains(recipe)) {
        throw UsageError{QStringLiteral("train: unknown recipe '") + recipe + QStringLiteral("' (")
                         + recipes.join(QStringLiteral(", ")) + QStringLiteral(")")};
    }
    const ThreadLimit threads(p.intValue(QStringLiteral("threads"), 0, 1024));

    train::RecipeRun run;
    run.recipe = recipe.toStdString();
    run.widths = parseWidths(p.value(QStringLiteral("widths")));
    run.options = train::defaultTrainOptions(run.recipe);
    run.options.seed = p.seedValue(QStringLiteral("seed"));
    if (p.isSet(QStringLiteral("epochs")))
        run.options.epochs = p.intValue(QStringLiteral("epochs"), 1, 100000);
    if (p.isSet(QStringLiteral("batch-size")))
        run.options.batchSize = p.intValue(QStringLiteral("batch-size"), 1, 1 << 20);
    if (p.isSet(QStringLiteral("lr")))
        run.options.learningRate = float(p.doubleValue(QStringLiteral("lr"), 1e-9, 100));
    if (p.isSet(QStringLiteral("weight-decay")))
        run.options.weightDecay = float(p.doubleValue(QStringLiteral("weight-decay"), 0, 10));
    if (p.isSet(QStringLiteral("optimizer"))) {
        const QString opt = p.value(QStringLiteral("optimizer"));
        if (opt != QLatin1String("adam") && opt != QLatin1String("sgd"))
            throw UsageError{QStringLiteral("train: --optimizer is adam or sgd, not '") + opt
                             + QStringLiteral("'")};
        run.options.optimizer = opt.toStdString();
    }

    const bool withMethod = p.isSet(QStringLiteral("method"));
    const train::QuantTrainOptions methodOptions
        = withMethod ? trainMethodOptions(p) : train::QuantTrainOptions{};
    const data::PreparedData prepared = data::prepare(datasetSpec.toStdString(), datasetOptions(p));
    if (withMethod)
        return runTrainMethod(p, methodOptions, run, prepared, out);

    Progress progress;
    run.options.progress = &progress;
    train::TrainedModel trained;
    {
        ProgressPrinter printer(QStringLiteral("training ") + recipe, progress);
        const bool chatty = stderrIsTerminal() && !p.isSet(QStringLiteral("json"));
        trained = train::trainRecipe(run, prepared, [&](const train::EpochReport &e) {
            if (chatty) {
                std::fprintf(stderr,
                             "\r\033[Kepoch %d/%d: loss %.4f, train %.2f %%, "
                             "validation %.2f %% (%.1f s)\n",
                             e.epoch, run.options.epochs, e.trainLoss, 100 * e.trainAccuracy,
                             100 * e.validationAccuracy, e.seconds);
            }
        });
    }
    if (trained.report.cancelled)
        throw Cancelled{};
    model::saveModel(trained.model, out.toStdString());

    const train::TrainReport &report = trained.report;
    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o;
        o[QStringLiteral("recipe")] = recipe;
        o[QStringLiteral("dataset")] = QString::fromStdString(prepared.train.name);
        o[QStringLiteral("out")] = out;
        o[QStringLiteral("parameters")] = double(trained.model.parameterCount());
        o[QStringLiteral("train_samples")] = prepared.train.size();
        o[QStringLiteral("test_samples")] = prepared.test.size();
        o[QStringLiteral("test_accuracy")] = trained.testAccuracy;
        o[QStringLiteral("train_seconds")] = report.seconds;
        o[QStringLiteral("seed")] = QString::number(run.options.seed);
        QJsonArray epochs;
        for (const train::EpochReport &e : report.epochs) {
            QJsonObject eo;
            eo[QStringLiteral("epoch")] = e.epoch;
            eo[QStringLiteral("loss")] = e.trainLoss;
            eo[QStringLiteral("train_accuracy")] = e.trainAccuracy;
            eo[QStringLiteral("validation_accuracy")] = e.validationAccuracy;
            eo[QStringLiteral("seconds")] = e.seconds;
            epochs.append(eo);
        }
        o[QStringLiteral("epochs")] = epochs;
        printJson(o);
        return ExitOk;
    }

    TextTable table({QStringLiteral("epoch"), QStringLiteral("loss"), QStringLiteral("train"),
                     QStringLiteral("validation"), QStringLiteral("seconds")});
    for (const train::EpochReport &e : report.epochs) {
        table.addRow(
            {QString::number(e.epoch), fmt(e.trainLoss, 4), percent(e.trainAccuracy),
             e.validationAccuracy >= 0 ? percent(e.validationAccuracy) : QStringLiteral("-"),
             fmt(e.seconds, 1)});
    }
    table.print();
    std::printf("\n%s on %s: test accuracy %s (%d samples), %s parameters, trained in %.1f s\n"
                "saved %s\n",
                qPrintable(recipe), prepared.train.name.c_str(),
                qPrintable(percent(trained.testAccuracy)), prepared.test.size(),
                qPrintable(withThousands(trained.model.parameterCount())), report.seconds,
                qPrintable(out));
    return ExitOk;
}

} // namespace frontier::cli
