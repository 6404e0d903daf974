#pragma once

#include <QJsonObject>

#include <cmath>
#include <string>
#include <vector>

namespace frontier::report {

// A report as a list of sections of plain blocks: what the HTML and the PDF writers both
// render, so that the two never say different things. Texts are UTF-8 and plain (the
// writers escape them).

struct Cell
{
    std::string text;   // as shown, unit in the column header
    double value = NAN; // the raw number behind it (sorting, checks); NaN for text cells
};

struct Table
{
    std::string id; // also the CSV file's base name (--csv DIR)
    std::string caption;
    std::vector<std::string> header;
    std::vector<std::vector<Cell>> rows;
    std::vector<bool> numeric; // per column: right-aligned, sorted by value
    int highlightRow = -1;     // the knee, shown bold
    std::string csv;           // what --csv writes, when not the shown cells (raw values)
    // The rows a printed page shows when not all (empty: all), and what it says instead
    // of the rest. The HTML and the CSV always hold every row.
    std::vector<int> printRows;
    std::string printNote;
};

struct ChartPoint
{
    double x = 0;
    double y = 0;
};

struct ChartSeries
{
    enum class Style {
        Faded,      // every trial, small and light
        Infeasible, // trials breaking a constraint: hollow, grey
        Front,      // the front: markers joined by a line
        Knee,       // one large marker
        Bound,      // a dashed line (oracle trials: bounds, not configurations)
        Overlay,    // another study's front, a line in its own colour
        Line,       // a curve (threshold curves)
        Bars        // one bar per category (x is the category index)
    };
    std::string name; // the legend's text ("" = not in the legend)
    Style style = Style::Faded;
    int colour = 0; // an index into the palette
    std::vector<ChartPoint> points;
};

struct ChartMarker // a vertical line with a label (a threshold rule's choice)
{
    double x = 0;
    std::string label;
};

struct Chart
{
    std::string id;
    std::string title;
    std::string xTitle; // with the unit: "energy per inference (µJ)"
    std::string yTitle;
    bool logX = false;
    bool logY = false;
    std::vector<std::string> categories; // bar charts: the x labels
    std::vector<ChartSeries> series;
    std::vector<ChartMarker> markers;
    double aspect = 0.55; // height / width
    // Explicit axis bounds (NaN: from the data). A front's chart starts its accuracy axis
    // at the feasible region, so that the front is not squeezed by trials far below it.
    double xMin = NAN;
    double xMax = NAN;
    double yMin = NAN;
    double yMax = NAN;
};

struct Block
{
    enum class Kind { Heading, Paragraph, Bullets, Table, Chart, Code };
    Kind kind = Kind::Paragraph;
    std::string text;               // heading, paragraph, code
    std::vector<std::string> items; // bullets
    Table table;
    Chart chart;

    static Block heading(std::string text);
    static Block paragraph(std::string text);
    static Block bullets(std::vector<std::string> items);
    static Block code(std::string text);
    static Block of(Table table);
    static Block of(Chart chart);
};

struct Section
{
    std::string id; // "summary", "recommendation", ...
    std::string title;
    std::vector<Block> blocks;
};

struct ReportDocument
{
    std::string title;    // "Study default"
    std::string subtitle; // project file and date
    std::vector<Section> sections;
    QJsonObject data; // everything the report says, for --json

    std::vector<const Table *> tables() const; // in document order
};

} // namespace frontier::report
