#pragma once

#include "job.h"

#include <QDockWidget>
#include <QList>

class QPlainTextEdit;
class QPushButton;
class QThreadPool;
class QVBoxLayout;

namespace frontier::ui {

// The jobs dock: every background job (training, imports, output caches, study runs)
// with its progress bar, ETA and cancel button, above a shared log. The dock owns its
// jobs and the thread pool they run on. A failed job is reported through jobFailed()
// (the main window shows it as a message); it never brings the application down.
class JobsDock : public QDockWidget
{
    Q_OBJECT

public:
    explicit JobsDock(QWidget *parent = nullptr);
    ~JobsDock() override;

    // Creates a job, lists it and starts it on the dock's pool. The dock owns the job;
    // connect to its finished()/succeeded() to read what the work function wrote.
    Job *start(const QString &title, Job::Work work);

    QList<Job *> jobs() const { return m_jobs; }
    int runningCount() const;
    void cancelAll();
    // Removes finished jobs from the list (their log lines stay).
    void clearFinished();
    // Waits (processing events) until no job runs or `timeoutMs` passed; true if idle.
    bool waitForIdle(int timeoutMs);

    // A height (pixels, title bar included) that shows `rows` jobs without scrolling: the
    // main window's default for the dock.
    int defaultHeight(int rows = 3) const;

    QThreadPool *pool() const { return m_pool; }
    QPlainTextEdit *logView() const { return m_log; }

Q_SIGNALS:
    void jobFailed(const QString &title, const QString &message);
    void runningCountChanged(int running);

private:
    void appendLog(const Job *job, const QString &line);

    QThreadPool *m_pool = nullptr;
    QList<Job *> m_jobs;
    QVBoxLayout *m_rows = nullptr;
    QPushButton *m_clear = nullptr;
    QPlainTextEdit *m_log = nullptr;
};

} // namespace frontier::ui
