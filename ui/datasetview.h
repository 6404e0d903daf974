#pragma once

#include "data/catalog.h"

#include <QWidget>

#include <memory>

class QBarSeries;
class QComboBox;
class QLabel;
class QListView;
class QStackedWidget;
class QTableView;

namespace frontier::ui {

class ChartView;
class DatasetTableModel;
class SampleGridModel;

// A dataset: a summary line, the samples of one part (train, calibration, test) as a
// thumbnail grid with labels (images) or a table (tabular data), and the class histogram
// of all three parts. The data is prepared by a job (data::prepare) and handed over with
// setData(); until then the view says it is loading.
class DatasetView : public QWidget
{
    Q_OBJECT

public:
    explicit DatasetView(const QString &spec, QWidget *parent = nullptr);
    ~DatasetView() override;

    QString spec() const { return m_spec; }
    void setData(std::shared_ptr<const data::PreparedData> prepared);
    void setError(const QString &message);
    void setSampleLimit(int limit);

    bool hasData() const { return bool(m_data); }
    const data::PreparedData *prepared() const { return m_data.get(); }
    // Shown samples (grid items or table rows) and histogram bars per part.
    int shownSampleCount() const;
    ChartView *histogram() const { return m_chartView; }

private:
    void showPart(int part);
    void fillHistogram();

    QString m_spec;
    std::shared_ptr<const data::PreparedData> m_data;
    QLabel *m_summary = nullptr;
    QComboBox *m_part = nullptr;
    QComboBox *m_class = nullptr;
    QStackedWidget *m_stack = nullptr;
    QListView *m_grid = nullptr;
    QTableView *m_table = nullptr;
    SampleGridModel *m_gridModel = nullptr;
    DatasetTableModel *m_tableModel = nullptr;
    ChartView *m_chartView = nullptr;
};

} // namespace frontier::ui
