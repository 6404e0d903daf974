#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace frontier::ui {

class Job;

// One line of the jobs dock: title, state, progress bar, elapsed time and ETA, and a
// cancel button. Reads its Job on the Job's (polled) signals.
class JobRow : public QWidget
{
    Q_OBJECT

public:
    explicit JobRow(Job *job, QWidget *parent = nullptr);

    Job *job() const { return m_job; }

    // "1:05" or "12 s"; "–" for negative values.
    static QString formatDuration(qint64 ms);

private:
    void refresh();

    Job *m_job;
    QLabel *m_title = nullptr;
    QLabel *m_status = nullptr;
    QProgressBar *m_bar = nullptr;
    QToolButton *m_cancel = nullptr;
};

} // namespace frontier::ui
