#pragma once

#include "reportdocument.h"

#include "common/progress.h"
#include "study/pareto.h"

#include <optional>
#include <string>
#include <vector>

namespace frontier::report {

// What to report on. Objectives and constraints default to the study spec's.
struct ReportRequest
{
    std::string project; // the project file
    std::string study;
    std::vector<std::string> compare; // other studies of the same project, overlaid
    std::optional<std::vector<study::Objective>> objectives;
    std::optional<std::vector<std::string>> constraints;
    std::string command; // the command line that regenerates it (the Reproducibility section)
};

// Reads the project (read-only) and composes the report. Throws Error naming the project
// and the problem: not a project, newer than this Frontier, no such study, an objective
// or constraint on a metric no trial has; Cancelled when progress is cancelled.
ReportDocument buildReport(const ReportRequest &request, Progress *progress = nullptr);

enum class ReportFormat { Html, Pdf };
// From the output file's extension (.html/.htm or .pdf); throws Error naming the file
// otherwise.
ReportFormat formatOf(const std::string &path);

// The report as one self-contained XHTML file: inline SVG charts, no external resource,
// readable without JavaScript (a little of it sorts the tables).
std::string renderHtml(const ReportDocument &document);
// The report as a paginated A4 PDF: vector charts, a header and page numbers on every
// page, no chart split across pages. Needs a QGuiApplication (offscreen is enough).
std::vector<char> renderPdf(const ReportDocument &document);

// Renders and writes the file atomically (nothing is left behind on failure); `csvDir`
// (optional) receives each table as <id>.csv.
void writeReport(const ReportDocument &document, const std::string &path,
                 const std::string &csvDir = {});

// The table as CSV (header line, then rows; raw numbers where a cell has one).
std::string tableCsv(const Table &table);

} // namespace frontier::report
