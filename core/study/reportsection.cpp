#include "reportsection.h"

#include "studyresults.h"

#include "common/error.h"

namespace frontier::study {

ReportSectionRegistry &ReportSectionRegistry::instance()
{
    static ReportSectionRegistry registry;
    return registry;
}

void ReportSectionRegistry::add(std::shared_ptr<const ReportSection> section,
                                const std::string &provider)
{
    if (!section)
        throw Error("report sections", "a section is null");
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_sections.push_back({std::move(section), provider});
}

std::vector<ReportSectionRegistry::Entry> ReportSectionRegistry::sections() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_sections;
}

namespace {

// RFC 4180 records of trialsCsv's text: fields quoted when they hold a comma, a quote or
// a line break, quotes doubled.
std::vector<std::vector<std::string>> parseCsv(const std::string &text)
{
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string field;
    bool quoted = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        if (quoted) {
            if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (ch == '"') {
                quoted = false;
            } else {
                field += ch;
            }
        } else if (ch == '"') {
            quoted = true;
        } else if (ch == ',') {
            record.push_back(field);
            field.clear();
        } else if (ch == '\n') {
            record.push_back(field);
            field.clear();
            records.push_back(record);
            record.clear();
        } else if (ch != '\r') {
            field += ch;
        }
    }
    if (!field.empty() || !record.empty()) {
        record.push_back(field);
        records.push_back(record);
    }
    return records;
}

} // namespace

TrialTable trialTableOf(const StudyResults &results)
{
    std::vector<int> rows(static_cast<size_t>(results.rows()));
    for (int i = 0; i < results.rows(); ++i)
        rows[size_t(i)] = i;
    std::vector<std::vector<std::string>> records = parseCsv(trialsCsv(results, rows));
    TrialTable t;
    if (records.empty())
        return t;
    t.columns = std::move(records.front());
    t.rows.assign(std::make_move_iterator(records.begin() + 1),
                  std::make_move_iterator(records.end()));
    return t;
}

} // namespace frontier::study
