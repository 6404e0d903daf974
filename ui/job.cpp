#include "job.h"

#include <QFutureWatcher>
#include <QMutex>
#include <QThreadPool>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>

namespace frontier::ui {

// Everything the worker touches. Owned jointly by the Job and the running worker, so
// that destroying a Job while its worker runs is safe.
struct Job::Shared : JobContext
{
    frontier::Progress counters;
    QMutex mutex;
    QStringList pendingLog; // guarded by mutex
    QString error;          // written by the worker before it ends; read after finished
    std::atomic<bool> started{false};

    frontier::Progress &progress() override { return counters; }
    void log(const QString &line) override
    {
        const QMutexLocker lock(&mutex);
        pendingLog << line;
    }
    QStringList takeLog()
    {
        const QMutexLocker lock(&mutex);
        return std::exchange(pendingLog, {});
    }
};

Job::Job(QString title, Work work, QObject *parent)
    : QObject(parent)
    , m_title(std::move(title))
    , m_work(std::move(work))
    , m_shared(std::make_shared<Shared>())
{
    m_timer = new QTimer(this);
    m_timer->setInterval(m_pollMs);
    connect(m_timer, &QTimer::timeout, this, &Job::poll);
}

Job::~Job()
{
    // A still-running worker keeps m_shared alive; ask it to stop, it finishes alone.
    if (!isFinished())
        m_shared->counters.cancel();
}

void Job::start(QThreadPool *pool)
{
    if (m_clock.isValid())
        return;
    m_clock.start();
    auto *watcher = new QFutureWatcher<void>(this);
    connect(watcher, &QFutureWatcher<void>::finished, this, &Job::onWorkerDone);
    std::shared_ptr<Shared> shared = m_shared;
    Work work = std::move(m_work);
    QFuture<void> future = QtConcurrent::run(
        pool ? pool : QThreadPool::globalInstance(), [shared, work = std::move(work)] {
            shared->started.store(true);
            try {
                work(*shared);
            } catch (const frontier::Cancelled &) {
                // the state becomes Cancelled from the flag
            } catch (const std::exception &e) {
                shared->error = QString::fromUtf8(e.what());
            } catch (...) {
                shared->error = QStringLiteral("unknown error");
            }
        });
    watcher->setFuture(future);
    m_timer->start();
}

void Job::cancel()
{
    if (isFinished() || m_shared->counters.cancelRequested())
        return;
    m_cancelClock.start();
    m_shared->counters.cancel();
    Q_EMIT logAppended(tr("cancel requested"));
}

bool Job::isFinished() const
{
    return m_state == State::Succeeded || m_state == State::Failed || m_state == State::Cancelled;
}

QString Job::stateName(State state)
{
    switch (state) {
    case State::Queued:
        return tr("queued");
    case State::Running:
        return tr("running");
    case State::Succeeded:
        return tr("done");
    case State::Failed:
        return tr("failed");
    case State::Cancelled:
        return tr("cancelled");
    }
    return {};
}

double Job::fraction() const
{
    if (m_state == State::Succeeded)
        return 1.0;
    return m_shared->counters.total() > 0 ? std::min(1.0, m_shared->counters.fraction()) : -1.0;
}

qint64 Job::elapsedMs() const
{
    if (m_elapsedAtEnd >= 0)
        return m_elapsedAtEnd;
    return m_clock.isValid() ? m_clock.elapsed() : 0;
}

qint64 Job::etaMs() const
{
    const double f = fraction();
    const qint64 elapsed = elapsedMs();
    if (isFinished() || f < 0.01 || elapsed < 500)
        return -1;
    return qint64(double(elapsed) * (1.0 - f) / f);
}

frontier::Progress &Job::progress()
{
    return m_shared->counters;
}

void Job::setPollIntervalMs(int ms)
{
    m_pollMs = std::max(10, ms);
    m_timer->setInterval(m_pollMs);
}

void Job::poll()
{
    if (m_state == State::Queued && m_shared->started.load())
        setState(State::Running);
    for (const QString &line : m_shared->takeLog())
        Q_EMIT logAppended(line);
    const qint64 done = m_shared->counters.done();
    const qint64 total = m_shared->counters.total();
    if (done != m_lastDone || total != m_lastTotal) {
        m_lastDone = done;
        m_lastTotal = total;
        Q_EMIT progressChanged();
    }
}

void Job::onWorkerDone()
{
    m_timer->stop();
    if (m_cancelClock.isValid())
        m_cancelLatencyMs = m_cancelClock.elapsed();
    m_elapsedAtEnd = m_clock.elapsed();
    poll();
    m_error = m_shared->error;
    if (!m_error.isEmpty())
        setState(State::Failed);
    else if (m_shared->counters.cancelRequested())
        setState(State::Cancelled);
    else
        setState(State::Succeeded);
    Q_EMIT progressChanged();
    Q_EMIT finished();
    if (m_state == State::Succeeded)
        Q_EMIT succeeded();
    else if (m_state == State::Failed)
        Q_EMIT failed(m_error);
}

void Job::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

} // namespace frontier::ui
