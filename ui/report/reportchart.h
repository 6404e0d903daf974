#pragma once

#include "reportdocument.h"

#include <QRectF>
#include <QSizeF>

#include <string>

class QPainter;

namespace frontier::report {

// Charts of a report drawn with Qt Charts offscreen (needs a QApplication; the offscreen
// platform is enough). The same drawing serves the HTML (as SVG) and the PDF (as vector
// paint operations on the PDF's painter).

// The chart's size at a logical width (its aspect ratio applied).
QSizeF chartSize(const Chart &chart, double width);
// Paints the chart laid out at `logicalWidth` into `target` (scaled to fit).
void paintChart(const Chart &chart, QPainter *painter, const QRectF &target,
                double logicalWidth = 720);
// The chart as an <svg> element (no XML declaration), for inlining in XHTML.
std::string chartSvg(const Chart &chart, double width = 720);

} // namespace frontier::report
