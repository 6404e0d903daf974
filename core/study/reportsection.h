#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace frontier::study {

// A study's done trials as text: the columns and rows of `frontier study trials --csv`.
struct TrialTable
{
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;

    // The column's index, or -1.
    int column(const std::string &name) const
    {
        for (size_t i = 0; i < columns.size(); ++i) {
            if (columns[i] == name)
                return int(i);
        }
        return -1;
    }
};

// What a report section says: paragraphs, then tables (plain UTF-8 text; the report
// escapes it).
struct SectionTable
{
    std::string caption;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows; // each as wide as the header
};

struct SectionContent
{
    std::string title;
    std::vector<std::string> paragraphs;
    std::vector<SectionTable> tables;
};

// A section of `frontier report` besides the built-in ones (DESIGN.md, Plugins): a
// plugin's summary of a study. Header-only and free of core symbols; build() throws
// std::exception with a one-line reason, and the report then says the section failed.
class ReportSection
{
public:
    virtual ~ReportSection() = default;

    virtual std::string name() const = 0;        // "policy-summary"
    virtual std::string description() const = 0; // one line
    // Fills `out` and returns true, or returns false when it has nothing to say about
    // this study (the report leaves it out). Must be deterministic.
    virtual bool build(const std::string &study, const TrialTable &trials,
                       SectionContent &out) const = 0;
};

// The registered sections of plugins, in registration order (the built-in sections are
// the report's own).
class ReportSectionRegistry
{
public:
    struct Entry
    {
        std::shared_ptr<const ReportSection> section;
        std::string provider;
    };

    static ReportSectionRegistry &instance();

    void add(std::shared_ptr<const ReportSection> section, const std::string &provider);
    std::vector<Entry> sections() const;

private:
    ReportSectionRegistry() = default;

    mutable std::mutex m_mutex;
    std::vector<Entry> m_sections;
};

class StudyResults;

// The done trials of `results` as text (what `study trials --csv` prints).
TrialTable trialTableOf(const StudyResults &results);

} // namespace frontier::study
