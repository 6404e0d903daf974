#include "layercostmodel.h"

#include "units.h"

#include <QFont>
#include <QLocale>

#include <cmath>

namespace frontier::ui {

namespace {

double storedBytes(const cost::LayerCost &c, bool weights)
{
    const double bits = weights
                            ? double(c.counts.weightBits)
                            : double(c.counts.activationBitsRead + c.counts.activationBitsWritten);
    return std::ceil(bits / 8.0);
}

} // namespace

LayerCostModel::LayerCostModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void LayerCostModel::setLayers(std::vector<model::LayerRow> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    m_total = model::layerTotals(m_rows);
    endResetModel();
}

void LayerCostModel::setCost(std::optional<cost::VariantCost> cost, double basisPj)
{
    m_cost = std::move(cost);
    double largest = 0;
    std::vector<double> latencies;
    if (m_cost) {
        for (const cost::LayerCost &c : m_cost->layers) {
            largest = std::max(largest, c.energy_pj);
            latencies.push_back(c.latency_us);
        }
    }
    m_energy = study::MetricFormat::of("energy_pj", std::isnan(basisPj) ? largest : basisPj);
    m_latency = study::MetricFormat::forValues("latency_us", latencies);
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, WeightBytes), index(rowCount() - 1, Latency));
    Q_EMIT headerDataChanged(Qt::Horizontal, WeightBytes, Latency);
}

int LayerCostModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || m_rows.empty() ? 0 : int(m_rows.size()) + 1;
}

int LayerCostModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const cost::LayerCost *LayerCostModel::layerCost(int row) const
{
    if (!m_cost)
        return nullptr;
    if (row == int(m_rows.size()))
        return &m_cost->total;
    // Cost rows follow the model's layers by name (the cost model may fold BatchNorm).
    const std::string &name = m_rows[size_t(row)].name;
    for (const cost::LayerCost &c : m_cost->layers) {
        if (c.counts.name == name)
            return &c;
    }
    return nullptr;
}

double LayerCostModel::value(int row, int column) const
{
    const model::LayerRow &r = row < int(m_rows.size()) ? m_rows[size_t(row)] : m_total;
    const cost::LayerCost *c = layerCost(row);
    switch (column) {
    case Params:
        return double(r.params);
    case Macs:
        return double(r.macs);
    case WeightBytes:
    case ActivationBytes: {
        if (!c)
            return NAN;
        // Whole bytes, as stored: each layer's bits rounded up (int2 weights of 5 values
        // take 2 bytes); the total row sums the layers.
        if (row == int(m_rows.size()) && m_cost) {
            double sum = 0;
            for (const cost::LayerCost &l : m_cost->layers)
                sum += storedBytes(l, column == WeightBytes);
            return sum;
        }
        return storedBytes(*c, column == WeightBytes);
    }
    case Energy:
        return c ? c->energy_pj : NAN;
    case Latency:
        return c ? c->latency_us : NAN;
    default:
        return NAN;
    }
}

QVariant LayerCostModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const int row = index.row();
    const bool total = row == int(m_rows.size());
    const model::LayerRow &r = total ? m_total : m_rows[size_t(row)];
    const int column = index.column();
    if (role == Qt::FontRole && total) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    if (role == Qt::TextAlignmentRole)
        return column >= Params ? int(Qt::AlignRight | Qt::AlignVCenter)
                                : int(Qt::AlignLeft | Qt::AlignVCenter);
    if (role == Qt::UserRole)
        return column >= Params ? QVariant(value(row, column)) : data(index, Qt::DisplayRole);
    if (role == Qt::ToolTipRole && column >= WeightBytes) {
        const cost::LayerCost *c = layerCost(row);
        if (!c)
            return {};
        if (column == WeightBytes || column == ActivationBytes) {
            const double bits
                = column == WeightBytes
                      ? double(c->counts.weightBits)
                      : double(c->counts.activationBitsRead + c->counts.activationBitsWritten);
            return tr("%1 bits, stored in %2 whole bytes")
                .arg(QLocale().toString(bits, 'f', 0),
                     QLocale().toString(value(row, column), 'f', 0));
        }
        return tr("compute %1 pJ · memory %2 pJ · static %3 pJ\nweights in %4, activations in %5")
            .arg(c->computeEnergy_pj, 0, 'g', 4)
            .arg(c->memoryEnergy_pj, 0, 'g', 4)
            .arg(c->staticEnergy_pj, 0, 'g', 4)
            .arg(QString::fromStdString(c->weightLevel),
                 QString::fromStdString(c->activationLevel));
    }
    if (role != Qt::DisplayRole)
        return {};
    const QLocale locale;
    switch (column) {
    case Name:
        return QString::fromStdString(r.name);
    case Type:
        return QString::fromStdString(r.type);
    case Output: {
        if (total)
            return QString();
        QStringList dims;
        for (auto d : r.outputShape)
            dims << QString::number(d);
        return dims.join(QStringLiteral("×"));
    }
    case Params:
    case Macs:
        return locale.toString(qlonglong(value(row, column)));
    case WeightBytes:
    case ActivationBytes: {
        const double v = value(row, column);
        return std::isnan(v) ? QString() : locale.toString(qlonglong(v));
    }
    case Energy:
    case Latency: {
        const double v = value(row, column);
        return QString::fromStdString((column == Energy ? m_energy : m_latency).number(v));
    }
    default:
        return {};
    }
}

QVariant LayerCostModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return tr("Layer");
    case Type:
        return tr("Type");
    case Output:
        return tr("Output");
    case Params:
        return tr("Parameters");
    case Macs:
        return tr("MACs");
    case WeightBytes:
        return tr("Weight bytes");
    case ActivationBytes:
        return tr("Activation bytes");
    case Energy:
        return tr("Energy (%1)").arg(QString::fromStdString(m_energy.unit));
    case Latency:
        return tr("Latency (%1)").arg(QString::fromStdString(m_latency.unit));
    default:
        return {};
    }
}

} // namespace frontier::ui
