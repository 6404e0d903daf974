// A plugin of another application: its IID is not a Frontier extension interface.
#include "plugin/pluginapi.h"

#include <QObject>

class WrongIidPlugin : public QObject, public frontier::plugin::NumberFormatPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID "org.example.Widget/1" FILE "wrongiid.json")
    Q_INTERFACES(frontier::plugin::NumberFormatPlugin)

public:
    std::vector<std::shared_ptr<const frontier::numeric::CustomFormatFamily>> formatFamilies()
        const override
    {
        return {};
    }
};

#include "wrongiid.moc"
