// A dataset loader whose name is a built-in loader's ("csv").
#include "plugin/pluginapi.h"

#include <QObject>

#include <stdexcept>

namespace {

class CsvAgain : public frontier::data::DatasetLoader
{
public:
    std::string name() const override { return "csv"; }
    std::string description() const override { return "another csv"; }
    std::vector<std::string> extensions() const override { return {".csv"}; }
    frontier::data::LoadedFile load(const std::string &,
                                    const frontier::data::LoadOptions &) const override
    {
        throw std::runtime_error("never used");
    }
};

} // namespace

class ClashPlugin : public QObject, public frontier::plugin::DatasetLoaderPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FRONTIER_DATASET_LOADER_IID FILE "clash.json")
    Q_INTERFACES(frontier::plugin::DatasetLoaderPlugin)

public:
    std::vector<std::shared_ptr<const frontier::data::DatasetLoader>> datasetLoaders()
        const override
    {
        return {std::make_shared<CsvAgain>()};
    }
};

#include "clash.moc"
