#include "csvloader.h"

#include "common/error.h"
#include "common/fileutil.h"

#include <QFileInfo>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <string_view>

namespace frontier::data {

namespace {

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

bool isMissing(std::string_view cell)
{
    return cell.empty() || cell == "?";
}

bool parseNumber(std::string_view cell, double &value)
{
    if (!cell.empty() && cell.front() == '+')
        cell.remove_prefix(1);
    if (cell.empty())
        return false;
    const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
    return ec == std::errc() && end == cell.data() + cell.size();
}

bool parseInteger(std::string_view cell, long long &value)
{
    if (!cell.empty() && cell.front() == '+')
        cell.remove_prefix(1);
    if (cell.empty())
        return false;
    const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
    return ec == std::errc() && end == cell.data() + cell.size();
}

bool isDigits(const std::string &s)
{
    return !s.empty()
           && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct Row
{
    int line = 0;
    std::vector<std::string> cells;
};

// Splits one line into trimmed cells; quotes are removed and "" unescaped.
std::vector<std::string> splitCells(const std::string &path, int line, std::string_view text,
                                    char delimiter)
{
    std::vector<std::string> cells;
    size_t i = 0;
    while (true) {
        std::string cell;
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t') && text[i] != delimiter)
            ++i;
        if (i < text.size() && text[i] == '"') {
            ++i;
            bool closed = false;
            while (i < text.size()) {
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        cell += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    closed = true;
                    break;
                }
                cell += text[i++];
            }
            if (!closed) {
                throw Error(path, "row " + std::to_string(line) + ", column "
                                      + std::to_string(cells.size() + 1) + ": unterminated quote");
            }
            while (i < text.size() && text[i] != delimiter)
                ++i;
            cells.push_back(cell);
        } else {
            const size_t end = text.find(delimiter, i);
            const size_t stop = end == std::string_view::npos ? text.size() : end;
            cells.emplace_back(trimmed(text.substr(i, stop - i)));
            i = stop;
        }
        if (i >= text.size())
            break;
        ++i; // the delimiter
    }
    return cells;
}

std::vector<Row> readRows(const std::string &path, const std::vector<uint8_t> &bytes,
                          char delimiter)
{
    std::string_view text(reinterpret_cast<const char *>(bytes.data()), bytes.size());
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);
    std::vector<Row> rows;
    int line = 0;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view lineText = text.substr(pos, end - pos);
        pos = end + 1;
        ++line;
        if (!lineText.empty() && lineText.back() == '\r')
            lineText.remove_suffix(1);
        if (trimmed(lineText).empty())
            continue;
        rows.push_back({line, splitCells(path, line, lineText, delimiter)});
    }
    return rows;
}

} // namespace

Dataset loadCsv(const std::string &path, const CsvOptions &options)
{
    const std::vector<uint8_t> bytes = readMaybeGzip(path);
    std::vector<Row> rows = readRows(path, bytes, options.delimiter);
    if (rows.empty())
        throw Error(path, "no data rows (the file is empty)");
    const int columns = int(rows.front().cells.size());
    const int firstLine = rows.front().line;

    // Resolves a column given as an index or a header name (header cells may be empty).
    const std::string label = options.labelColumn.empty() ? "last" : options.labelColumn;
    auto columnIndex = [&](const std::string &what, const std::string &spec,
                           const std::vector<std::string> *header) {
        if (spec == "first")
            return 0;
        if (spec == "last")
            return columns - 1;
        if (isDigits(spec)) {
            long long index = 0;
            if (!parseInteger(spec, index) || index >= columns) {
                throw Error(path, what + " column index " + spec + " is out of range: the file has "
                                      + std::to_string(columns) + " columns (0-based indices)");
            }
            return int(index);
        }
        if (header) {
            const auto it = std::find(header->begin(), header->end(), spec);
            if (it != header->end())
                return int(it - header->begin());
        }
        throw Error(path, what + " column '" + spec + "' not found"
                              + (header ? " in the header" : " (the file has no header row)"));
    };

    const bool labelByName
        = label != "first" && label != "last" && label != "none" && !isDigits(label);
    bool hasHeader = options.header == CsvOptions::Header::Present || labelByName;
    if (options.header == CsvOptions::Header::Auto && !hasHeader) {
        const int labelIndex = label == "none" ? -1 : columnIndex("label", label, nullptr);
        std::vector<bool> dropped(size_t(columns), false);
        for (const std::string &d : options.dropColumns) {
            if (isDigits(d))
                dropped[size_t(columnIndex("dropped", d, nullptr))] = true;
            else
                hasHeader = true; // dropping by name implies a header
        }
        const std::vector<std::string> &first = rows.front().cells;
        for (int c = 0; c < columns && !hasHeader; ++c) {
            double v;
            if (c != labelIndex && !dropped[size_t(c)] && !isMissing(first[size_t(c)])
                && !parseNumber(first[size_t(c)], v))
                hasHeader = true;
        }
    }
    std::vector<std::string> header;
    if (hasHeader) {
        header = rows.front().cells;
        rows.erase(rows.begin());
        if (rows.empty())
            throw Error(path, "no data rows after the header");
    }
    const std::vector<std::string> *headerPtr = hasHeader ? &header : nullptr;
    const int labelIndex = label == "none" ? -1 : columnIndex("label", label, headerPtr);
    std::vector<bool> keep(size_t(columns), true);
    for (const std::string &d : options.dropColumns)
        keep[size_t(columnIndex("dropped", d, headerPtr))] = false;
    if (labelIndex >= 0 && !keep[size_t(labelIndex)])
        throw Error(path, "the label column is also listed as dropped");
    std::vector<int> features;
    for (int c = 0; c < columns; ++c) {
        if (keep[size_t(c)] && c != labelIndex)
            features.push_back(c);
    }
    if (features.empty())
        throw Error(path, "no feature columns left (all are dropped or the label)");

    auto where = [&](int line, int column) {
        std::string s = "row " + std::to_string(line) + ", column " + std::to_string(column + 1);
        if (hasHeader && !header[size_t(column)].empty())
            s += " (" + header[size_t(column)] + ")";
        return s;
    };

    Dataset set;
    set.name = QFileInfo(QString::fromStdString(path)).fileName().toStdString();
    set.source = path;
    set.contentHash = sha256Hex(bytes.data(), bytes.size());
    set.shape = {int(features.size())};
    if (hasHeader) {
        for (int c : features)
            set.featureNames.push_back(header[size_t(c)]);
    }
    set.x.reserve(rows.size() * features.size());
    std::vector<std::string> labels;
    for (const Row &row : rows) {
        if (int(row.cells.size()) != columns) {
            throw Error(path, "row " + std::to_string(row.line) + " has "
                                  + std::to_string(row.cells.size()) + " columns, expected "
                                  + std::to_string(columns) + " (as in row "
                                  + std::to_string(firstLine) + ")");
        }
        bool missing = false;
        for (int c = 0; c < columns && !missing; ++c) {
            if ((keep[size_t(c)] || c == labelIndex) && isMissing(row.cells[size_t(c)])) {
                if (!options.dropMissing) {
                    throw Error(path, where(row.line, c) + ": missing value '"
                                          + row.cells[size_t(c)]
                                          + "' (drop such rows with --drop-missing)");
                }
                missing = true;
            }
        }
        if (missing)
            continue;
        for (int c : features) {
            double v = 0;
            const std::string &cell = row.cells[size_t(c)];
            if (!parseNumber(cell, v))
                throw Error(path, where(row.line, c) + ": '" + cell + "' is not a number");
            if (!std::isfinite(v) || std::abs(v) > 3.4e38)
                throw Error(path, where(row.line, c) + ": '" + cell + "' is not a finite float");
            set.x.push_back(float(v));
        }
        if (labelIndex >= 0)
            labels.push_back(row.cells[size_t(labelIndex)]);
    }
    if (set.x.empty())
        throw Error(path, "no data rows left after dropping rows with missing values");
    if (labelIndex < 0)
        return set;

    // Class order: numeric when every label is an integer, else first appearance.
    std::vector<std::string> classes;
    std::map<std::string, int> classOf;
    std::vector<std::pair<long long, std::string>> numeric;
    bool allIntegers = true;
    for (const std::string &l : labels) {
        if (classOf.count(l))
            continue;
        classOf[l] = int(classes.size());
        classes.push_back(l);
        long long v = 0;
        if (allIntegers && parseInteger(l, v))
            numeric.emplace_back(v, l);
        else
            allIntegers = false;
    }
    if (allIntegers) {
        std::sort(numeric.begin(), numeric.end());
        for (size_t i = 0; i < numeric.size(); ++i) {
            if (i > 0 && numeric[i].first == numeric[i - 1].first) {
                throw Error(path, "labels '" + numeric[i - 1].second + "' and '" + numeric[i].second
                                      + "' are the same number");
            }
            classes[i] = numeric[i].second;
            classOf[numeric[i].second] = int(i);
        }
    }
    set.y.reserve(labels.size());
    for (const std::string &l : labels)
        set.y.push_back(classOf[l]);
    for (std::string &name : classes) {
        for (const auto &[value, display] : options.classNames) {
            if (value == name) {
                name = display;
                break;
            }
        }
    }
    set.classNames = classes;
    return set;
}

} // namespace frontier::data
