#pragma once

#include "resultset.h"

#include <QWidget>

#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace frontier::ui {

class ParetoChart;
class ResultsFilter;
class ResultsTableModel;

// A study's results: the Pareto chart over two chosen metrics (each minimised or
// maximised, linear or log) and the results table (sortable, filterable, "front only"),
// linked both ways: clicking a point selects its row, selecting a row rings its point.
// Other studies of the project can be overlaid in distinct colours. Fronts, hypervolume
// and knee come from core (study::computeFront) under the spec's constraints, which can be
// edited here; a bad constraint is shown, not thrown.
class ResultsView : public QWidget
{
    Q_OBJECT

public:
    explicit ResultsView(const QString &study, QWidget *parent = nullptr);
    ~ResultsView() override;

    QString study() const { return m_study; }
    // The first set is the view's own study; later ones are overlays.
    void addSet(std::shared_ptr<const ResultSet> set);
    void setError(const QString &message);
    int setCount() const { return int(m_sets.size()); }
    // Studies the overlay menu offers (the project's others).
    void setAvailableStudies(const QStringList &names);

    void setAxes(const QString &x, const QString &y);
    void setLogAxes(bool x, bool y);
    // Preset fronts against accuracy whose x metric the study has: "energy vs accuracy",
    // "latency vs accuracy", "memory vs accuracy", and where the trials carry them
    // "training energy vs accuracy", "parameter memory vs accuracy", "harvested-power
    // latency vs accuracy". applyPreset() sets the axes (log x for energies); false for a
    // name not offered.
    QStringList presets() const;
    bool applyPreset(const QString &name);
    void setConstraints(const QString &text);
    // One front per value of this column ("device" by default, "model", "policy"; "" for
    // one front of everything).
    void setGroupBy(const QString &column);
    // Selects a trial (set, row of its StudyResults) in the table and on the chart.
    void selectTrial(int set, int row);
    std::pair<int, int> selectedTrial() const;

    const study::FrontResult &front(int set) const { return m_fronts[size_t(set)]; }
    ParetoChart *chart() const { return m_chart; }
    QTableView *table() const { return m_table; }
    ResultsTableModel *tableModel() const { return m_model; }
    ResultsFilter *filter() const { return m_filter; }
    QString summary() const;

Q_SIGNALS:
    void overlayRequested(const QString &study);
    // "Intermittent timeline..." on a selected trial of an intermittent policy.
    void intermittentTimelineRequested(const frontier::study::TrialConfig &trial);

private:
    void refillAxes();
    void recompute();
    void onTableSelection();
    void exportTable();

    QString m_study;
    std::vector<std::shared_ptr<const ResultSet>> m_sets;
    std::vector<study::FrontResult> m_fronts;
    QComboBox *m_x = nullptr;
    QComboBox *m_y = nullptr;
    QComboBox *m_xSense = nullptr;
    QComboBox *m_ySense = nullptr;
    QCheckBox *m_logX = nullptr;
    QCheckBox *m_logY = nullptr;
    QLineEdit *m_constraints = nullptr;
    QComboBox *m_overlay = nullptr;
    QComboBox *m_presets = nullptr;
    QComboBox *m_groupBy = nullptr;
    QLineEdit *m_filterText = nullptr;
    QCheckBox *m_frontOnly = nullptr;
    QLabel *m_summary = nullptr;
    ParetoChart *m_chart = nullptr;
    QTableView *m_table = nullptr;
    ResultsTableModel *m_model = nullptr;
    ResultsFilter *m_filter = nullptr;
    bool m_syncing = false;
};

} // namespace frontier::ui
