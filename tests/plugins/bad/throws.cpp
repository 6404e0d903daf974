// A plugin that throws while registering.
#include "plugin/pluginapi.h"

#include <QObject>

#include <stdexcept>

class ThrowsPlugin : public QObject, public frontier::plugin::NumberFormatPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FRONTIER_NUMBER_FORMAT_IID FILE "throws.json")
    Q_INTERFACES(frontier::plugin::NumberFormatPlugin)

public:
    std::vector<std::shared_ptr<const frontier::numeric::CustomFormatFamily>> formatFamilies()
        const override
    {
        throw std::runtime_error("the licence file is missing");
    }
};

#include "throws.moc"
