// The two renderings of a ReportDocument (self-contained XHTML, paginated PDF) and the
// files --csv writes. Both walk the same blocks; nothing is said in one and not the other.

#include "report.h"
#include "reportchart.h"

#include "common/error.h"
#include "common/fileutil.h"
#include "study/studyresults.h"

#include <QAbstractTextDocumentLayout>
#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <QPainter>
#include <QPdfWriter>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextList>
#include <QTextObjectInterface>

#include <cmath>
#include <cstdio>

namespace frontier::report {

Block Block::heading(std::string text)
{
    Block b;
    b.kind = Kind::Heading;
    b.text = std::move(text);
    return b;
}

Block Block::paragraph(std::string text)
{
    Block b;
    b.kind = Kind::Paragraph;
    b.text = std::move(text);
    return b;
}

Block Block::bullets(std::vector<std::string> items)
{
    Block b;
    b.kind = Kind::Bullets;
    b.items = std::move(items);
    return b;
}

Block Block::code(std::string text)
{
    Block b;
    b.kind = Kind::Code;
    b.text = std::move(text);
    return b;
}

Block Block::of(Table table)
{
    Block b;
    b.kind = Kind::Table;
    b.table = std::move(table);
    return b;
}

Block Block::of(Chart chart)
{
    Block b;
    b.kind = Kind::Chart;
    b.chart = std::move(chart);
    return b;
}

std::vector<const Table *> ReportDocument::tables() const
{
    std::vector<const Table *> out;
    for (const Section &s : sections) {
        for (const Block &b : s.blocks) {
            if (b.kind == Block::Kind::Table)
                out.push_back(&b.table);
        }
    }
    return out;
}

namespace {

std::string escape(const std::string &text)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string rawNumber(double v)
{
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.17g", v);
    return buffer;
}

// A table as HTML. `interactive`: sortable headers and data-value attributes (the
// browser's file); otherwise the plain subset QTextDocument lays out for the PDF.
std::string tableHtml(const Table &t, bool interactive)
{
    std::string h;
    if (interactive)
        h += "<table class=\"data sortable\" id=\"table-" + escape(t.id) + "\">";
    else
        h += "<table border=\"1\" cellspacing=\"0\" cellpadding=\"2\" width=\"100%\" "
             "style=\"border-color:#bbbbbb; border-style:solid;\">";
    if (!t.caption.empty())
        h += "<caption>" + escape(t.caption) + "</caption>";
    h += "<thead><tr>";
    for (size_t c = 0; c < t.header.size(); ++c) {
        const bool numeric = c < t.numeric.size() && t.numeric[c];
        h += std::string("<th") + (numeric ? " class=\"num\"" : "")
             + (interactive ? "" : " bgcolor=\"#eef2f6\"") + ">" + escape(t.header[c]) + "</th>";
    }
    h += "</tr></thead><tbody>";
    for (size_t r = 0; r < t.rows.size(); ++r) {
        const bool bold = int(r) == t.highlightRow;
        h += bold ? "<tr class=\"highlight\">" : "<tr>";
        for (size_t c = 0; c < t.rows[r].size(); ++c) {
            const Cell &cell = t.rows[r][c];
            const bool numeric = c < t.numeric.size() && t.numeric[c];
            h += "<td";
            if (numeric)
                h += interactive ? " class=\"num\"" : " align=\"right\"";
            if (interactive && !std::isnan(cell.value))
                h += " data-value=\"" + rawNumber(cell.value) + "\"";
            h += ">";
            h += bold && !interactive ? "<b>" + escape(cell.text) + "</b>" : escape(cell.text);
            h += "</td>";
        }
        h += "</tr>";
    }
    h += "</tbody></table>";
    return h;
}

// The rows of a table a printed page shows (Table::printRows), the note said in place of
// the others.
Table printedRows(const Table &t)
{
    if (t.printRows.empty())
        return t;
    Table p = t;
    p.rows.clear();
    p.highlightRow = -1;
    for (int r : t.printRows) {
        if (r == t.highlightRow)
            p.highlightRow = int(p.rows.size());
        p.rows.push_back(t.rows.at(size_t(r)));
    }
    p.caption += " " + t.printNote;
    return p;
}

// A table too wide for a portrait page, as several tables of at most `width` columns
// each repeating the first `keys` columns (trial and device), for the PDF.
std::vector<Table> splitWide(const Table &t, size_t keys = 2, size_t width = 11)
{
    if (t.header.size() <= width)
        return {t};
    std::vector<Table> parts;
    for (size_t from = keys; from < t.header.size(); from += width - keys) {
        const size_t to = std::min(t.header.size(), from + width - keys);
        Table part;
        part.id = t.id;
        part.highlightRow = t.highlightRow;
        part.caption = parts.empty() ? t.caption : t.caption.empty() ? "" : "(continued)";
        std::vector<size_t> columns;
        for (size_t c = 0; c < keys; ++c)
            columns.push_back(c);
        for (size_t c = from; c < to; ++c)
            columns.push_back(c);
        for (size_t c : columns) {
            part.header.push_back(t.header[c]);
            part.numeric.push_back(c < t.numeric.size() && t.numeric[c]);
        }
        for (const auto &row : t.rows) {
            std::vector<Cell> cells;
            for (size_t c : columns)
                cells.push_back(c < row.size() ? row[c] : Cell{});
            part.rows.push_back(std::move(cells));
        }
        parts.push_back(std::move(part));
    }
    return parts;
}

const char *kStyle = R"(
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; font-size: 14px;
       color: #1d2630; max-width: 1100px; margin: 2em auto; padding: 0 1.5em; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.1em; }
.subtitle { color: #5a6672; margin-top: 0; }
h2 { font-size: 1.3em; border-bottom: 2px solid #0072b2; padding-bottom: 0.15em; margin-top: 2em; }
h3 { font-size: 1.05em; margin-top: 1.4em; }
nav ol { columns: 2; }
table.data { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 12px; width: 100%; }
table.data caption { caption-side: top; text-align: left; color: #5a6672; padding-bottom: 0.3em; }
table.data th, table.data td { border: 1px solid #d0d6dc; padding: 2px 6px; vertical-align: top; }
table.data th { background: #eef2f6; text-align: left; }
table.sortable th { cursor: pointer; }
table.sortable th.sorted-asc::after { content: " \25B2"; }
table.sortable th.sorted-desc::after { content: " \25BC"; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.highlight td { font-weight: bold; }
.chart { margin: 0.8em 0 1.2em; }
.chart svg { width: 100%; height: auto; }
pre { background: #f5f7f9; border: 1px solid #d0d6dc; padding: 0.6em; overflow-x: auto;
      font-size: 12px; }
)";

// Sorting by a click on a header: numbers by their data-value, text alphabetically.
const char *kScript = R"(//<![CDATA[
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, column) {
    th.addEventListener('click', function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var ascending = !th.classList.contains('sorted-asc');
      table.querySelectorAll('th').forEach(function (h) {
        h.classList.remove('sorted-asc', 'sorted-desc');
      });
      th.classList.add(ascending ? 'sorted-asc' : 'sorted-desc');
      rows.sort(function (a, b) {
        var x = a.cells[column], y = b.cells[column];
        var u = x.getAttribute('data-value'), v = y.getAttribute('data-value');
        var d = (u !== null && v !== null) ? parseFloat(u) - parseFloat(v)
                                           : x.textContent.localeCompare(y.textContent);
        return ascending ? d : -d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
//]]>)";

} // namespace

std::string renderHtml(const ReportDocument &doc)
{
    std::string h = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">"
                    "<head><meta charset=\"utf-8\"/><meta name=\"generator\" content=\"Frontier\"/>"
                    "<title>"
                    + escape(doc.title) + " · Frontier report</title><style>" + kStyle
                    + "</style></head>\n<body>";
    h += "<h1>" + escape(doc.title) + "</h1><p class=\"subtitle\">Frontier report · "
         + escape(doc.subtitle) + "</p>";
    h += "<nav><ol>";
    for (const Section &s : doc.sections)
        h += "<li><a href=\"#" + escape(s.id) + "\">" + escape(s.title) + "</a></li>";
    h += "</ol></nav>\n";
    for (const Section &s : doc.sections) {
        h += "<section id=\"" + escape(s.id) + "\"><h2>" + escape(s.title) + "</h2>\n";
        for (const Block &b : s.blocks) {
            switch (b.kind) {
            case Block::Kind::Heading:
                h += "<h3>" + escape(b.text) + "</h3>";
                break;
            case Block::Kind::Paragraph:
                h += "<p>" + escape(b.text) + "</p>";
                break;
            case Block::Kind::Bullets:
                h += "<ul>";
                for (const std::string &item : b.items)
                    h += "<li>" + escape(item) + "</li>";
                h += "</ul>";
                break;
            case Block::Kind::Code:
                h += "<pre>" + escape(b.text) + "</pre>";
                break;
            case Block::Kind::Table:
                h += tableHtml(b.table, true);
                break;
            case Block::Kind::Chart:
                h += "<figure class=\"chart\" id=\"chart-" + escape(b.chart.id) + "\">"
                     + chartSvg(b.chart) + "</figure>";
                break;
            }
            h += "\n";
        }
        h += "</section>\n";
    }
    h += "<script>" + std::string(kScript) + "</script></body></html>\n";
    return h;
}

namespace {

constexpr int kChartObject = QTextFormat::UserObject + 1;
constexpr int kChartIndex = QTextFormat::UserProperty + 1;
constexpr int kChartSize = QTextFormat::UserProperty + 2;

// Draws a report chart where the PDF's text layout put its placeholder character: the
// chart is one inline object, so a page break never splits it.
class ChartObject : public QObject, public QTextObjectInterface
{
    Q_OBJECT
    Q_INTERFACES(QTextObjectInterface)

public:
    explicit ChartObject(std::vector<const Chart *> charts)
        : m_charts(std::move(charts))
    {}

    QSizeF intrinsicSize(QTextDocument *, int, const QTextFormat &format) override
    {
        return format.property(kChartSize).toSizeF();
    }

    void drawObject(QPainter *painter, const QRectF &rect, QTextDocument *, int,
                    const QTextFormat &format) override
    {
        const int index = format.property(kChartIndex).toInt();
        // Drawn on the page that holds it whole only: Qt Charts' rendering does not keep to
        // the painter's clip, and the layout offers an object to every page it touches.
        if (!m_page.contains(rect))
            return;
        if (index >= 0 && size_t(index) < m_charts.size())
            paintChart(*m_charts[size_t(index)], painter, rect);
    }

    void setPage(const QRectF &page) { m_page = page; }

private:
    std::vector<const Chart *> m_charts;
    QRectF m_page;
};

} // namespace

std::vector<char> renderPdf(const ReportDocument &doc)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QPdfWriter writer(&buffer);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setPageMargins(QMarginsF(0, 0, 0, 0));
    writer.setResolution(300);
    writer.setTitle(QString::fromStdString(doc.title));
    writer.setCreator(QStringLiteral("Frontier"));
    const double dpmm = writer.resolution() / 25.4;
    const QRectF page(QPointF(0, 0), QSizeF(writer.width(), writer.height()));
    const double margin = 16 * dpmm, header = 9 * dpmm, footer = 9 * dpmm;
    const QRectF body(margin, margin + header, page.width() - 2 * margin,
                      page.height() - 2 * margin - header - footer);

    QTextDocument text;
    text.documentLayout()->setPaintDevice(&writer);
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPointSizeF(8.5);
    text.setDefaultFont(font);
    text.setDefaultStyleSheet(QStringLiteral(
        "h1 { font-size: 17pt; } h2 { font-size: 13pt; color: #0b4f7c; } h3 { font-size: "
        "10.5pt; } p, li { font-size: 8.5pt; } td, th { font-size: 7pt; } caption { "
        "font-size: 7.5pt; color: #5a6672; } pre { font-size: 6.5pt; }"));
    text.setPageSize(body.size());
    text.setDocumentMargin(0);

    std::vector<const Chart *> charts;
    for (const Section &s : doc.sections) {
        for (const Block &b : s.blocks) {
            if (b.kind == Block::Kind::Chart)
                charts.push_back(&b.chart);
        }
    }
    ChartObject handler(charts);
    text.documentLayout()->registerHandler(kChartObject, &handler);

    QTextCursor cursor(&text);
    // A new block of its own: no list, no indent carried over from the HTML before it.
    auto freshBlock = [&cursor] {
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
        if (QTextList *list = cursor.currentList())
            list->remove(cursor.block());
        QTextBlockFormat plain;
        plain.setIndent(0);
        cursor.setBlockFormat(plain);
    };
    std::vector<int> chartBlocks; // block numbers of the charts' placeholders
    cursor.insertHtml(QStringLiteral("<h1>%1</h1><p>Frontier report · %2</p>")
                          .arg(QString::fromStdString(escape(doc.title)),
                               QString::fromStdString(escape(doc.subtitle))));
    int chartIndex = 0;
    const double chartWidth = body.width();
    for (const Section &s : doc.sections) {
        freshBlock();
        cursor.insertHtml(QString::fromStdString("<h2>" + escape(s.title) + "</h2>"));
        for (const Block &b : s.blocks) {
            std::string html;
            switch (b.kind) {
            case Block::Kind::Heading:
                html = "<h3>" + escape(b.text) + "</h3>";
                break;
            case Block::Kind::Paragraph:
                html = "<p>" + escape(b.text) + "</p>";
                break;
            case Block::Kind::Bullets:
                html = "<ul>";
                for (const std::string &item : b.items)
                    html += "<li>" + escape(item) + "</li>";
                html += "</ul>";
                break;
            case Block::Kind::Code:
                html = "<pre>" + escape(b.text) + "</pre>";
                break;
            case Block::Kind::Table:
                for (const Table &part : splitWide(printedRows(b.table)))
                    html += tableHtml(part, false) + "<p></p>";
                break;
            case Block::Kind::Chart: {
                freshBlock();
                QTextCharFormat format;
                format.setObjectType(kChartObject);
                format.setProperty(kChartIndex, chartIndex++);
                format.setProperty(kChartSize, chartSize(b.chart, chartWidth));
                cursor.insertText(QString(QChar::ObjectReplacementCharacter), format);
                chartBlocks.push_back(cursor.block().blockNumber());
                continue;
            }
            }
            freshBlock();
            cursor.insertHtml(QString::fromStdString(html));
        }
    }

    // No chart across a page break: a chart whose block would straddle one starts a new
    // page instead (each move only pushes later content down, so one pass in order does).
    for (int number : chartBlocks) {
        const QTextBlock block = text.findBlockByNumber(number);
        const QRectF r = text.documentLayout()->blockBoundingRect(block);
        const double pageHeight = body.height();
        const int first = int(r.top() / pageHeight), last = int((r.bottom() - 1) / pageHeight);
        if (first != last) {
            QTextCursor at(block);
            QTextBlockFormat format = block.blockFormat();
            format.setPageBreakPolicy(QTextFormat::PageBreak_AlwaysBefore);
            at.setBlockFormat(format);
        }
    }

    const int pages = text.pageCount();
    QPainter painter(&writer);
    QFont small(QStringLiteral("DejaVu Sans"));
    small.setPointSizeF(7);
    for (int i = 0; i < pages; ++i) {
        if (i > 0)
            writer.newPage();
        painter.save();
        painter.setFont(small);
        painter.setPen(QColor(0x5a, 0x66, 0x72));
        const QRectF head(margin, margin, body.width(), header * 0.8);
        painter.drawText(
            head, Qt::AlignLeft | Qt::AlignVCenter,
            QStringLiteral("Frontier report · %1").arg(QString::fromStdString(doc.title)));
        painter.drawText(head, Qt::AlignRight | Qt::AlignVCenter,
                         QString::fromStdString(doc.subtitle).section(QStringLiteral(" · "), -1));
        painter.drawLine(QPointF(margin, margin + header * 0.85),
                         QPointF(margin + body.width(), margin + header * 0.85));
        const QRectF foot(margin, body.bottom() + footer * 0.2, body.width(), footer * 0.8);
        painter.drawText(foot, Qt::AlignHCenter | Qt::AlignVCenter,
                         QStringLiteral("page %1 of %2").arg(i + 1).arg(pages));
        painter.restore();
        painter.save();
        painter.translate(body.left(), body.top() - i * body.height());
        QAbstractTextDocumentLayout::PaintContext context;
        context.clip = QRectF(0, i * body.height(), body.width(), body.height());
        context.palette.setColor(QPalette::Text, Qt::black);
        painter.setClipRect(context.clip);
        handler.setPage(context.clip.adjusted(-1, -1, 1, 1));
        text.documentLayout()->draw(&painter, context);
        painter.restore();
    }
    painter.end();
    const QByteArray bytes = buffer.data();
    return std::vector<char>(bytes.begin(), bytes.end());
}

ReportFormat formatOf(const std::string &path)
{
    const QString suffix = QFileInfo(QString::fromStdString(path)).suffix().toLower();
    if (suffix == QLatin1String("html") || suffix == QLatin1String("htm"))
        return ReportFormat::Html;
    if (suffix == QLatin1String("pdf"))
        return ReportFormat::Pdf;
    throw Error(path, "unknown report format: give a .html or a .pdf file");
}

std::string tableCsv(const Table &t)
{
    if (!t.csv.empty())
        return t.csv;
    using study::csvCell;
    std::string out;
    for (size_t c = 0; c < t.header.size(); ++c) {
        if (c)
            out.push_back(',');
        out.append(csvCell(t.header[c]));
    }
    out.push_back('\n');
    for (const auto &row : t.rows) {
        for (size_t c = 0; c < row.size(); ++c) {
            if (c)
                out.push_back(',');
            out.append(std::isnan(row[c].value) ? csvCell(row[c].text) : rawNumber(row[c].value));
        }
        out.push_back('\n');
    }
    return out;
}

void writeReport(const ReportDocument &doc, const std::string &path, const std::string &csvDir)
{
    const ReportFormat format = formatOf(path);
    if (format == ReportFormat::Html) {
        const std::string html = renderHtml(doc);
        writeFileAtomic(path, html.data(), html.size());
    } else {
        const std::vector<char> pdf = renderPdf(doc);
        writeFileAtomic(path, pdf.data(), pdf.size());
    }
    if (!csvDir.empty()) {
        if (!QDir().mkpath(QString::fromStdString(csvDir)))
            throw Error(csvDir, "cannot create the directory");
        for (const Table *t : doc.tables()) {
            const std::string csv = tableCsv(*t);
            writeFileAtomic(csvDir + "/" + t->id + ".csv", csv.data(), csv.size());
        }
    }
}

} // namespace frontier::report

#include "reportwriter.moc"
