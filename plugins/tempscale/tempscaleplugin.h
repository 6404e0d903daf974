#pragma once

#include "plugin/pluginapi.h"

#include <QObject>

namespace frontier::tempscale {

// The tempscale plugin's root object: one decision module, temperature-scaled max
// probability (tempscale.h), for HI's offload decision.
class TempScalePlugin : public QObject, public plugin::DecisionModulePlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FRONTIER_DECISION_MODULE_IID FILE "tempscale.json")
    Q_INTERFACES(frontier::plugin::DecisionModulePlugin)

public:
    std::vector<std::shared_ptr<const policy::DecisionRule>> decisionRules() const override;
};

} // namespace frontier::tempscale
