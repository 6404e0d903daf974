#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QWidget>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

class QLabel;
class QTabWidget;

namespace frontier::ui {

class ChartView;
class Job;

// The curves of one training run (train::TrainingResult::toJson(), as `frontier train
// --method ... --json` prints and a trained model keeps in its "training" metadata): the
// training loss over optimizer steps, validation accuracy per epoch and, for RCT, every
// weighted layer's bitwidth over steps; a summary line with the method, the trained format,
// test accuracy, training energy (total and GEMM) per cost preset and parameter memory.
class TrainingCurves : public QWidget
{
    Q_OBJECT

public:
    explicit TrainingCurves(const QJsonObject &result, QWidget *parent = nullptr);

    // The model's "training" metadata parsed; an empty object when absent or not JSON.
    static QJsonObject fromMetadata(const std::string &text);

    ChartView *lossChart() const { return m_loss; }
    ChartView *accuracyChart() const { return m_accuracy; }
    ChartView *bitsChart() const { return m_bits; } // null unless the run has a bit history
    QString summary() const;

private:
    QLabel *m_summary = nullptr;
    QTabWidget *m_tabs = nullptr;
    ChartView *m_loss = nullptr;
    ChartView *m_accuracy = nullptr;
    ChartView *m_bits = nullptr;
};

// What a training job has done so far, in TrainingCurves' JSON (method, loss per epoch,
// accuracies, RCT bitwidths at each epoch's end) plus "epochs_planned" while it runs. The
// job's epoch callback appends from its worker thread; the GUI reads snapshots. Thread-safe.
class LiveTraining
{
public:
    // stepsPerEpoch: optimizer steps per epoch (the x of the loss and bitwidth curves).
    LiveTraining(const QString &method, int epochsPlanned, int stepsPerEpoch);

    // Any thread. bits: per weighted layer (RCT), with `layers` their names; may be empty.
    void addEpoch(int epoch, double loss, double trainAccuracy, double validationAccuracy,
                  const std::vector<int> &bits = {}, const std::vector<std::string> &layers = {});
    void setStepsPerEpoch(int steps); // any thread, before the first epoch
    // The result so far and how many epochs it holds.
    QJsonObject snapshot(int *epochs = nullptr) const;

private:
    mutable std::mutex m_mutex;
    QJsonObject m_result;
    QJsonArray m_epochs, m_losses, m_history;
    int m_stepsPerEpoch = 1;
};

// The curves of a training job while it runs (the Train dialog's job): rebuilt on the GUI
// thread whenever the job's progress changes and a new epoch has come in (the job never
// signals its worker's data: STYLE.md), and a last time when it ends.
class LiveTrainingView : public QWidget
{
    Q_OBJECT

public:
    LiveTrainingView(Job *job, std::shared_ptr<LiveTraining> live, QWidget *parent = nullptr);

    int epochsShown() const { return m_shown; }
    TrainingCurves *curves() const { return m_curves; }

private:
    void refresh();

    std::shared_ptr<LiveTraining> m_live;
    TrainingCurves *m_curves = nullptr;
    QLabel *m_state = nullptr;
    int m_shown = -1;
};

} // namespace frontier::ui
