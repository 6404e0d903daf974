#pragma once

#include "common/progress.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

class QThreadPool;
class QTimer;

namespace frontier::ui {

// What a job's work function sees on its worker thread: the Progress it advances and
// polls for cancellation, and a log it may append to. Thread-safe.
class JobContext
{
public:
    virtual ~JobContext() = default;
    virtual frontier::Progress &progress() = 0;
    // Appends one line to the job's log (shown in the jobs dock). Any thread.
    virtual void log(const QString &line) = 0;
    // Throws frontier::Cancelled when cancel() was requested.
    void throwIfCancelled()
    {
        if (progress().cancelRequested())
            throw frontier::Cancelled{};
    }
};

// One background job: a std::function run once on a worker thread of a QThreadPool,
// watched from the GUI thread. Follows STYLE.md: the work function writes its results
// (into state it captured), returns, and the job then sends one queued finished() signal;
// the GUI reads the results after it. Progress is never signalled by the worker: a
// QTimer on the GUI thread polls the shared frontier::Progress every `pollMs`.
//
// cancel() sets the Progress's cancel flag; the work function must poll it (engine
// calls do, every block or mini-batch) and return or throw frontier::Cancelled.
// An exception thrown by the work function ends the job in state Failed with the
// exception's message (never a crash). A Job may be destroyed while its worker still
// runs: the worker's shared state outlives it and its result is dropped.
class Job : public QObject
{
    Q_OBJECT

public:
    enum class State { Queued, Running, Succeeded, Failed, Cancelled };
    using Work = std::function<void(JobContext &)>;

    Job(QString title, Work work, QObject *parent = nullptr);
    ~Job() override;

    // Starts the work on `pool` (nullptr: QThreadPool::globalInstance()). Once only.
    void start(QThreadPool *pool = nullptr);
    void cancel();

    QString title() const { return m_title; }
    State state() const { return m_state; }
    bool isFinished() const;
    QString errorMessage() const { return m_error; }
    static QString stateName(State state);

    // Fraction done in [0, 1]; -1 while the total is unknown.
    double fraction() const;
    qint64 elapsedMs() const;
    // Estimated remaining time in ms, -1 when unknown (too early, or no total).
    qint64 etaMs() const;
    // Wall-clock from cancel() to the end of the worker, -1 if not cancelled or not done.
    qint64 cancelLatencyMs() const { return m_cancelLatencyMs; }
    frontier::Progress &progress();

    int pollIntervalMs() const { return m_pollMs; }
    void setPollIntervalMs(int ms);

Q_SIGNALS:
    void stateChanged(frontier::ui::Job::State state);
    // Polled: emitted by the GUI-thread timer when the counters changed.
    void progressChanged();
    void logAppended(const QString &line);
    // Final state reached; results written by the work function may be read now.
    void finished();
    void succeeded();
    void failed(const QString &message);

private:
    struct Shared;

    void poll();
    void onWorkerDone();
    void setState(State state);

    QString m_title;
    Work m_work;
    std::shared_ptr<Shared> m_shared;
    State m_state = State::Queued;
    QString m_error;
    QElapsedTimer m_clock;
    QElapsedTimer m_cancelClock;
    qint64 m_elapsedAtEnd = -1;
    qint64 m_cancelLatencyMs = -1;
    qint64 m_lastDone = -1;
    qint64 m_lastTotal = -1;
    int m_pollMs = 100;
    QTimer *m_timer = nullptr;
};

} // namespace frontier::ui
