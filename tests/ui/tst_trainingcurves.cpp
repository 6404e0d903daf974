// Training curves: the widget drawn from a real RCT run's result (loss over steps,
// accuracy per epoch, every layer's bitwidth over steps), the model view of a model trained
// with a method showing them, and the Train dialog's method and bits.

#include "uitestutil.h"

#include "chartview.h"
#include "job.h"
#include "mainwindow.h"
#include "modelview.h"
#include "resultset.h"
#include "resultsview.h"
#include "traindialog.h"
#include "trainingcurves.h"
#include "workspace.h"

#include "study/studyrunner.h"
#include "study/studyspec.h"
#include "train/quanttraining.h"

#include <QChart>
#include <QComboBox>
#include <QJsonDocument>
#include <QLineSeries>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>

using namespace frontier;

class TestTrainingCurves : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void curvesOfAnRctRun();
    void modelViewShowsTheCurves();
    void trainDialogOffersMethods();
    void trainingJobWithAMethod();
    void liveStateFromAnotherThread();
    void trainingEnergyFrontPreset();

private:
    train::QuantTrainedModel m_rct;
};

void TestTrainingCurves::initTestCase()
{
    test::isolateSettings("tst_trainingcurves");
    const data::PreparedData data = data::prepare("optdigits");
    train::RecipeRun run;
    run.recipe = "mlp";
    run.widths = {32};
    run.options = train::rctTrainOptions("mlp");
    run.options.epochs = 3;
    train::QuantTrainOptions options;
    options.method = train::TrainMethod::Rct;
    options.rct.every = 20;
    m_rct = train::trainRecipeQuantized(run, options, data);
    QVERIFY(m_rct.result.testAccuracy > 0.8);
}

void TestTrainingCurves::curvesOfAnRctRun()
{
    const train::TrainingResult &r = m_rct.result;
    const QJsonObject json
        = QJsonDocument::fromJson(QByteArray::fromStdString(r.toJson())).object();
    ui::TrainingCurves curves(json);
    auto points = [](ui::ChartView *view, int series) {
        const QList<QAbstractSeries *> all = view->chart()->series();
        return series < all.size() ? qobject_cast<QLineSeries *>(all[series])->points()
                                   : QList<QPointF>();
    };
    // One loss point per loss_every steps, at its last step.
    const QList<QPointF> loss = points(curves.lossChart(), 0);
    QCOMPARE(loss.size(), int(r.stepLoss.size()));
    QCOMPARE(loss.front().y(), r.stepLoss.front());
    QCOMPARE(loss.front().x(), double(r.lossEvery));
    // Accuracy per epoch: training, then validation (percent).
    const QList<QPointF> validation = points(curves.accuracyChart(), 1);
    QCOMPARE(validation.size(), 3);
    QCOMPARE(validation.back().y(), 100 * r.epochs.back().validationAccuracy);
    // One bitwidth series per weighted layer, ending at the final bits.
    QVERIFY(curves.bitsChart());
    QCOMPARE(curves.bitsChart()->chart()->series().size(), int(r.finalBits.size()));
    for (size_t l = 0; l < r.finalBits.size(); ++l) {
        const QList<QPointF> bits = points(curves.bitsChart(), int(l));
        QCOMPARE(bits.front().y(), double(r.bitHistory.front().bits[l]));
        QCOMPARE(bits.back().y(), double(r.finalBits[l]));
        QCOMPARE(bits.back().x(), double(r.bitHistory.back().step));
    }
    QVERIFY(curves.summary().contains(QLatin1String("rct")));
    QVERIFY(curves.summary().contains(QString::fromStdString(r.format)));
    // The chart exports its data like every chart.
    QVERIFY(curves.bitsChart()->csv().count(QLatin1Char('\n')) > 3);
}

void TestTrainingCurves::modelViewShowsTheCurves()
{
    ui::ModelView trained(m_rct.model, QStringLiteral("rct.fmodel"));
    const ui::TrainingCurves *curves = trained.findChild<ui::TrainingCurves *>();
    QVERIFY(curves);
    QVERIFY(curves->bitsChart());
    model::Model plain = m_rct.model;
    plain.metadata.erase("training");
    ui::ModelView view(plain, QStringLiteral("plain.fmodel"));
    QVERIFY(!view.findChild<ui::TrainingCurves *>());
}

void TestTrainingCurves::trainDialogOffersMethods()
{
    ui::TrainDialog dialog({QStringLiteral("mnist")}, QStringLiteral("mnist"));
    QCOMPARE(dialog.method(), QString());
    auto *method = dialog.findChild<QComboBox *>(QStringLiteral("methodPicker"));
    auto *bits = dialog.findChild<QSpinBox *>(QStringLiteral("bitsPicker"));
    QVERIFY(method && bits);
    QVERIFY(!bits->isEnabled());
    method->setCurrentIndex(method->findData(QStringLiteral("qat")));
    QCOMPARE(dialog.method(), QStringLiteral("qat"));
    QVERIFY(bits->isEnabled());
    bits->setValue(4);
    QCOMPARE(dialog.bits(), 4);
}

void TestTrainingCurves::trainingJobWithAMethod()
{
    // The Train dialog's job with RCT: the model lands in the project folder with its variant
    // and its curves, and its model view shows them.
    QTemporaryDir dir;
    ui::MainWindow window;
    QVERIFY(window.openProject(dir.path()));
    ui::Job *job
        = window.workspace()->trainModel(QStringLiteral("optdigits"), QStringLiteral("mlp"), 2,
                                         QStringLiteral("opt-rct"), QStringLiteral("rct"), 6);
    QVERIFY(job);
    // Polled often, so that a loaded machine still shows the epochs one by one (the
    // default interval may see both epochs of this small job in one poll).
    job->setPollIntervalMs(10);
    // The job's curves open in a tab of their own as it starts, and grow epoch by epoch.
    ui::LiveTrainingView *live = nullptr;
    for (int i = 0; i < window.centralTabs()->count() && !live; ++i)
        live = qobject_cast<ui::LiveTrainingView *>(window.centralTabs()->widget(i));
    QVERIFY(live);
    QCOMPARE(live->epochsShown(), 0);
    QVERIFY2(live->curves()->summary().contains(QStringLiteral("epoch 0 of 2")),
             qPrintable(live->curves()->summary()));
    QVector<int> seen;
    connect(job, &ui::Job::progressChanged, this, [&] {
        if (seen.isEmpty() || seen.back() != live->epochsShown())
            seen << live->epochsShown();
    });
    QSignalSpy finished(job, &ui::Job::finished);
    QVERIFY(finished.wait(120000));
    QCOMPARE(job->state(), ui::Job::State::Succeeded);
    QCOMPARE(live->epochsShown(), 2);
    QVERIFY2(seen.contains(1), "the first epoch was shown before the job ended");
    QVERIFY2(live->curves()->summary().contains(QStringLiteral("epoch 2 of 2")),
             qPrintable(live->curves()->summary()));
    QVERIFY(live->curves()->bitsChart()); // RCT: the bitwidths, live too
    QCOMPARE(live->curves()->lossChart()->chart()->series().size(), 1);
    const QString path = dir.filePath(QStringLiteral("opt-rct.fmodel"));
    const model::ModelFile file = model::loadModelFile(path.toStdString());
    QCOMPARE(int(file.variants.size()), 1);
    const QJsonObject training
        = ui::TrainingCurves::fromMetadata(file.model.metadata.at("training"));
    QCOMPARE(training.value(QStringLiteral("method")).toString(), QStringLiteral("rct"));
    QCOMPARE(training.value(QStringLiteral("bits")).toInt(), 6);
    // The job's success opened the trained model's view, curves included.
    auto *view = qobject_cast<ui::ModelView *>(window.centralTabs()->currentWidget());
    QVERIFY(view);
    QCOMPARE(view->path(), path);
    const ui::TrainingCurves *curves = view->findChild<ui::TrainingCurves *>();
    QVERIFY(curves && curves->bitsChart());
}

// The live state is written by the job's worker and read by the GUI: a snapshot holds
// whole epochs, in order, with the loss at each epoch's last step.
void TestTrainingCurves::liveStateFromAnotherThread()
{
    ui::LiveTraining live(QStringLiteral("rct"), 50, 1);
    live.setStepsPerEpoch(10);
    std::thread worker([&] {
        for (int e = 1; e <= 50; ++e)
            live.addEpoch(e, 1.0 / e, 0.5, 0.4, {8, 6}, {"fc1", "fc2"});
    });
    int last = 0;
    while (last < 50) {
        int epochs = 0;
        const QJsonObject r = live.snapshot(&epochs);
        QVERIFY(epochs >= last);
        QCOMPARE(r.value(QStringLiteral("epochs")).toArray().size(), epochs);
        QCOMPARE(r.value(QStringLiteral("loss_curve")).toArray().size(), epochs);
        last = epochs;
    }
    worker.join();
    const QJsonObject r = live.snapshot();
    ui::TrainingCurves curves(r);
    const auto *loss = qobject_cast<QLineSeries *>(curves.lossChart()->chart()->series().front());
    QCOMPARE(loss->points().size(), 50);
    QCOMPARE(loss->points()[1], QPointF(20, 0.5)); // epoch 2 ends at step 20
    QVERIFY(curves.bitsChart());
    QCOMPARE(curves.bitsChart()->chart()->series().size(), 2);
}

// A training study's results offer the front of accuracy against training energy (and
// parameter memory) as presets; presets whose metric the trials lack are not offered.
void TestTrainingCurves::trainingEnergyFrontPreset()
{
    QTemporaryDir dir;
    const QByteArray spec = R"({
        "schema": 1, "name": "edge",
        "dataset": {"name": "synth-digits", "samples": 600},
        "training": {"recipe": "mlp", "widths": [16], "epochs": 1,
                     "methods": ["fp32", "qat", "rct"], "bits": [8], "seeds": [1]},
        "policies": [{"kind": "single", "models": ["mlp-fp32-s1", "mlp-qat8-s1", "mlp-rct8-s1"],
                      "formats": ["fp32", "int8"]}],
        "devices": ["asic45"],
        "objectives": ["energy_pj:min", "accuracy:max"]
    })";
    const std::string project = dir.filePath(QStringLiteral("edge.frontier")).toStdString();
    study::StudyRunner(project).run(study::parseStudySpec(spec, "edge.json"));
    auto set = std::make_shared<ui::ResultSet>(ui::ResultSet::load(project, "edge"));
    QCOMPARE(set->results.rows(), 6);
    ui::ResultsView view(QStringLiteral("edge"));
    view.addSet(set);
    const QStringList presets = view.presets();
    QVERIFY2(presets.contains(QStringLiteral("training energy vs accuracy"))
                 && presets.contains(QStringLiteral("parameter memory vs accuracy"))
                 && presets.contains(QStringLiteral("energy vs accuracy")),
             qPrintable(presets.join(QStringLiteral(", "))));
    QVERIFY(!presets.contains(QStringLiteral("harvested-power latency vs accuracy")));
    QVERIFY(!view.applyPreset(QStringLiteral("harvested-power latency vs accuracy")));
    QVERIFY(view.applyPreset(QStringLiteral("training energy vs accuracy")));
    QCOMPARE(view.findChild<QComboBox *>(QStringLiteral("paretoX"))->currentText(),
             QStringLiteral("train_energy_pj"));
    QCOMPARE(view.findChild<QComboBox *>(QStringLiteral("paretoY"))->currentText(),
             QStringLiteral("accuracy"));
    // The front is over training energy now: its cheapest trial trains with the least energy.
    const study::FrontResult &front = view.front(0);
    QVERIFY(!front.rows.empty());
    const int col = set->results.column("train_energy_pj");
    double least = INFINITY;
    for (int r = 0; r < set->results.rows(); ++r)
        least = std::min(least, set->results.table().at(r, col));
    double frontLeast = INFINITY;
    for (int r : front.rows)
        frontLeast = std::min(frontLeast, set->results.table().at(r, col));
    QCOMPARE(frontLeast, least);
    // The combo box offers the same presets, after a placeholder.
    auto *box = view.findChild<QComboBox *>(QStringLiteral("frontPreset"));
    QVERIFY(box);
    QCOMPARE(box->count(), presets.size() + 1);
}

QTEST_MAIN(TestTrainingCurves)
#include "tst_trainingcurves.moc"
