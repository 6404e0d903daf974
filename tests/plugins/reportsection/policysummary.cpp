// A report-section plugin for the tests: per policy, the trials, the best accuracy and
// the lowest energy.
#include "plugin/pluginapi.h"

#include <QObject>

#include <cstdlib>
#include <map>

namespace {

class PolicySummary : public frontier::study::ReportSection
{
public:
    std::string name() const override { return "policy-summary"; }
    std::string description() const override
    {
        return "trials, best accuracy and lowest energy per policy";
    }
    bool build(const std::string &study, const frontier::study::TrialTable &trials,
               frontier::study::SectionContent &out) const override
    {
        const int policy = trials.column("policy");
        const int accuracy = trials.column("accuracy");
        const int energy = trials.column("energy_pj");
        if (policy < 0 || accuracy < 0 || energy < 0)
            return false;
        struct Row
        {
            int trials = 0;
            double accuracy = -1;
            double energy = -1;
        };
        std::map<std::string, Row> rows;
        for (const auto &r : trials.rows) {
            Row &row = rows[r[size_t(policy)]];
            ++row.trials;
            const double a = std::strtod(r[size_t(accuracy)].c_str(), nullptr);
            const double e = std::strtod(r[size_t(energy)].c_str(), nullptr);
            if (a > row.accuracy)
                row.accuracy = a;
            if (row.energy < 0 || e < row.energy)
                row.energy = e;
        }
        out.title = "Per policy";
        out.paragraphs = {"The trials of study " + study
                          + " by policy: how many, the best "
                            "accuracy and the lowest energy any of them reached."};
        frontier::study::SectionTable t;
        t.caption = "Trials per policy";
        t.header = {"policy", "trials", "best accuracy", "lowest energy (pJ)"};
        for (const auto &[name, row] : rows) {
            char a[32], e[32];
            std::snprintf(a, sizeof a, "%.4f", row.accuracy);
            std::snprintf(e, sizeof e, "%.0f", row.energy);
            t.rows.push_back({name, std::to_string(row.trials), a, e});
        }
        out.tables.push_back(t);
        return true;
    }
};

} // namespace

class PolicySummaryPlugin : public QObject, public frontier::plugin::ReportSectionPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FRONTIER_REPORT_SECTION_IID FILE "policysummary.json")
    Q_INTERFACES(frontier::plugin::ReportSectionPlugin)

public:
    std::vector<std::shared_ptr<const frontier::study::ReportSection>> reportSections()
        const override
    {
        return {std::make_shared<PolicySummary>()};
    }
};

#include "policysummary.moc"
