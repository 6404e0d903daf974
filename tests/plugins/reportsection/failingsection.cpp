// A report-section plugin whose section fails while the report is built.
#include "plugin/pluginapi.h"

#include <QObject>

#include <stdexcept>

namespace {

class Failing : public frontier::study::ReportSection
{
public:
    std::string name() const override { return "failing"; }
    std::string description() const override { return "always fails"; }
    bool build(const std::string &, const frontier::study::TrialTable &,
               frontier::study::SectionContent &) const override
    {
        throw std::runtime_error("the lab server is unreachable");
    }
};

} // namespace

class FailingSectionPlugin : public QObject, public frontier::plugin::ReportSectionPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FRONTIER_REPORT_SECTION_IID FILE "failingsection.json")
    Q_INTERFACES(frontier::plugin::ReportSectionPlugin)

public:
    std::vector<std::shared_ptr<const frontier::study::ReportSection>> reportSections()
        const override
    {
        return {std::make_shared<Failing>()};
    }
};

#include "failingsection.moc"
