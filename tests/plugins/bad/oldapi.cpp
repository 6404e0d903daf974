// A plugin built against an older plugin API (version 0).
#include "plugin/pluginapi.h"

#include <QObject>

class OldFormatPlugin
{
public:
    virtual ~OldFormatPlugin() = default;
    virtual int formatCount() const = 0;
};
Q_DECLARE_INTERFACE(OldFormatPlugin, "org.frontier.NumberFormat/0")

class OldApiPlugin : public QObject, public OldFormatPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID "org.frontier.NumberFormat/0" FILE "oldapi.json")
    Q_INTERFACES(OldFormatPlugin)

public:
    int formatCount() const override { return 0; }
};

#include "oldapi.moc"
