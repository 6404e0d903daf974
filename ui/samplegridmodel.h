#pragma once

#include "data/dataset.h"

#include <QAbstractListModel>
#include <QImage>

#include <memory>
#include <vector>

namespace frontier::ui {

// Image samples of a Dataset as a list of thumbnails (DecorationRole, each image
// contrast-stretched to its own min..max and scaled by `zoom`), labelled with the class
// name (DisplayRole) and the sample index (ToolTipRole). Shows at most `limit` samples,
// optionally of one class only. 1-channel images are grey, 3-channel ones RGB.
class SampleGridModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role { SampleIndexRole = Qt::UserRole + 1, LabelRole };

    explicit SampleGridModel(QObject *parent = nullptr);

    void setDataset(std::shared_ptr<const data::Dataset> set);
    void setLimit(int limit);
    void setClassFilter(int label); // -1: every class
    void setZoom(int zoom);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;

    // The thumbnail of sample i of `set` at 1x (exposed for tests and exports).
    static QImage sampleImage(const data::Dataset &set, int i);

private:
    void rebuild();

    std::shared_ptr<const data::Dataset> m_set;
    std::vector<int> m_rows; // sample indices shown
    mutable std::vector<QImage> m_cache;
    int m_limit = 240;
    int m_class = -1;
    int m_zoom = 2;
};

} // namespace frontier::ui
