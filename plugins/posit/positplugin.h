#pragma once

#include "plugin/pluginapi.h"

#include <QObject>

namespace frontier::posit {

// The posit plugin's root object: one format family, posit<n>es<es> (posit.h).
class PositPlugin : public QObject, public plugin::NumberFormatPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FRONTIER_NUMBER_FORMAT_IID FILE "posit.json")
    Q_INTERFACES(frontier::plugin::NumberFormatPlugin)

public:
    std::vector<std::shared_ptr<const numeric::CustomFormatFamily>> formatFamilies() const override;
};

} // namespace frontier::posit
