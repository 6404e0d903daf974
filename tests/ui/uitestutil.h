#pragma once

// Helpers shared by the GUI tests: an isolated QSettings location, real trained models in
// a temporary project folder, and waiting for background jobs.

#include "jobsdock.h"

#include "data/catalog.h"
#include "model/modelfile.h"
#include "train/workflow.h"

#include <QApplication>
#include <QStandardPaths>
#include <QString>
#include <QtTest>

#include <string>

namespace frontier::test {

// QSettings of the tests go to QStandardPaths' test location, never the user's.
inline void isolateSettings(const char *name)
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(QStringLiteral("FrontierTests"));
    QApplication::setApplicationName(QString::fromLatin1(name));
    QSettings().clear();
}

// Trains `recipe` on `dataset` for `epochs` (a real, if short, training run) and saves it
// as <folder>/<name>.fmodel. Returns the path.
inline QString trainModel(const QString &folder, const std::string &dataset,
                          const std::string &recipe, int epochs, const std::string &name)
{
    const data::PreparedData data = data::prepare(dataset);
    train::RecipeRun run;
    run.recipe = recipe;
    run.options = train::defaultTrainOptions(recipe);
    run.options.epochs = epochs;
    train::TrainedModel trained = train::trainRecipe(run, data);
    trained.model.name = name;
    const QString path
        = folder + QLatin1Char('/') + QString::fromStdString(name) + QStringLiteral(".fmodel");
    model::saveModel(trained.model, path.toStdString());
    return path;
}

// Waits until no job of the dock runs; fails the test after timeoutMs.
inline bool waitForJobs(ui::JobsDock *dock, int timeoutMs = 120000)
{
    return QTest::qWaitFor([dock] { return dock->runningCount() == 0; }, timeoutMs);
}

} // namespace frontier::test
