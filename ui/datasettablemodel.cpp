#include "datasettablemodel.h"

namespace frontier::ui {

DatasetTableModel::DatasetTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void DatasetTableModel::setDataset(std::shared_ptr<const data::Dataset> set)
{
    beginResetModel();
    m_set = std::move(set);
    endResetModel();
}

int DatasetTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_set ? 0 : m_set->size();
}

int DatasetTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_set ? 0 : int(m_set->sampleSize()) + (m_set->hasLabels() ? 1 : 0);
}

QVariant DatasetTableModel::data(const QModelIndex &index, int role) const
{
    if (!m_set || !index.isValid())
        return {};
    const int features = int(m_set->sampleSize());
    const bool isLabel = index.column() == features;
    if (role == Qt::DisplayRole) {
        if (isLabel)
            return QString::fromStdString(m_set->classNames[size_t(m_set->y[size_t(index.row())])]);
        return QString::number(double(m_set->sample(index.row())[index.column()]), 'g', 5);
    }
    if (role == Qt::TextAlignmentRole)
        return isLabel ? int(Qt::AlignLeft | Qt::AlignVCenter)
                       : int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant DatasetTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || !m_set)
        return {};
    if (orientation == Qt::Vertical)
        return section;
    if (section == int(m_set->sampleSize()))
        return tr("class");
    // The file's own names (a CSV header row) where it has them.
    const QString name = size_t(section) < m_set->featureNames.size()
                             ? QString::fromStdString(m_set->featureNames[size_t(section)])
                             : QString();
    return name.isEmpty() ? QStringLiteral("x%1").arg(section) : name;
}

} // namespace frontier::ui
