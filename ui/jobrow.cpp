#include "jobrow.h"

#include "job.h"

#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QStyle>
#include <QToolButton>

namespace frontier::ui {

JobRow::JobRow(Job *job, QWidget *parent)
    : QWidget(parent)
    , m_job(job)
{
    m_title = new QLabel(job->title());
    m_title->setTextFormat(Qt::PlainText);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("jobStatus"));
    m_bar = new QProgressBar;
    m_bar->setRange(0, 1000);
    m_bar->setTextVisible(true);
    m_cancel = new QToolButton;
    m_cancel->setObjectName(QStringLiteral("cancelJob"));
    m_cancel->setIcon(style()->standardIcon(QStyle::SP_DialogCancelButton));
    m_cancel->setToolTip(tr("Cancel this job"));
    m_cancel->setAutoRaise(true);
    connect(m_cancel, &QToolButton::clicked, job, &Job::cancel);

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->setVerticalSpacing(1);
    layout->addWidget(m_title, 0, 0);
    layout->addWidget(m_cancel, 0, 1, 2, 1, Qt::AlignVCenter);
    layout->addWidget(m_bar, 1, 0);
    layout->addWidget(m_status, 2, 0, 1, 2);
    layout->setColumnStretch(0, 1);

    connect(job, &Job::progressChanged, this, &JobRow::refresh);
    connect(job, &Job::stateChanged, this, &JobRow::refresh);
    refresh();
}

QString JobRow::formatDuration(qint64 ms)
{
    if (ms < 0)
        return QStringLiteral("–");
    if (ms < 10000)
        return tr("%1 s").arg(QLocale().toString(double(ms) / 1000.0, 'f', 1));
    const qint64 s = (ms + 500) / 1000;
    if (s < 60)
        return tr("%1 s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2:%3")
        .arg(s / 3600)
        .arg(s / 60 % 60, 2, 10, QLatin1Char('0'))
        .arg(s % 60, 2, 10, QLatin1Char('0'));
}

void JobRow::refresh()
{
    const double f = m_job->fraction();
    if (f < 0 && !m_job->isFinished()) {
        m_bar->setRange(0, 0); // busy indicator until the total is known
    } else {
        m_bar->setRange(0, 1000);
        m_bar->setValue(int(std::max(0.0, f) * 1000.0 + 0.5));
    }
    QString status = Job::stateName(m_job->state());
    if (m_job->state() == Job::State::Running) {
        status = tr("%1 elapsed").arg(formatDuration(m_job->elapsedMs()));
        if (m_job->etaMs() >= 0)
            status += tr(" · ETA %1").arg(formatDuration(m_job->etaMs()));
    } else if (m_job->isFinished()) {
        status += tr(" in %1").arg(formatDuration(m_job->elapsedMs()));
    }
    m_status->setText(status);
    m_status->setToolTip(m_job->errorMessage());
    m_cancel->setEnabled(!m_job->isFinished());
    if (m_job->state() == Job::State::Failed) {
        m_bar->setFormat(tr("failed"));
    } else if (m_job->state() == Job::State::Cancelled) {
        m_bar->setFormat(tr("cancelled"));
    }
}

} // namespace frontier::ui
