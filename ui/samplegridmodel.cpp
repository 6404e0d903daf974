#include "samplegridmodel.h"

#include <algorithm>

namespace frontier::ui {

SampleGridModel::SampleGridModel(QObject *parent)
    : QAbstractListModel(parent)
{}

void SampleGridModel::setDataset(std::shared_ptr<const data::Dataset> set)
{
    m_set = std::move(set);
    rebuild();
}

void SampleGridModel::setLimit(int limit)
{
    m_limit = std::max(1, limit);
    rebuild();
}

void SampleGridModel::setClassFilter(int label)
{
    m_class = label;
    rebuild();
}

void SampleGridModel::setZoom(int zoom)
{
    m_zoom = std::clamp(zoom, 1, 8);
    rebuild();
}

void SampleGridModel::rebuild()
{
    beginResetModel();
    m_rows.clear();
    m_cache.clear();
    if (m_set && m_set->isImage()) {
        for (int i = 0; i < m_set->size() && int(m_rows.size()) < m_limit; ++i) {
            if (m_class < 0 || (m_set->hasLabels() && m_set->y[size_t(i)] == m_class))
                m_rows.push_back(i);
        }
    }
    m_cache.resize(m_rows.size());
    endResetModel();
}

int SampleGridModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QImage SampleGridModel::sampleImage(const data::Dataset &set, int i)
{
    if (!set.isImage())
        return {};
    const int c = set.shape[0];
    const int h = set.shape[1];
    const int w = set.shape[2];
    const float *x = set.sample(i);
    const int64_t n = int64_t(c) * h * w;
    const auto [lo, hi] = std::minmax_element(x, x + n);
    const float span = *hi - *lo > 1e-12f ? *hi - *lo : 1.0f;
    const auto level = [&](float v) {
        return int(std::clamp((v - *lo) / span, 0.0f, 1.0f) * 255.0f + 0.5f);
    };
    QImage image(w, h, c == 3 ? QImage::Format_RGB32 : QImage::Format_Grayscale8);
    for (int y = 0; y < h; ++y) {
        if (c == 3) {
            auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
            for (int xx = 0; xx < w; ++xx)
                line[xx] = qRgb(level(x[(0 * h + y) * w + xx]), level(x[(1 * h + y) * w + xx]),
                                level(x[(2 * h + y) * w + xx]));
        } else {
            uchar *line = image.scanLine(y);
            for (int xx = 0; xx < w; ++xx)
                line[xx] = uchar(level(x[int64_t(y) * w + xx]));
        }
    }
    return image;
}

QVariant SampleGridModel::data(const QModelIndex &index, int role) const
{
    if (!m_set || !index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const int i = m_rows[size_t(index.row())];
    const int label = m_set->hasLabels() ? m_set->y[size_t(i)] : -1;
    switch (role) {
    case Qt::DisplayRole:
        return label >= 0 ? QString::fromStdString(m_set->classNames[size_t(label)])
                          : QStringLiteral("#%1").arg(i);
    case Qt::DecorationRole: {
        QImage &cached = m_cache[size_t(index.row())];
        if (cached.isNull()) {
            const QImage image = sampleImage(*m_set, i);
            cached = image.scaled(image.size() * m_zoom, Qt::IgnoreAspectRatio,
                                  Qt::FastTransformation);
        }
        return cached;
    }
    case Qt::ToolTipRole:
        return tr("sample %1%2")
            .arg(i)
            .arg(
                label >= 0
                    ? tr(", class %1").arg(QString::fromStdString(m_set->classNames[size_t(label)]))
                    : QString());
    case Qt::TextAlignmentRole:
        return Qt::AlignHCenter;
    case SampleIndexRole:
        return i;
    case LabelRole:
        return label;
    default:
        return {};
    }
}

} // namespace frontier::ui
