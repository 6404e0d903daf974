#pragma once

#include "plugin/pluginapi.h"

#include <QObject>

namespace frontier::npz {

// The npz plugin's root object: one dataset loader, NumPy .npz archives (npz.h).
class NpzPlugin : public QObject, public plugin::DatasetLoaderPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FRONTIER_DATASET_LOADER_IID FILE "npz.json")
    Q_INTERFACES(frontier::plugin::DatasetLoaderPlugin)

public:
    std::vector<std::shared_ptr<const data::DatasetLoader>> datasetLoaders() const override;
};

} // namespace frontier::npz
