#pragma once

#include "catalog.h"
#include "dataset.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace frontier::data {

// What a dataset loader returns for one file.
struct LoadedFile
{
    Dataset data; // contentHash may be left empty: the host hashes the file's bytes
    // A normalisation mode for fitNormalization(): "none", "x/255", "x/16", "per-feature", ...
    std::string defaultNormalization = "none";
    // > 0: samples [0, trainCount) are the file's official training part and the rest its
    // test part; 0: Frontier splits the samples (seeded, stratified).
    int trainCount = 0;
};

// A dataset file format (DESIGN.md, Plugins). The built-in formats (CSV, NPY, IDX,
// optdigits, CIFAR-10 batches) and those of plugins register in DatasetLoaderRegistry;
// a file goes to the first loader that accepts its name.
//
// Header-only and free of core symbols, so that plugins implement it without linking
// core: load() throws std::exception with a one-line reason (the host adds the path).
// Implementations must be thread-safe.
class DatasetLoader
{
public:
    virtual ~DatasetLoader() = default;

    virtual std::string name() const = 0;                    // "csv", "npz", ...
    virtual std::string description() const = 0;             // one line, e.g. "NumPy .npz archives"
    virtual std::vector<std::string> extensions() const = 0; // lower case with dot: ".npz"
    // Whether this loader reads a file of this name (lower case, without a trailing
    // ".gz"); by default whether it ends with one of extensions().
    virtual bool accepts(const std::string &lowerName) const
    {
        for (const std::string &e : extensions()) {
            if (lowerName.size() >= e.size()
                && lowerName.compare(lowerName.size() - e.size(), e.size(), e) == 0)
                return true;
        }
        return false;
    }
    virtual LoadedFile load(const std::string &path, const LoadOptions &options) const = 0;
};

// The registered dataset loaders, in registration order (built-ins first). Thread-safe.
class DatasetLoaderRegistry
{
public:
    static DatasetLoaderRegistry &instance();

    // Throws Error when a loader of the same name exists.
    void add(std::shared_ptr<const DatasetLoader> loader, const std::string &provider);

    struct Entry
    {
        std::shared_ptr<const DatasetLoader> loader;
        std::string provider; // "built-in" or the plugin's name
    };
    std::vector<Entry> loaders() const;

private:
    DatasetLoaderRegistry();

    mutable std::mutex m_mutex;
    std::vector<Entry> m_loaders;
};

// Registers the built-in loaders (pathloader.cpp); called once by instance().
void registerBuiltinLoaders(DatasetLoaderRegistry &registry);

} // namespace frontier::data
