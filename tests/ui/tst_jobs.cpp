// Background jobs: success, failure reported as a message, cancellation within 1 s, and
// an event loop that keeps running while a heavy job runs on the worker threads.

#include "job.h"
#include "jobsdock.h"
#include "mainwindow.h"
#include "uitestutil.h"

#include "common/error.h"
#include "data/catalog.h"
#include "train/workflow.h"

#include <QElapsedTimer>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QTimer>

using namespace frontier;

class TestJobs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void jobSucceedsAndLogs();
    void failureBecomesMessage();
    void cancelTrainingStopsWithinOneSecond();
    void eventLoopKeepsRunningDuringJob();

private:
    std::shared_ptr<data::PreparedData> m_data;
};

void TestJobs::initTestCase()
{
    test::isolateSettings("tst_jobs");
    m_data = std::make_shared<data::PreparedData>(data::prepare("synth-digits"));
}

void TestJobs::jobSucceedsAndLogs()
{
    ui::JobsDock dock;
    auto result = std::make_shared<int64_t>(0);
    ui::Job *job = dock.start(QStringLiteral("count"), [result](ui::JobContext &ctx) {
        ctx.progress().setTotal(1000);
        for (int i = 0; i < 1000; ++i) {
            ctx.throwIfCancelled();
            ctx.progress().advance();
            *result += i;
        }
        ctx.log(QStringLiteral("counted"));
    });
    QSignalSpy finished(job, &ui::Job::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(job->state(), ui::Job::State::Succeeded);
    QCOMPARE(*result, int64_t(999 * 1000 / 2)); // written by the worker, read after finished
    QCOMPARE(job->fraction(), 1.0);
    QVERIFY(dock.logView()->toPlainText().contains(QStringLiteral("counted")));
    QCOMPARE(dock.runningCount(), 0);
}

void TestJobs::failureBecomesMessage()
{
    ui::MainWindow window;
    window.show();
    ui::Job *job = window.jobsDock()->start(QStringLiteral("bad data"), [](ui::JobContext &) {
        data::prepare("/nonexistent/file.csv");
    });
    QSignalSpy failed(job, &ui::Job::failed);
    QVERIFY(failed.wait(10000));
    QCOMPARE(job->state(), ui::Job::State::Failed);
    QVERIFY(job->errorMessage().contains(QStringLiteral("/nonexistent/file.csv")));
    // Shown as a (non-modal) message box, and the application keeps running.
    QVERIFY(QTest::qWaitFor(
        [&window] {
            const auto boxes = window.findChildren<QMessageBox *>(QStringLiteral("errorMessage"));
            return !boxes.isEmpty()
                   && boxes.first()->text().contains(QStringLiteral("nonexistent"));
        },
        2000));
}

void TestJobs::cancelTrainingStopsWithinOneSecond()
{
    ui::JobsDock dock;
    std::shared_ptr<const data::PreparedData> data = m_data;
    auto epochs = std::make_shared<std::atomic<int>>(0);
    ui::Job *job = dock.start(QStringLiteral("long training"), [data, epochs](ui::JobContext &ctx) {
        train::RecipeRun run;
        run.recipe = "lenet";
        run.options = train::defaultTrainOptions("lenet");
        run.options.epochs = 200; // minutes of work: must be cancelled
        run.options.progress = &ctx.progress();
        const train::TrainedModel trained
            = train::trainRecipe(run, *data, [epochs](const train::EpochReport &) { ++*epochs; });
        if (trained.report.cancelled)
            throw frontier::Cancelled{};
    });
    QVERIFY(QTest::qWaitFor([job] { return job->progress().done() > 0; }, 30000));
    QTest::qWait(300);
    QVERIFY(!job->isFinished());
    QElapsedTimer clock;
    clock.start();
    QSignalSpy finished(job, &ui::Job::finished);
    job->cancel();
    QVERIFY(finished.wait(5000));
    const qint64 waited = clock.elapsed();
    QCOMPARE(job->state(), ui::Job::State::Cancelled);
    qInfo("cancel returned after %lld ms (worker: %lld ms)", waited, job->cancelLatencyMs());
    QVERIFY2(job->cancelLatencyMs() < 1000, qPrintable(QString::number(job->cancelLatencyMs())));
    QVERIFY(waited < 1000);
    QVERIFY(*epochs < 200);
}

void TestJobs::eventLoopKeepsRunningDuringJob()
{
    ui::MainWindow window;
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    std::shared_ptr<const data::PreparedData> data = m_data;
    ui::Job *job
        = window.jobsDock()->start(QStringLiteral("training"), [data](ui::JobContext &ctx) {
              train::RecipeRun run;
              run.recipe = "mlp";
              run.options = train::defaultTrainOptions("mlp");
              run.options.epochs = 3;
              run.options.progress = &ctx.progress();
              train::trainRecipe(run, *data);
          });
    // A 10 ms timer on the GUI thread: how late does it ever fire while the job runs?
    QElapsedTimer clock;
    clock.start();
    qint64 last = 0;
    qint64 worst = 0;
    int ticks = 0;
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    timer.setInterval(10);
    connect(&timer, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        worst = std::max(worst, now - last - 10);
        last = now;
        ++ticks;
    });
    timer.start();
    QVERIFY(test::waitForJobs(window.jobsDock(), 120000));
    timer.stop();
    QCOMPARE(job->state(), ui::Job::State::Succeeded);
    qInfo("job ran %lld ms; %d timer ticks; worst lateness %lld ms", job->elapsedMs(), ticks,
          worst);
    QVERIFY(ticks > 10);
    QVERIFY2(worst < 100, qPrintable(QStringLiteral("event loop stalled %1 ms").arg(worst)));
}

QTEST_MAIN(TestJobs)
#include "tst_jobs.moc"
