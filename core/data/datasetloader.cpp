#include "datasetloader.h"

#include "common/error.h"

namespace frontier::data {

DatasetLoaderRegistry::DatasetLoaderRegistry() = default;

DatasetLoaderRegistry &DatasetLoaderRegistry::instance()
{
    static DatasetLoaderRegistry *registry = [] {
        auto *r = new DatasetLoaderRegistry;
        registerBuiltinLoaders(*r);
        return r;
    }();
    return *registry;
}

void DatasetLoaderRegistry::add(std::shared_ptr<const DatasetLoader> loader,
                                const std::string &provider)
{
    if (!loader)
        throw Error("dataset loaders", "a loader is null");
    const std::string name = loader->name();
    const std::lock_guard<std::mutex> lock(m_mutex);
    for (const Entry &e : m_loaders) {
        if (e.loader->name() == name)
            throw Error("dataset loaders",
                        "a loader named '" + name + "' is already registered (" + e.provider + ")");
    }
    m_loaders.push_back({std::move(loader), provider});
}

std::vector<DatasetLoaderRegistry::Entry> DatasetLoaderRegistry::loaders() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_loaders;
}

} // namespace frontier::data
