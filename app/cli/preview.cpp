#include "preview.h"

#include "common/error.h"
#include "common/fileutil.h"
#include "model/layers/tensor.h"

#include <QBuffer>
#include <QColor>
#include <QImage>

#include <algorithm>
#include <cmath>

namespace frontier::cli {

void writePreviewPng(const data::Dataset &set, const std::string &path, int perClass, int scale)
{
    if (!set.isImage() || (set.shape[0] != 1 && set.shape[0] != 3)) {
        throw Error(set.source, "not an image dataset (sample shape "
                                    + model::shapeToString(set.shape)
                                    + "); 'frontier data info' describes tabular data");
    }
    const int channels = set.shape[0], h = set.shape[1], w = set.shape[2];
    const int classes = std::max(1, set.numClasses());
    float lo = INFINITY, hi = -INFINITY;
    for (float v : set.x) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    const float range = hi > lo ? hi - lo : 1.0f;
    const int gap = 2;
    const int cellW = w * scale + gap, cellH = h * scale + gap;
    QImage image(perClass * cellW + gap, classes * cellH + gap, QImage::Format_RGB32);
    image.fill(QColor(48, 48, 48));
    std::vector<int> filled(size_t(classes), 0);
    for (int i = 0; i < set.size(); ++i) {
        const int cls = set.hasLabels() ? set.y[size_t(i)] : 0;
        if (filled[size_t(cls)] >= perClass)
            continue;
        const int col = filled[size_t(cls)]++;
        const float *s = set.sample(i);
        auto level = [&](int c, int py, int px) {
            const float v = s[(c * h + py) * w + px];
            return int(std::lround(255.0f * (v - lo) / range));
        };
        for (int y = 0; y < h * scale; ++y) {
            for (int x = 0; x < w * scale; ++x) {
                const int py = y / scale, px = x / scale;
                const int r = level(0, py, px);
                const QRgb rgb
                    = channels == 3 ? qRgb(r, level(1, py, px), level(2, py, px)) : qRgb(r, r, r);
                image.setPixel(gap + col * cellW + x, gap + cls * cellH + y, rgb);
            }
        }
    }
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG"))
        throw Error(path, "cannot encode the PNG image");
    writeFileAtomic(path, png.constData(), size_t(png.size()));
}

} // namespace frontier::cli
