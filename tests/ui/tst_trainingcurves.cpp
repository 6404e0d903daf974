// Training curves: the widget drawn from a real RCT run's result (loss over steps,
// accuracy per epoch, every layer's bitwidth over steps), the model view of a model trained
// with a method showing them, and the Train dialog's method and bits.

#include "uitestutil.h"

#include "chartview.h"
#include "job.h"
#include "mainwindow.h"
#include "modelview.h"
#include "traindialog.h"
#include "trainingcurves.h"
#include "workspace.h"

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
    QSignalSpy finished(job, &ui::Job::finished);
    QVERIFY(finished.wait(120000));
    QCOMPARE(job->state(), ui::Job::State::Succeeded);
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

QTEST_MAIN(TestTrainingCurves)
#include "tst_trainingcurves.moc"
