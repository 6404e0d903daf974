#include "resultstablemodel.h"

#include "study/specreader.h"

#include <QFont>

#include <algorithm>
#include <cmath>

namespace frontier::ui {

namespace {

constexpr int kFixedColumns = 3; // study, trial, configuration

// Metrics users look at first; the rest follow in name order.
const std::vector<std::string> kPreferred = {
    "accuracy",   "fidelity",     "escalated",     "offloaded", "energy_pj",   "device_energy_pj",
    "latency_us", "memory_bytes", "energy_saving", "tau",       "decision_tau"};

QString csvField(QString text)
{
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"'))) {
        text.replace(QLatin1String("\""), QLatin1String("\"\""));
        return QLatin1Char('"') + text + QLatin1Char('"');
    }
    return text;
}

} // namespace

ResultsTableModel::ResultsTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void ResultsTableModel::setSets(std::vector<std::shared_ptr<const ResultSet>> sets)
{
    beginResetModel();
    m_sets = std::move(sets);
    m_offsets = {0};
    std::set<std::string> names;
    m_knobs.clear();
    for (const auto &set : m_sets) {
        m_offsets.push_back(m_offsets.back() + set->results.rows());
        for (const std::string &c : set->results.columns())
            names.insert(c);
        if (m_knobs.empty() && set->results.rows() > 0) {
            for (const auto &[knob, value] : set->results.config(0).knobColumns())
                m_knobs.push_back(knob);
        }
    }
    m_metrics.clear();
    for (const std::string &p : kPreferred) {
        if (names.erase(p))
            m_metrics.push_back(p);
    }
    m_metrics.insert(m_metrics.end(), names.begin(), names.end());
    // A metric named like a knob column (decision_tau) is shown in that column only.
    m_metrics.erase(std::remove_if(m_metrics.begin(), m_metrics.end(),
                                   [this](const std::string &m) {
                                       return std::find(m_knobs.begin(), m_knobs.end(), m)
                                              != m_knobs.end();
                                   }),
                    m_metrics.end());
    m_metricColumns.assign(m_sets.size(), {});
    m_info.clear();
    for (size_t m = 0; m < m_metrics.size(); ++m) {
        double typical = 0;
        for (size_t s = 0; s < m_sets.size(); ++s) {
            const int c = m_sets[s]->results.column(m_metrics[m]);
            m_metricColumns[s].push_back(c);
            for (int r = 0; c >= 0 && r < m_sets[s]->results.rows(); ++r) {
                const double v = m_sets[s]->results.table().at(r, c);
                if (std::isfinite(v))
                    typical = std::max(typical, std::abs(v));
            }
        }
        m_info.push_back(MetricInfo::of(m_metrics[m], typical));
    }
    m_front.assign(m_sets.size(), {});
    endResetModel();
}

void ResultsTableModel::setFront(int set, const std::vector<int> &rows)
{
    m_front[size_t(set)] = std::set<int>(rows.begin(), rows.end());
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, frontColumn()), index(rowCount() - 1, frontColumn()));
}

bool ResultsTableModel::onFront(int set, int row) const
{
    return m_front[size_t(set)].count(row) > 0;
}

int ResultsTableModel::modelRow(int set, int row) const
{
    if (set < 0 || set >= int(m_sets.size()) || row < 0
        || row >= m_sets[size_t(set)]->results.rows())
        return -1;
    return m_offsets[size_t(set)] + row;
}

std::pair<int, int> ResultsTableModel::source(int modelRow) const
{
    const auto it = std::upper_bound(m_offsets.begin(), m_offsets.end(), modelRow);
    const int set = int(it - m_offsets.begin()) - 1;
    return {set, modelRow - m_offsets[size_t(set)]};
}

int ResultsTableModel::metricColumn(const std::string &metric) const
{
    const auto it = std::find(m_metrics.begin(), m_metrics.end(), metric);
    return it == m_metrics.end()
               ? -1
               : kFixedColumns + int(m_knobs.size()) + int(it - m_metrics.begin());
}

double ResultsTableModel::metricValue(int set, int row, int metric) const
{
    const int c = m_metricColumns[size_t(set)][size_t(metric)];
    return c < 0 ? NAN : m_sets[size_t(set)]->results.table().at(row, c);
}

int ResultsTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || m_offsets.empty() ? 0 : m_offsets.back();
}

int ResultsTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : kFixedColumns + int(m_knobs.size() + m_metrics.size()) + 1;
}

QVariant ResultsTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const auto [set, row] = source(index.row());
    const ResultSet &rs = *m_sets[size_t(set)];
    const int column = index.column();
    const int knobEnd = kFixedColumns + int(m_knobs.size());
    const int metricEnd = knobEnd + int(m_metrics.size());
    switch (role) {
    case SetRole:
        return set;
    case RowRole:
        return row;
    case FrontRole:
        return onFront(set, row);
    case Qt::FontRole:
        if (onFront(set, row)) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::TextAlignmentRole:
        return column >= knobEnd && column < metricEnd ? int(Qt::AlignRight | Qt::AlignVCenter)
                                                       : int(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        return QString::fromStdString(rs.results.config(row).label());
    case Qt::DisplayRole:
    case Qt::UserRole:
        break;
    default:
        return {};
    }
    const bool raw = role == Qt::UserRole;
    if (column == 0)
        return rs.name;
    if (column == 1)
        return raw ? QVariant(qlonglong(rs.results.table().trialIds[size_t(row)]))
                   : QVariant(QString::number(rs.results.table().trialIds[size_t(row)]));
    if (column == 2)
        return QString::fromStdString(rs.results.config(row).label());
    if (column < knobEnd) {
        const auto knobs = rs.results.config(row).knobColumns();
        const std::string &name = m_knobs[size_t(column - kFixedColumns)];
        for (const auto &[knob, value] : knobs) {
            if (knob == name && !value.empty())
                return QString::fromStdString(value);
        }
        // The effective value when the knob is not set (an lr decision's threshold).
        const int c = rs.results.column(name);
        const double v = c < 0 ? NAN : rs.results.table().at(row, c);
        return std::isnan(v) ? QString() : QString::fromStdString(study::numberText(v));
    }
    if (column < metricEnd) {
        const int m = column - knobEnd;
        const double v = metricValue(set, row, m);
        if (raw)
            return std::isnan(v) ? QVariant(-std::numeric_limits<double>::infinity()) : QVariant(v);
        return m_info[size_t(m)].number(v);
    }
    return raw ? QVariant(onFront(set, row))
               : QVariant(onFront(set, row) ? QStringLiteral("✓") : QString());
}

QVariant ResultsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    const int knobEnd = kFixedColumns + int(m_knobs.size());
    const int metricEnd = knobEnd + int(m_metrics.size());
    if (role == Qt::ToolTipRole && section >= knobEnd && section < metricEnd)
        return m_info[size_t(section - knobEnd)].axisTitle();
    if (role != Qt::DisplayRole)
        return {};
    if (section == 0)
        return tr("study");
    if (section == 1)
        return tr("trial");
    if (section == 2)
        return tr("configuration");
    if (section < knobEnd)
        return QString::fromStdString(m_knobs[size_t(section - kFixedColumns)]);
    if (section < metricEnd) {
        return m_info[size_t(section - knobEnd)].columnHeader();
    }
    return tr("front");
}

QString ResultsTableModel::csv() const
{
    QStringList header
        = {QStringLiteral("study"), QStringLiteral("trial"), QStringLiteral("configuration")};
    for (const std::string &k : m_knobs)
        header << QString::fromStdString(k);
    for (const MetricInfo &info : m_info)
        header << csvField(info.columnHeader());
    header << QStringLiteral("front");
    QStringList lines = {header.join(QLatin1Char(','))};
    for (int r = 0; r < rowCount(); ++r) {
        QStringList row;
        for (int c = 0; c < columnCount(); ++c) {
            const QVariant v = data(index(r, c), Qt::UserRole);
            const int knobEnd = kFixedColumns + int(m_knobs.size());
            if (v.typeId() == QMetaType::Double) {
                // In the column's unit, as its header says.
                const double scale = c >= knobEnd && c < knobEnd + int(m_info.size())
                                         ? m_info[size_t(c - knobEnd)].scale
                                         : 1.0;
                const double d = v.toDouble();
                row << (std::isinf(d) ? QString() : QString::number(d * scale, 'g', 12));
            } else if (v.typeId() == QMetaType::Bool) {
                row << (v.toBool() ? QStringLiteral("1") : QStringLiteral("0"));
            } else {
                row << csvField(v.toString());
            }
        }
        lines << row.join(QLatin1Char(','));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace frontier::ui
