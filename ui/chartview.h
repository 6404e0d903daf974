#pragma once

#include <QChartView>

#include <functional>

class QRubberBand;

namespace frontier::ui {

// The chart widget every view uses. Adds to QChartView:
//   - zoom: drag a rectangle with the left button, the wheel, or +/-; pan: drag with the
//     middle button (or Shift + left), or the arrow keys; reset: 0, Home or a double click;
//   - a context menu exporting the chart as PNG or SVG and its data as CSV;
//   - colours that follow the application palette (light or dark), kept in step when the
//     palette changes;
//   - clicked(pos) for a left click without a drag, and hovered(pos) for mouse moves,
//     in widget coordinates, so that views can pick the nearest data point themselves.
// Series colours are the views' business; only the chart's frame, text and grid follow the
// palette.
class ChartView : public QChartView
{
    Q_OBJECT

public:
    using CsvProvider = std::function<QString()>;

    explicit ChartView(QChart *chart, QWidget *parent = nullptr);

    // The CSV written by "Export data": a provider set by the view, or every series of
    // the chart as rows (series, x, y) / (series, category, value).
    void setCsvProvider(CsvProvider provider) { m_csv = std::move(provider); }
    QString csv() const;
    // Base of the suggested export file names ("pareto", "threshold-curve", ...).
    void setExportName(const QString &name) { m_exportName = name; }
    QString exportName() const { return m_exportName; }

    // Write atomically (QSaveFile). PNG at twice the widget's resolution. On failure
    // return false and set *error to a one-line reason naming the file.
    bool exportPng(const QString &path, QString *error = nullptr);
    bool exportSvg(const QString &path, QString *error = nullptr);
    bool exportCsv(const QString &path, QString *error = nullptr) const;

    void resetZoom();
    // Re-applies the palette's colours to the chart (call after adding axes).
    void applyPalette();
    static bool isDark(const QPalette &palette);

    // Generic CSV of every series of `chart` (see csv()).
    static QString seriesCsv(const QChart *chart);

    QSize sizeHint() const override { return {560, 380}; }
    QSize minimumSizeHint() const override { return {320, 240}; }

Q_SIGNALS:
    void clicked(const QPoint &pos);
    void hovered(const QPoint &pos);
    void zoomChanged();

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void exportWithDialog(const QString &kind);

    CsvProvider m_csv;
    QString m_exportName = QStringLiteral("chart");
    QRubberBand *m_band = nullptr;
    QPoint m_pressPos;
    QPoint m_lastPos;
    bool m_dragging = false;
    bool m_panning = false;
};

} // namespace frontier::ui
