#include "chartview.h"

#include <QAbstractAxis>
#include <QAbstractBarSeries>
#include <QApplication>
#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSet>
#include <QContextMenuEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLegend>
#include <QLineSeries>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QRubberBand>
#include <QSaveFile>
#include <QSettings>
#include <QSvgGenerator>
#include <QXYSeries>

namespace frontier::ui {

namespace {

QString csvField(const QString &text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"'))
        && !text.contains(QLatin1Char('\n')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString axisTitle(const QChart *chart, Qt::Orientation orientation, const QString &fallback)
{
    const QList<QAbstractAxis *> axes = chart->axes(orientation);
    return axes.isEmpty() || axes.first()->titleText().isEmpty() ? fallback
                                                                 : axes.first()->titleText();
}

bool fail(QString *error, const QString &path, const QString &reason)
{
    if (error)
        *error = QStringLiteral("%1: %2").arg(path, reason);
    return false;
}

} // namespace

ChartView::ChartView(QChart *chart, QWidget *parent)
    : QChartView(chart, parent)
{
    setRenderHint(QPainter::Antialiasing);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setRubberBand(QChartView::NoRubberBand); // ours: a click must stay a click
    m_band = new QRubberBand(QRubberBand::Rectangle, this);
    chart->setMargins(QMargins(4, 4, 4, 4));
    applyPalette();
}

bool ChartView::isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

void ChartView::applyPalette()
{
    QChart *c = chart();
    const QPalette pal = palette();
    const QColor text = pal.color(QPalette::WindowText);
    QColor grid = text;
    grid.setAlpha(40);
    QColor line = text;
    line.setAlpha(140);
    c->setBackgroundBrush(pal.color(QPalette::Base));
    c->setBackgroundPen(Qt::NoPen);
    c->setPlotAreaBackgroundVisible(false);
    c->setTitleBrush(text);
    c->legend()->setLabelColor(text);
    QFont titleFont = font();
    titleFont.setPointSizeF(font().pointSizeF() * 1.1);
    titleFont.setBold(true);
    c->setTitleFont(titleFont);
    for (QAbstractAxis *axis : c->axes()) {
        axis->setLabelsColor(text);
        axis->setTitleBrush(text);
        axis->setLinePenColor(line);
        axis->setGridLineColor(grid);
        axis->setMinorGridLineColor(QColor(grid.red(), grid.green(), grid.blue(), 20));
        axis->setLabelsFont(font());
        QFont bold = font();
        bold.setBold(true);
        axis->setTitleFont(bold);
    }
    setBackgroundBrush(pal.color(QPalette::Base));
}

void ChartView::changeEvent(QEvent *event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        applyPalette();
}

QString ChartView::csv() const
{
    return m_csv ? m_csv() : seriesCsv(chart());
}

QString ChartView::seriesCsv(const QChart *chart)
{
    QStringList lines;
    const QList<QAbstractSeries *> all = chart->series();
    bool bars = false;
    for (QAbstractSeries *s : all)
        bars = bars || qobject_cast<QAbstractBarSeries *>(s);
    if (bars) {
        lines << QStringLiteral("series,%1,%2")
                     .arg(csvField(axisTitle(chart, Qt::Horizontal, QStringLiteral("category"))),
                          csvField(axisTitle(chart, Qt::Vertical, QStringLiteral("value"))));
    } else {
        lines << QStringLiteral("series,%1,%2")
                     .arg(csvField(axisTitle(chart, Qt::Horizontal, QStringLiteral("x"))),
                          csvField(axisTitle(chart, Qt::Vertical, QStringLiteral("y"))));
    }
    for (QAbstractSeries *s : all) {
        if (auto *area = qobject_cast<QAreaSeries *>(s)) {
            if (const QLineSeries *upper = area->upperSeries()) {
                for (const QPointF &p : upper->points())
                    lines << QStringLiteral("%1,%2,%3")
                                 .arg(csvField(area->name()))
                                 .arg(p.x(), 0, 'g', 10)
                                 .arg(p.y(), 0, 'g', 10);
            }
        } else if (const auto *xy = qobject_cast<const QXYSeries *>(s)) {
            for (const QPointF &p : xy->points())
                lines << QStringLiteral("%1,%2,%3")
                             .arg(csvField(xy->name()))
                             .arg(p.x(), 0, 'g', 10)
                             .arg(p.y(), 0, 'g', 10);
        } else if (auto *bar = qobject_cast<QAbstractBarSeries *>(s)) {
            QStringList categories;
            for (QAbstractAxis *axis : bar->attachedAxes()) {
                if (auto *cat = qobject_cast<QBarCategoryAxis *>(axis))
                    categories = cat->categories();
            }
            for (const QBarSet *set : bar->barSets()) {
                for (int i = 0; i < set->count(); ++i)
                    lines << QStringLiteral("%1,%2,%3")
                                 .arg(csvField(set->label()),
                                      csvField(categories.value(i, QString::number(i))))
                                 .arg(set->at(i), 0, 'g', 10);
            }
        }
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

bool ChartView::exportPng(const QString &path, QString *error)
{
    const qreal ratio = 2.0;
    QPixmap pixmap(size() * ratio);
    pixmap.setDevicePixelRatio(ratio);
    pixmap.fill(palette().color(QPalette::Base));
    {
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        render(&painter, QRectF(QPointF(0, 0), QSizeF(size())), viewport()->rect());
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(error, path, file.errorString());
    if (!pixmap.save(&file, "PNG"))
        return fail(error, path, tr("cannot encode PNG"));
    if (!file.commit())
        return fail(error, path, file.errorString());
    return true;
}

bool ChartView::exportSvg(const QString &path, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(error, path, file.errorString());
    {
        QSvgGenerator generator;
        generator.setOutputDevice(&file);
        generator.setSize(size());
        generator.setViewBox(QRect(QPoint(0, 0), size()));
        generator.setTitle(chart()->title().isEmpty() ? m_exportName : chart()->title());
        generator.setDescription(tr("Exported from Frontier"));
        QPainter painter(&generator);
        render(&painter, QRectF(QPointF(0, 0), QSizeF(size())), viewport()->rect());
    }
    if (!file.commit())
        return fail(error, path, file.errorString());
    return true;
}

bool ChartView::exportCsv(const QString &path, QString *error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        return fail(error, path, file.errorString());
    file.write(csv().toUtf8());
    if (!file.commit())
        return fail(error, path, file.errorString());
    return true;
}

void ChartView::exportWithDialog(const QString &kind)
{
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("export/lastDir")).toString();
    const QString filter = kind == QLatin1String("png")   ? tr("PNG image (*.png)")
                           : kind == QLatin1String("svg") ? tr("SVG image (*.svg)")
                                                          : tr("CSV data (*.csv)");
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export"), QDir(dir).filePath(m_exportName + QLatin1Char('.') + kind), filter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QLatin1Char('.') + kind;
    settings.setValue(QStringLiteral("export/lastDir"), QFileInfo(path).absolutePath());
    QString error;
    const bool ok = kind == QLatin1String("png")   ? exportPng(path, &error)
                    : kind == QLatin1String("svg") ? exportSvg(path, &error)
                                                   : exportCsv(path, &error);
    if (!ok)
        QMessageBox::warning(this, tr("Export failed"), error);
}

void ChartView::resetZoom()
{
    chart()->zoomReset();
    Q_EMIT zoomChanged();
}

void ChartView::mousePressEvent(QMouseEvent *event)
{
    m_pressPos = event->position().toPoint();
    m_lastPos = m_pressPos;
    m_dragging = false;
    m_panning = event->button() == Qt::MiddleButton
                || (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier));
    if (m_panning)
        setCursor(Qt::ClosedHandCursor);
    event->accept();
}

void ChartView::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    if (m_panning) {
        const QPoint delta = pos - m_lastPos;
        chart()->scroll(-delta.x(), delta.y());
        m_lastPos = pos;
        Q_EMIT zoomChanged();
    } else if (event->buttons() & Qt::LeftButton) {
        if (!m_dragging && (pos - m_pressPos).manhattanLength() > 4)
            m_dragging = true;
        if (m_dragging) {
            m_band->setGeometry(QRect(m_pressPos, pos).normalized());
            m_band->show();
        }
    } else {
        Q_EMIT hovered(pos);
    }
    QChartView::mouseMoveEvent(event);
}

void ChartView::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_panning) {
        m_panning = false;
        unsetCursor();
    } else if (event->button() == Qt::LeftButton) {
        if (m_dragging) {
            m_band->hide();
            const QRectF rect = QRectF(m_band->geometry()).intersected(chart()->plotArea());
            if (rect.width() > 2 && rect.height() > 2) {
                chart()->zoomIn(rect);
                Q_EMIT zoomChanged();
            }
        } else {
            Q_EMIT clicked(event->position().toPoint());
        }
    }
    m_dragging = false;
    event->accept(); // never QChartView's right-click zoom-out: the context menu owns it
}

void ChartView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        resetZoom();
    event->accept();
}

void ChartView::wheelEvent(QWheelEvent *event)
{
    const QRectF area = chart()->plotArea();
    const QPointF at = event->position();
    if (!area.contains(at) || event->angleDelta().y() == 0) {
        event->ignore();
        return;
    }
    const qreal factor = event->angleDelta().y() > 0 ? 0.8 : 1.25;
    // Scale the plot area about the cursor, so that the value under it stays put.
    QRectF rect(at.x() - (at.x() - area.left()) * factor, at.y() - (at.y() - area.top()) * factor,
                area.width() * factor, area.height() * factor);
    chart()->zoomIn(rect);
    Q_EMIT zoomChanged();
    event->accept();
}

void ChartView::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        chart()->zoomIn();
        break;
    case Qt::Key_Minus:
        chart()->zoomOut();
        break;
    case Qt::Key_0:
    case Qt::Key_Home:
        resetZoom();
        return;
    case Qt::Key_Left:
        chart()->scroll(-20, 0);
        break;
    case Qt::Key_Right:
        chart()->scroll(20, 0);
        break;
    case Qt::Key_Up:
        chart()->scroll(0, 20);
        break;
    case Qt::Key_Down:
        chart()->scroll(0, -20);
        break;
    default:
        QChartView::keyPressEvent(event);
        return;
    }
    Q_EMIT zoomChanged();
}

void ChartView::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu menu(this);
    menu.addAction(tr("Reset zoom"), this, &ChartView::resetZoom);
    menu.addSeparator();
    menu.addAction(tr("Export as PNG..."), this,
                   [this] { exportWithDialog(QStringLiteral("png")); });
    menu.addAction(tr("Export as SVG..."), this,
                   [this] { exportWithDialog(QStringLiteral("svg")); });
    menu.addAction(tr("Export data as CSV..."), this,
                   [this] { exportWithDialog(QStringLiteral("csv")); });
    menu.exec(event->globalPos());
}

} // namespace frontier::ui
