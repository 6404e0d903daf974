// A plugin that needs a symbol nothing defines (built against another host, say).
#include "plugin/pluginapi.h"

#include <QObject>

extern "C" int frontier_test_missing_symbol();

class MissingSymbolPlugin : public QObject, public frontier::plugin::NumberFormatPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FRONTIER_NUMBER_FORMAT_IID FILE "missingsymbol.json")
    Q_INTERFACES(frontier::plugin::NumberFormatPlugin)

public:
    std::vector<std::shared_ptr<const frontier::numeric::CustomFormatFamily>> formatFamilies()
        const override
    {
        if (frontier_test_missing_symbol() != 0)
            return {};
        return {};
    }
};

#include "missingsymbol.moc"
