#pragma once

#include "cost/costmodel.h"
#include "model/stats.h"
#include "study/metricformat.h"

#include <QAbstractTableModel>

#include <cmath>
#include <optional>
#include <vector>

namespace frontier::ui {

// The layer table of a model: one row per layer and a bold total row. Shape, parameter
// and MAC columns come from model::layerTable(); weight bytes, activation bytes, energy
// (pJ) and latency (µs) per inference from a cost::VariantCost of one format on one device
// preset, when one is set (otherwise those columns are empty). Read-only; numbers are
// right-aligned, sortable through Qt::UserRole (the raw value).
class LayerCostModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Name,
        Type,
        Output,
        Params,
        Macs,
        WeightBytes,
        ActivationBytes,
        Energy,
        Latency,
        ColumnCount
    };

    explicit LayerCostModel(QObject *parent = nullptr);

    void setLayers(std::vector<model::LayerRow> rows);
    // `basisPj`: the largest layer energy the view shows anywhere (the fp32 reference
    // included), so that the table and the chart share one unit that does not change with
    // the format (study::MetricFormat); NaN: this cost's largest layer.
    void setCost(std::optional<cost::VariantCost> cost, double basisPj = NAN);
    const study::MetricFormat &energyFormat() const { return m_energy; }
    const std::optional<cost::VariantCost> &cost() const { return m_cost; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // The raw value of a cell (NaN when empty; energy in pJ, latency in µs; bytes are whole
    // bytes as stored, each layer's bits rounded up, the total their sum); the total row
    // is rowCount() - 1. The table shows energy in the unit that suits the layers.
    double value(int row, int column) const;

private:
    const cost::LayerCost *layerCost(int row) const;

    std::vector<model::LayerRow> m_rows;
    model::LayerRow m_total;
    std::optional<cost::VariantCost> m_cost;
    study::MetricFormat m_energy = study::MetricFormat::of("energy_pj");
    study::MetricFormat m_latency = study::MetricFormat::of("latency_us");
};

} // namespace frontier::ui
