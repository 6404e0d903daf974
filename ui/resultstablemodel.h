#pragma once

#include "metricinfo.h"
#include "resultset.h"

#include <QAbstractTableModel>

#include <memory>
#include <set>
#include <vector>

namespace frontier::ui {

// The trials of one or more studies as one table: study, trial id, the configuration
// (TrialConfig::label()), its knobs, every metric (numbers in readable units; the raw
// value under Qt::UserRole for sorting) and whether the trial is on its study's front.
// Rows are addressed by (set, row of that set's StudyResults). Read-only.
class ResultsTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Role { SetRole = Qt::UserRole + 1, RowRole, FrontRole };

    explicit ResultsTableModel(QObject *parent = nullptr);

    void setSets(std::vector<std::shared_ptr<const ResultSet>> sets);
    const std::vector<std::shared_ptr<const ResultSet>> &sets() const { return m_sets; }
    // Front membership of set s (rows of its StudyResults); refreshes the front column.
    void setFront(int set, const std::vector<int> &rows);
    bool onFront(int set, int row) const;

    // Model row of (set, row), -1 if absent; and back.
    int modelRow(int set, int row) const;
    std::pair<int, int> source(int modelRow) const;
    // Column of a metric, -1 if no set has it; metric names of all sets, in column order.
    int metricColumn(const std::string &metric) const;
    const std::vector<std::string> &metrics() const { return m_metrics; }
    int frontColumn() const { return columnCount() - 1; }
    // The table as CSV (every row, raw values).
    QString csv() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    double metricValue(int set, int row, int metric) const;

    std::vector<std::shared_ptr<const ResultSet>> m_sets;
    std::vector<int> m_offsets; // first model row of each set; back() = total
    std::vector<std::string> m_knobs;
    std::vector<std::string> m_metrics;
    std::vector<std::vector<int>> m_metricColumns; // per set: column in its table, or -1
    std::vector<MetricInfo> m_info;
    std::vector<std::set<int>> m_front;
};

} // namespace frontier::ui
