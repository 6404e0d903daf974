#include "jobsdock.h"

#include "jobrow.h"

#include <QEventLoop>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStyle>
#include <QThreadPool>
#include <QTime>
#include <QTimer>
#include <QVBoxLayout>

namespace frontier::ui {

JobsDock::JobsDock(QWidget *parent)
    : QDockWidget(tr("Jobs"), parent)
{
    setObjectName(QStringLiteral("jobsDock"));
    // Two workers: a long study run leaves room for a short job (a cache, an import).
    // The engine parallelises inside each job through oneTBB.
    m_pool = new QThreadPool(this);
    m_pool->setMaxThreadCount(2);

    auto *list = new QWidget;
    m_rows = new QVBoxLayout(list);
    m_rows->setContentsMargins(0, 0, 0, 0);
    m_rows->setSpacing(2);
    m_rows->addStretch(1);
    auto *scroll = new QScrollArea;
    scroll->setWidget(list);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto *clear = new QPushButton(tr("Clear finished"));
    clear->setObjectName(QStringLiteral("clearFinishedJobs"));
    connect(clear, &QPushButton::clicked, this, &JobsDock::clearFinished);
    auto *top = new QWidget;
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(scroll, 1);
    topLayout->addWidget(clear, 0, Qt::AlignLeft);

    m_log = new QPlainTextEdit;
    m_log->setObjectName(QStringLiteral("jobLog"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setPlaceholderText(tr("Job log"));

    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(top);
    split->addWidget(m_log);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    split->setSizes({360, 900});
    top->setMinimumWidth(280);
    setWidget(split);
    m_clear = clear;
}

int JobsDock::defaultHeight(int rows) const
{
    // A row as it is laid out for a job that has not started.
    Job probe(tr("Job"), [](JobContext &) {});
    const JobRow row(&probe);
    const int title = style()->pixelMetric(QStyle::PM_TitleBarHeight, nullptr, this);
    return title + rows * (row.sizeHint().height() + m_rows->spacing())
           + m_clear->sizeHint().height() + 12;
}

JobsDock::~JobsDock()
{
    // Workers may not outlive the pool's owner: ask them to stop, then wait.
    for (Job *job : std::as_const(m_jobs))
        job->cancel();
    m_pool->waitForDone();
}

Job *JobsDock::start(const QString &title, Job::Work work)
{
    auto *job = new Job(title, std::move(work), this);
    m_jobs << job;
    auto *row = new JobRow(job);
    m_rows->insertWidget(0, row);
    connect(job, &Job::logAppended, this,
            [this, job](const QString &line) { appendLog(job, line); });
    connect(job, &Job::finished, this, [this, job] {
        switch (job->state()) {
        case Job::State::Succeeded:
            appendLog(job, tr("done in %1").arg(JobRow::formatDuration(job->elapsedMs())));
            break;
        case Job::State::Cancelled:
            appendLog(job, tr("cancelled after %1").arg(JobRow::formatDuration(job->elapsedMs())));
            break;
        case Job::State::Failed:
            appendLog(job, tr("failed: %1").arg(job->errorMessage()));
            Q_EMIT jobFailed(job->title(), job->errorMessage());
            break;
        default:
            break;
        }
        Q_EMIT runningCountChanged(runningCount());
    });
    appendLog(job, tr("started"));
    job->start(m_pool);
    Q_EMIT runningCountChanged(runningCount());
    return job;
}

int JobsDock::runningCount() const
{
    return int(std::count_if(m_jobs.begin(), m_jobs.end(),
                             [](const Job *job) { return !job->isFinished(); }));
}

void JobsDock::cancelAll()
{
    for (Job *job : std::as_const(m_jobs))
        job->cancel();
}

void JobsDock::clearFinished()
{
    for (int i = m_rows->count() - 1; i >= 0; --i) {
        auto *row = qobject_cast<JobRow *>(m_rows->itemAt(i)->widget());
        if (row && row->job()->isFinished()) {
            m_rows->removeWidget(row);
            m_jobs.removeOne(row->job());
            row->job()->deleteLater();
            row->deleteLater();
        }
    }
}

bool JobsDock::waitForIdle(int timeoutMs)
{
    if (runningCount() == 0)
        return true;
    QEventLoop loop;
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    connect(this, &JobsDock::runningCountChanged, &loop, [&loop](int running) {
        if (running == 0)
            loop.quit();
    });
    loop.exec();
    return runningCount() == 0;
}

void JobsDock::appendLog(const Job *job, const QString &line)
{
    m_log->appendPlainText(
        QStringLiteral("%1  %2: %3")
            .arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), job->title(), line));
}

} // namespace frontier::ui
