// A cost-preset plugin for the tests (badpreset).
#include "plugin/pluginapi.h"

#include <QObject>

// The lab board's preset text, in its own file (labboard_json.cpp; moc reads this one).
std::string labBoardJson(const std::string &name, const std::string &clockMhz);

namespace {

class Source : public frontier::cost::PresetSource
{
public:
    std::string name() const override { return "lab"; }
    std::string description() const override { return "the lab's boards"; }
    std::vector<frontier::cost::PresetDocument> presets() const override
    {
        return {
            {"lab-bad", labBoardJson("lab-bad", "-5")},
        };
    }
};

} // namespace

class BadPresetPlugin : public QObject, public frontier::plugin::CostPresetPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FRONTIER_COST_PRESETS_IID FILE "badpreset.json")
    Q_INTERFACES(frontier::plugin::CostPresetPlugin)

public:
    std::vector<std::shared_ptr<const frontier::cost::PresetSource>> presetSources() const override
    {
        return {std::make_shared<Source>()};
    }
};

#include "badpreset.moc"
