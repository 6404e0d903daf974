#include "workspace.h"

#include "datasetview.h"
#include "explorersetup.h"
#include "intermittentview.h"
#include "jobsdock.h"
#include "modelref.h"
#include "modelview.h"
#include "preferences.h"
#include "projectdocument.h"
#include "resultset.h"
#include "resultsview.h"
#include "studyeditor.h"
#include "thresholdexplorer.h"
#include "trainingcurves.h"

#include "common/error.h"
#include "data/catalog.h"
#include "model/modelfile.h"
#include "model/onnx/onnximport.h"
#include "numeric/variantio.h"
#include "study/metricformat.h"
#include "study/studyrunner.h"
#include "study/studyspec.h"
#include "train/quanttraining.h"
#include "train/workflow.h"

#include <QDir>
#include <QFileInfo>
#include <QPointer>
#include <QTabWidget>

namespace frontier::ui {

namespace {

// An accuracy in the jobs' log as everywhere else: "97.25 %" (study::MetricFormat).
QString shareText(double share)
{
    return QString::fromStdString(study::MetricFormat::of("accuracy").text(share));
}

const char *const kKeyProperty = "workspaceKey";

} // namespace

QString Workspace::modelName(const QString &ref) const
{
    for (const ProjectDocument::Entry &e : m_project->models()) {
        if (e.path == ref)
            return e.name;
    }
    return QFileInfo(ref).completeBaseName();
}

Workspace::Workspace(QTabWidget *tabs, JobsDock *jobs, ProjectDocument *project, QObject *parent)
    : QObject(parent)
    , m_tabs(tabs)
    , m_jobs(jobs)
    , m_project(project)
{
    connect(project, &ProjectDocument::changed, this, &Workspace::refreshExplorerModels);
    // Every open results view offers the project's other studies to compare with.
    connect(project, &ProjectDocument::changed, this, [this] {
        QStringList names;
        for (const ProjectDocument::Entry &e : m_project->studies())
            names << e.name;
        for (int i = 0; i < m_tabs->count(); ++i) {
            if (auto *view = qobject_cast<ResultsView *>(m_tabs->widget(i)))
                view->setAvailableStudies(names);
        }
    });
    connect(project, &ProjectDocument::opened, this, &Workspace::openFirstStudy);
}

void Workspace::openFirstStudy()
{
    const QList<ProjectDocument::Entry> studies = m_project->studies();
    if (!studies.isEmpty())
        openResults(studies.first().path);
}

bool Workspace::closeTab(int index)
{
    QWidget *w = m_tabs->widget(index);
    if (!w)
        return false;
    if (auto *editor = qobject_cast<StudyEditor *>(w)) {
        m_tabs->setCurrentWidget(editor);
        if (!editor->confirmClose())
            return false;
    }
    m_tabs->removeTab(m_tabs->indexOf(w));
    w->deleteLater();
    return true;
}

bool Workspace::confirmCloseAll()
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        auto *editor = qobject_cast<StudyEditor *>(m_tabs->widget(i));
        if (editor && editor->isModified()) {
            m_tabs->setCurrentWidget(editor);
            if (!editor->confirmClose())
                return false;
        }
    }
    return true;
}

QWidget *Workspace::tab(const QString &key) const
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (m_tabs->widget(i)->property(kKeyProperty).toString() == key)
            return m_tabs->widget(i);
    }
    return nullptr;
}

QWidget *Workspace::bringForward(const QString &key)
{
    QWidget *w = tab(key);
    if (w)
        m_tabs->setCurrentWidget(w);
    return w;
}

void Workspace::addTab(QWidget *view, const QString &key, const QString &title, const QString &tip)
{
    view->setProperty(kKeyProperty, key);
    const int index = m_tabs->addTab(view, title);
    m_tabs->setTabToolTip(index, tip);
    m_tabs->setCurrentIndex(index);
}

DatasetView *Workspace::openDataset(const QString &spec)
{
    const QString key = QStringLiteral("dataset:") + spec;
    if (auto *w = qobject_cast<DatasetView *>(bringForward(key)))
        return w;
    auto *view = new DatasetView(spec);
    view->setSampleLimit(Preferences::load().sampleCount);
    addTab(view, key, QFileInfo(spec).fileName(), spec);
    auto result = std::make_shared<data::PreparedData>();
    const std::string stdSpec = spec.toStdString();
    Job *job = m_jobs->start(tr("Load %1").arg(spec), [result, stdSpec](JobContext &ctx) {
        ctx.throwIfCancelled();
        *result = data::prepare(stdSpec);
        ctx.log(QString::fromStdString(result->description));
    });
    QPointer<DatasetView> guard(view);
    connect(job, &Job::finished, this, [guard, job, result] {
        if (!guard)
            return;
        if (job->state() == Job::State::Succeeded)
            guard->setData(result);
        else
            guard->setError(job->errorMessage().isEmpty() ? Job::stateName(job->state())
                                                          : job->errorMessage());
    });
    return view;
}

ModelView *Workspace::openModel(const QString &path)
{
    const QString key = QStringLiteral("model:") + path;
    if (auto *w = qobject_cast<ModelView *>(bringForward(key)))
        return w;
    try {
        model::Model m = ModelRef::load(path.toStdString());
        const QString title = ModelRef::isInProject(path.toStdString())
                                  ? QString::fromStdString(m.name)
                                  : QFileInfo(path).completeBaseName();
        auto *view = new ModelView(std::move(m), path);
        addTab(view, key, title, path);
        Q_EMIT status(tr("%1: %n layer(s)", nullptr, view->layerRowCount()).arg(path));
        return view;
    } catch (const std::exception &e) {
        Q_EMIT message(tr("Cannot open model"), QString::fromUtf8(e.what()));
        return nullptr;
    }
}

ThresholdExplorer *Workspace::openExplorer(const QString &modelPath)
{
    const QString key = QStringLiteral("explorer");
    auto *view = qobject_cast<ThresholdExplorer *>(bringForward(key));
    if (!view) {
        view = new ThresholdExplorer;
        addTab(view, key, tr("Threshold explorer"), tr("Thresholds evaluated from cached outputs"));
        QPointer<ThresholdExplorer> guard(view);
        connect(
            view, &ThresholdExplorer::computeRequested, this,
            [this, guard](const ExplorerRequest &request) {
                auto result = std::make_shared<ExplorerData>();
                Job *job = m_jobs->start(
                    tr("Outputs for %1").arg(modelName(QString::fromStdString(request.modelPath))),
                    [result, request](JobContext &ctx) {
                        *result = computeExplorerData(request, ctx);
                    });
                guard->setBusy(true);
                connect(job, &Job::finished, this, [guard, job, result] {
                    if (!guard)
                        return;
                    guard->setBusy(false);
                    if (job->state() == Job::State::Succeeded)
                        guard->setData(result);
                    else if (job->state() == Job::State::Failed)
                        guard->setError(job->errorMessage());
                });
            });
    }
    QList<QPair<QString, QString>> models;
    for (const ProjectDocument::Entry &e : m_project->models())
        models << qMakePair(e.name, e.path);
    view->setup()->setModels(models, modelPath);
    return view;
}

void Workspace::refreshExplorerModels()
{
    if (auto *view = qobject_cast<ThresholdExplorer *>(tab(QStringLiteral("explorer")))) {
        QList<QPair<QString, QString>> models;
        for (const ProjectDocument::Entry &e : m_project->models())
            models << qMakePair(e.name, e.path);
        ExplorerRequest current;
        QString ignored;
        const bool ok = view->setup()->request(&current, &ignored);
        view->setup()->setModels(models,
                                 ok ? QString::fromStdString(current.modelPath) : QString());
    }
}

namespace {

// A training job with a method (train/quanttraining.h): the model is saved with its variant
// and keeps its accounting and curves in its "training" metadata.
void trainWithMethod(JobContext &ctx, train::RecipeRun run, const data::PreparedData &data,
                     const std::string &method, int bits, const std::string &name,
                     const std::string &path, LiveTraining &live)
{
    train::QuantTrainOptions options;
    options.method = train::parseMethod(method);
    options.bits = bits;
    options.rct.initialBits = bits;
    if (options.method == train::TrainMethod::Rct) {
        const train::TrainOptions rct = train::rctTrainOptions(run.recipe);
        run.options.optimizer = rct.optimizer;
        run.options.momentum = rct.momentum;
        run.options.learningRate = rct.learningRate;
        run.options.weightDecay = rct.weightDecay;
    }
    train::QuantTrainedModel trained
        = train::trainRecipeQuantized(run, options, data, [&](const train::EpochAccount &e) {
              QStringList bitsText;
              std::vector<int> layerBits;
              std::vector<std::string> layerNames;
              for (const train::LayerAccount &l : e.layers) {
                  bitsText << QString::number(l.weightBits);
                  layerBits.push_back(l.weightBits);
                  layerNames.push_back(l.layer);
              }
              live.addEpoch(e.epoch, e.loss, e.trainAccuracy, e.validationAccuracy,
                            options.method == train::TrainMethod::Rct ? layerBits
                                                                      : std::vector<int>{},
                            layerNames);
              ctx.log(QStringLiteral("epoch %1: loss %2, validation accuracy %3, bits %4")
                          .arg(e.epoch)
                          .arg(e.loss, 0, 'f', 4)
                          .arg(shareText(e.validationAccuracy))
                          .arg(bitsText.join(QLatin1Char(','))));
          });
    if (trained.result.cancelled || ctx.progress().cancelRequested())
        throw frontier::Cancelled{};
    trained.model.name = name;
    std::vector<std::string> variants;
    if (trained.hasVariant)
        variants.push_back(numeric::variantToJson(trained.variant));
    model::saveModel(trained.model, path, variants);
    ctx.log(QStringLiteral("test accuracy %1 as %2, saved %3")
                .arg(shareText(trained.result.testAccuracy))
                .arg(QString::fromStdString(trained.result.format), QString::fromStdString(path)));
}

} // namespace

Job *Workspace::trainModel(const QString &dataset, const QString &recipe, int epochs,
                           const QString &name, const QString &method, int bits)
{
    const QString folder = m_project->modelFolder();
    if (folder.isEmpty()) {
        Q_EMIT message(tr("No project"), tr("Open or create a project before training."));
        return nullptr;
    }
    const QString path = QDir(folder).filePath(name + QStringLiteral(".fmodel"));
    const std::string stdDataset = dataset.toStdString();
    const std::string stdRecipe = recipe.toStdString();
    const std::string stdPath = path.toStdString();
    const std::string stdName = name.toStdString();
    // The curves as they come in (the run's epochs; the data's size is known in the job).
    auto liveReady = std::make_shared<LiveTraining>(
        method.isEmpty() ? QStringLiteral("fp32") : method,
        epochs > 0 ? epochs : train::defaultTrainOptions(stdRecipe).epochs, 1);
    Job *job = m_jobs->start(tr("Train %1 on %2").arg(recipe, dataset), [=](JobContext &ctx) {
        ctx.log(QStringLiteral("preparing %1").arg(dataset));
        const data::PreparedData data = data::prepare(stdDataset);
        ctx.throwIfCancelled();
        train::RecipeRun run;
        run.recipe = stdRecipe;
        run.options = train::defaultTrainOptions(stdRecipe);
        if (epochs > 0)
            run.options.epochs = epochs;
        run.options.progress = &ctx.progress();
        const int n = data.train.size();
        liveReady->setStepsPerEpoch(n > 0 ? n / std::max(1, std::min(run.options.batchSize, n))
                                          : 1); // as the trainer steps

        if (!method.isEmpty()) {
            trainWithMethod(ctx, run, data, method.toStdString(), bits, stdName, stdPath,
                            *liveReady);
            return;
        }
        train::TrainedModel trained
            = train::trainRecipe(run, data, [&ctx, liveReady](const train::EpochReport &e) {
                  liveReady->addEpoch(e.epoch, e.trainLoss, e.trainAccuracy, e.validationAccuracy);
                  ctx.log(QStringLiteral("epoch %1: loss %2, validation accuracy %3")
                              .arg(e.epoch)
                              .arg(e.trainLoss, 0, 'f', 4)
                              .arg(shareText(e.validationAccuracy)));
              });
        if (trained.report.cancelled || ctx.progress().cancelRequested())
            throw frontier::Cancelled{};
        trained.model.name = stdName;
        model::saveModel(trained.model, stdPath);
        ctx.log(QStringLiteral("test accuracy %1, saved %2")
                    .arg(shareText(trained.testAccuracy))
                    .arg(path));
    });
    connect(job, &Job::succeeded, m_project, &ProjectDocument::reload);
    auto *curves = new LiveTrainingView(job, liveReady);
    addTab(curves, QStringLiteral("training:") + name, tr("Training %1").arg(name),
           tr("Curves of the training job of %1 as it runs").arg(name));
    if (!method.isEmpty()) {
        // The run's curves (loss, accuracy, RCT bitwidths) are in the trained model's view.
        connect(job, &Job::succeeded, this, [this, path] { openModel(path); });
    }
    return job;
}

Job *Workspace::importOnnx(const QString &path)
{
    const QString folder = m_project->modelFolder();
    if (folder.isEmpty()) {
        Q_EMIT message(tr("No project"), tr("Open or create a project before importing."));
        return nullptr;
    }
    const QString target
        = QDir(folder).filePath(QFileInfo(path).completeBaseName() + QStringLiteral(".fmodel"));
    const std::string from = path.toStdString();
    const std::string to = target.toStdString();
    Job *job = m_jobs->start(tr("Import %1").arg(QFileInfo(path).fileName()),
                             [from, to](JobContext &ctx) {
                                 model::Model m = model::importOnnx(from);
                                 ctx.log(QStringLiteral("%1 layers").arg(m.layers.size()));
                                 model::saveModel(m, to);
                             });
    connect(job, &Job::succeeded, this, [this, target] {
        m_project->reload();
        openModel(target);
    });
    return job;
}

Job *Workspace::importDataset(const QString &path)
{
    if (!m_project->isOpen()) {
        Q_EMIT message(tr("No project"), tr("Open or create a project before importing."));
        return nullptr;
    }
    auto summary = std::make_shared<std::string>();
    const std::string spec = path.toStdString();
    Job *job = m_jobs->start(tr("Import %1").arg(QFileInfo(path).fileName()),
                             [spec, summary](JobContext &ctx) {
                                 // Reading it once checks that it is a dataset Frontier reads.
                                 *summary = data::prepare(spec).description;
                                 ctx.log(QString::fromStdString(*summary));
                             });
    connect(job, &Job::succeeded, this, [this, path] {
        m_project->addDataset(path);
        openDataset(path);
    });
    return job;
}

} // namespace frontier::ui

namespace frontier::ui {

StudyEditor *Workspace::addEditor(const QString &key, const QString &title)
{
    auto *editor = new StudyEditor;
    editor->setDefaultFolder(m_project->studyFolder());
    connect(editor, &StudyEditor::runRequested, this, &Workspace::runStudy);
    connect(editor, &StudyEditor::saved, m_project, &ProjectDocument::reload);
    addTab(editor, key, title, key.mid(key.indexOf(QLatin1Char(':')) + 1));
    // "name *" while the spec has unsaved changes; the file's name once saved.
    connect(editor, &StudyEditor::modifiedChanged, this, [this, editor, title] {
        const int index = m_tabs->indexOf(editor);
        if (index < 0)
            return;
        const QString base
            = editor->path().isEmpty() ? title : QFileInfo(editor->path()).completeBaseName();
        m_tabs->setTabText(index, editor->isModified() ? base + QStringLiteral(" *") : base);
    });
    return editor;
}

StudyEditor *Workspace::openSpec(const QString &path)
{
    const QString key = QStringLiteral("spec:") + QFileInfo(path).absoluteFilePath();
    if (auto *w = qobject_cast<StudyEditor *>(bringForward(key)))
        return w;
    StudyEditor *editor = addEditor(key, QFileInfo(path).completeBaseName());
    QString error;
    if (!editor->load(path, &error))
        Q_EMIT message(tr("Cannot open study spec"), error);
    return editor;
}

StudyEditor *Workspace::newStudy(const QString &templatePath)
{
    static int untitled = 0;
    StudyEditor *editor
        = addEditor(QStringLiteral("spec:untitled-%1").arg(++untitled), tr("New study"));
    const QString source
        = templatePath.isEmpty()
              ? QStringLiteral(FRONTIER_SOURCE_DIR "/resources/studies/ari-quick.json")
              : templatePath;
    QFile file(source);
    if (file.open(QIODevice::ReadOnly)) {
        editor->setJson(file.readAll(), m_project->modelFolder().isEmpty()
                                            ? QFileInfo(source).absolutePath()
                                            : m_project->modelFolder());
    } else {
        editor->setJson(QByteArrayLiteral("{\n    \"schema\": 1,\n    \"name\": \"study\",\n"
                                          "    \"dataset\": \"synth-digits\",\n"
                                          "    \"models\": [],\n    \"policies\": [],\n"
                                          "    \"devices\": [\"asic45\"]\n}\n"),
                        m_project->modelFolder());
    }
    return editor;
}

StudyEditor *Workspace::editStoredStudy(const QString &storedStudy)
{
    const QString spec = m_project->studySpec(storedStudy);
    if (spec.isEmpty()) {
        Q_EMIT message(tr("No spec"), tr("The project file has no spec for %1.").arg(storedStudy));
        return nullptr;
    }
    StudyEditor *editor = addEditor(QStringLiteral("spec:stored-") + storedStudy, storedStudy);
    editor->setJson(spec.toUtf8(), m_project->modelFolder());
    return editor;
}

ResultsView *Workspace::openResults(const QString &study)
{
    const QString key = QStringLiteral("results:") + study;
    auto *view = qobject_cast<ResultsView *>(bringForward(key));
    if (!view) {
        view = new ResultsView(study);
        addTab(view, key, tr("%1 results").arg(study),
               tr("Pareto front and trials of %1").arg(study));
        connect(view, &ResultsView::overlayRequested, this,
                [this, view](const QString &other) { loadResultSet(view, other); });
        connect(view, &ResultsView::intermittentTimelineRequested, this,
                [this](const study::TrialConfig &t) {
                    auto *timeline = IntermittentView::forTrial(
                        m_jobs, m_project->projectFile().toStdString(), t);
                    addTab(timeline,
                           QStringLiteral("intermittent:") + QString::fromStdString(t.label()),
                           tr("Timeline %1").arg(QString::fromStdString(t.tiers.front().label())),
                           QString::fromStdString(t.label()));
                });
    }
    QStringList names;
    for (const ProjectDocument::Entry &e : m_project->studies())
        names << e.name;
    view->setAvailableStudies(names);
    loadResultSet(view, study);
    return view;
}

void Workspace::loadResultSet(ResultsView *view, const QString &study)
{
    const std::string path = m_project->projectFile().toStdString();
    const std::string name = study.toStdString();
    auto result = std::make_shared<ResultSet>();
    Job *job
        = m_jobs->start(tr("Load results of %1").arg(study), [path, name, result](JobContext &) {
              *result = ResultSet::load(path, name);
          });
    QPointer<ResultsView> guard(view);
    connect(job, &Job::finished, this, [guard, job, result] {
        if (!guard)
            return;
        if (job->state() == Job::State::Succeeded)
            guard->addSet(result);
        else if (job->state() == Job::State::Failed)
            guard->setError(job->errorMessage());
    });
}

Job *Workspace::runStudy(const QByteArray &json, const QString &baseDir)
{
    const QString projectFile = m_project->projectFile();
    if (projectFile.isEmpty()) {
        Q_EMIT message(tr("No project"), tr("Open or create a project before running a study."));
        return nullptr;
    }
    const std::string path = projectFile.toStdString();
    const std::string dir = baseDir.toStdString();
    const QByteArray text = json;
    auto report = std::make_shared<study::RunReport>();
    auto name = std::make_shared<QString>();
    QString title;
    try {
        const study::StudySpec spec = study::parseStudySpec(text, "study spec", dir);
        *name = QString::fromStdString(spec.name);
        title = tr("Study %1").arg(*name);
    } catch (const std::exception &e) {
        Q_EMIT message(tr("Invalid study spec"), QString::fromUtf8(e.what()));
        return nullptr;
    }
    Job *job = m_jobs->start(title, [path, dir, text, report](JobContext &ctx) {
        const study::StudySpec spec = study::parseStudySpec(text, "study spec", dir);
        study::RunOptions options;
        options.progress = &ctx.progress();
        options.log = [&ctx](const std::string &line) {
            ctx.log(QString::fromStdString(line));
        };
        *report = study::StudyRunner(path).run(spec, options);
        ctx.log(QStringLiteral("%1: %2 trials (%3 computed, %4 reused, %5 failed), front %6")
                    .arg(QString::fromStdString(report->status))
                    .arg(report->trials)
                    .arg(report->computed)
                    .arg(report->reused)
                    .arg(report->failed)
                    .arg(report->frontSize));
    });
    connect(job, &Job::finished, this, [this, job, name] {
        m_project->reload();
        if (job->state() == Job::State::Succeeded)
            openResults(*name);
    });
    return job;
}

} // namespace frontier::ui
