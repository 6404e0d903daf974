#pragma once

#include "dataset.h"

#include <string>
#include <utility>
#include <vector>

namespace frontier::data {

struct CsvOptions
{
    enum class Header { Auto, Present, Absent };

    // "first", "last", "none" (unlabelled), a 0-based column index, or a header name.
    // A string of digits is always an index. "" means "last".
    std::string labelColumn = "last";
    // Columns removed before anything else (e.g. an id column): 0-based indices of the
    // file's columns or header names.
    std::vector<std::string> dropColumns;
    // Skip rows with a missing cell ('?' or empty) in a kept column instead of failing.
    bool dropMissing = false;
    // Auto: the first row is a header when one of its feature cells is neither a number
    // nor a missing marker. A label column given by name implies a header.
    Header header = Header::Auto;
    char delimiter = ',';
    // Display names for label values, e.g. {"2", "benign"}; others keep their text.
    std::vector<std::pair<std::string, std::string>> classNames;
};

// Reads a delimited text file (optionally gzip-compressed) of numeric features and one
// label column into a tabular Dataset of shape {F}, F = kept non-label columns in file
// order.
//
// Classes: when every label is an integer ("2", "-1", "+3") the classes are sorted
// numerically (so labels 0..K-1 keep their value, wine's 1,2,3 become 0,1,2 and
// breast-cancer's 2,4 become 0,1); otherwise they are numbered in order of first
// appearance (iris: setosa, versicolor, virginica). Class names are the label texts,
// renamed through options.classNames.
//
// Cells are trimmed; double-quoted cells may contain the delimiter ("" escapes a quote).
// Blank lines are skipped; rows are numbered as lines in a text editor (1-based), and
// columns 1-based as in a spreadsheet. contentHash is the SHA-256 of the file's bytes.
//
// Throws Error("<path>", "row R, column C: ...") for a missing value (unless
// dropMissing), a non-numeric or non-finite feature cell, a row with a different number
// of columns (ragged), an unterminated quote; and Error("<path>", ...) for an unknown
// label/drop column, no feature columns or no data rows. Thread-safe.
Dataset loadCsv(const std::string &path, const CsvOptions &options = {});

} // namespace frontier::data
