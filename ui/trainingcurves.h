#pragma once

#include <QJsonObject>
#include <QWidget>

class QLabel;
class QTabWidget;

namespace frontier::ui {

class ChartView;

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

} // namespace frontier::ui
