#pragma once

#include "data/dataset.h"

#include <QAbstractTableModel>

#include <memory>

namespace frontier::ui {

// Tabular samples of a Dataset: one row per sample, one column per feature (values as
// stored, i.e. after normalisation), then the class name. Read-only.
class DatasetTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    explicit DatasetTableModel(QObject *parent = nullptr);

    void setDataset(std::shared_ptr<const data::Dataset> set);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::shared_ptr<const data::Dataset> m_set;
};

} // namespace frontier::ui
