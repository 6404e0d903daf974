#pragma once

#include "model/model.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QTableView;

namespace frontier::ui {

class ChartView;
class LayerCostModel;

// A model: a summary, a format picker and a device-preset picker, the layer table (type,
// shape, parameters, MACs, weight and activation bytes, energy and latency per inference
// in the chosen format on the chosen device) with its total row always in view below it,
// and a bar chart of the energy per layer in that format beside fp32 (linear or log). Costs come
// from core/cost (O(layers), computed on the GUI thread); a bad format name or a preset without
// timing for it is shown, not thrown.
class ModelView : public QWidget
{
    Q_OBJECT

public:
    explicit ModelView(model::Model model, const QString &path, QWidget *parent = nullptr);
    ~ModelView() override;

    const model::Model &model() const { return m_model; }
    QString path() const { return m_path; }
    int layerRowCount() const;

    // Picks a format (any name parseFormat accepts) and a device preset; the table and
    // the chart follow. Return false (and show why) when the cost cannot be computed.
    bool setFormat(const QString &format);
    bool setDevice(const QString &preset);
    QString format() const;
    QString device() const;
    QString costError() const { return m_error; }

    // The energy bars on a logarithmic axis (layers differ by decades).
    void setLogEnergy(bool log);
    bool logEnergy() const;

    LayerCostModel *layerModel() const { return m_layers; }
    // The layers' rows, and below them the total row, always in view.
    QTableView *layerTable() const { return m_table; }
    QTableView *totalsTable() const { return m_totals; }
    ChartView *energyChart() const { return m_chartView; }

private:
    void fitColumns();
    void recompute();
    void fillChart();

    model::Model m_model;
    QString m_path;
    QString m_error;
    QLabel *m_summary = nullptr;
    QLabel *m_costLine = nullptr;
    QComboBox *m_format = nullptr;
    QComboBox *m_device = nullptr;
    QTableView *m_table = nullptr;
    QTableView *m_totals = nullptr;
    QCheckBox *m_logEnergy = nullptr;
    LayerCostModel *m_layers = nullptr;
    ChartView *m_chartView = nullptr;
};

} // namespace frontier::ui
