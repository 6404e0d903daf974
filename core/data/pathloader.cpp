// Loading a dataset given as a file or folder path (see catalog.h: prepare() and load()).

#include "loadedset.h"

#include "datasetloader.h"

#include "cifarloader.h"
#include "csvloader.h"
#include "idxloader.h"
#include "npy.h"
#include "optdigitsloader.h"

#include "common/error.h"
#include "common/fileutil.h"

#include <QDir>
#include <QFileInfo>

namespace frontier::data {

namespace {

bool endsWith(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size()
           && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

Dataset concatenate(const std::vector<Dataset> &parts)
{
    Dataset all;
    std::string hashes;
    for (const Dataset &part : parts) {
        all.append(part);
        all.source += (all.source.empty() ? "" : "; ") + part.source;
        hashes += part.contentHash;
    }
    all.contentHash
        = parts.size() == 1 ? parts.front().contentHash : sha256Hex(hashes.data(), hashes.size());
    return all;
}

namespace {

LoadedSet fromFolder(const std::string &path)
{
    LoadedSet set;
    set.defaultNormalization = "x/255";
    const QDir dir(QString::fromStdString(path));
    const bool cifar
        = !dir.entryList({QStringLiteral("data_batch_*.bin*"), QStringLiteral("test_batch.bin*")},
                         QDir::Files)
               .isEmpty();
    const QStringList tra = dir.entryList({QStringLiteral("*.tra")}, QDir::Files, QDir::Name);
    const QStringList tes = dir.entryList({QStringLiteral("*.tes")}, QDir::Files, QDir::Name);
    std::vector<Dataset> parts;
    if (!cifar && tra.size() == 1 && tes.size() <= 1) {
        set.defaultNormalization = "x/16";
        parts.push_back(loadOptdigits(dir.filePath(tra.front()).toStdString()));
        if (!tes.isEmpty())
            parts.push_back(loadOptdigits(dir.filePath(tes.front()).toStdString()));
    } else if (cifar) {
        const CifarFiles files = findCifar10Files(path);
        if (!files.train.empty())
            parts.push_back(loadCifar10(files.train));
        if (!files.test.empty())
            parts.push_back(loadCifar10(files.test));
    } else {
        if (dir.entryList({QStringLiteral("*images?idx3*")}, QDir::Files).isEmpty()) {
            throw Error(path, "folder holds no IDX files (*images-idx3*, *labels-idx1*), "
                              "CIFAR-10 batches (data_batch_*.bin, test_batch.bin) or "
                              "optdigits files (one *.tra, optionally one *.tes)");
        }
        const std::vector<IdxPair> pairs = findIdxPairs(path);
        for (const IdxPair &pair : pairs)
            parts.push_back(loadIdx(pair.images, pair.labels));
        if (pairs.front().prefix != "train")
            parts = {concatenate(parts)};
    }
    set.data = concatenate(parts);
    if (parts.size() > 1) {
        // The first part is the official training set, the rest the test set.
        set.split = LoadedSet::Split::TrainTest;
        set.trainCount = parts.front().size();
    }
    set.data.name = QFileInfo(QString::fromStdString(path)).fileName().toStdString();
    return set;
}

std::string npyLabelsFor(const std::string &path, const LoadOptions &options)
{
    if (!options.labelsFile.empty())
        return options.labelsFile;
    const QFileInfo info(QString::fromStdString(path));
    const QString stem = info.fileName().chopped(4);
    QStringList candidates
        = {stem + QStringLiteral("_labels.npy"), stem + QStringLiteral("-labels.npy"),
           stem + QStringLiteral(".labels.npy")};
    if (stem.startsWith(QLatin1Char('x')) || stem.startsWith(QLatin1Char('X')))
        candidates << QStringLiteral("y") + stem.mid(1) + QStringLiteral(".npy");
    for (const QString &name : candidates) {
        const QString candidate = info.dir().filePath(name);
        if (QFileInfo(candidate).isFile() && name != info.fileName())
            return candidate.toStdString();
    }
    return {};
}

} // namespace

namespace {

// The built-in file formats, in the order they are asked.
class CsvFileLoader : public DatasetLoader
{
public:
    std::string name() const override { return "csv"; }
    std::string description() const override
    {
        return "delimited text (.csv, .tsv, .data, .txt), label column last unless set";
    }
    std::vector<std::string> extensions() const override
    {
        return {".csv", ".tsv", ".data", ".txt"};
    }
    LoadedFile load(const std::string &path, const LoadOptions &options) const override
    {
        CsvOptions csv;
        csv.labelColumn = options.labelColumn.empty() ? "last" : options.labelColumn;
        csv.dropMissing = options.dropMissing;
        csv.dropColumns = options.dropColumns;
        std::string lower = QString::fromStdString(path).toLower().toStdString();
        if (endsWith(lower, ".gz"))
            lower.resize(lower.size() - 3);
        if (endsWith(lower, ".tsv"))
            csv.delimiter = '\t';
        LoadedFile f;
        f.data = loadCsv(path, csv);
        f.defaultNormalization = "per-feature";
        return f;
    }
};

class NpyFileLoader : public DatasetLoader
{
public:
    std::string name() const override { return "npy"; }
    std::string description() const override
    {
        return "NumPy .npy samples, labels from a .npy beside them";
    }
    std::vector<std::string> extensions() const override { return {".npy"}; }
    LoadedFile load(const std::string &path, const LoadOptions &options) const override
    {
        LoadedFile f;
        std::string dtype;
        f.data = loadNpy(path, npyLabelsFor(path, options), &dtype);
        if (dtype == "|u1" || dtype == "<u1")
            f.defaultNormalization = "x/255";
        else if (f.data.shape.size() == 1)
            f.defaultNormalization = "per-feature";
        return f;
    }
};

class OptdigitsFileLoader : public DatasetLoader
{
public:
    std::string name() const override { return "optdigits"; }
    std::string description() const override { return "UCI optdigits (.tra, .tes)"; }
    std::vector<std::string> extensions() const override { return {".tra", ".tes"}; }
    LoadedFile load(const std::string &path, const LoadOptions &) const override
    {
        LoadedFile f;
        f.data = loadOptdigits(path);
        f.defaultNormalization = "x/16";
        return f;
    }
};

class CifarFileLoader : public DatasetLoader
{
public:
    std::string name() const override { return "cifar10"; }
    std::string description() const override { return "CIFAR-10 binary batches (.bin)"; }
    std::vector<std::string> extensions() const override { return {".bin"}; }
    LoadedFile load(const std::string &path, const LoadOptions &) const override
    {
        LoadedFile f;
        f.data = loadCifar10(path);
        f.defaultNormalization = "x/255";
        return f;
    }
};

class IdxFileLoader : public DatasetLoader
{
public:
    std::string name() const override { return "idx"; }
    std::string description() const override
    {
        return "IDX images (.idx, *-ubyte, .gz), labels from the MNIST-named file beside them";
    }
    std::vector<std::string> extensions() const override { return {".idx"}; }
    bool accepts(const std::string &lowerName) const override
    {
        return endsWith(lowerName, ".idx") || lowerName.find("idx") != std::string::npos
               || lowerName.find("ubyte") != std::string::npos;
    }
    LoadedFile load(const std::string &path, const LoadOptions &) const override
    {
        const std::string name
            = QFileInfo(QString::fromStdString(path)).fileName().toLower().toStdString();
        if (name.find("labels-idx1") != std::string::npos
            || name.find("labels.idx1") != std::string::npos) {
            throw Error(path, "this is an IDX labels file: give the images file "
                              "(*images-idx3*) or the folder");
        }
        LoadedFile f;
        f.data = loadIdx(path, idxLabelsFor(path)); // "" labels: unlabelled
        f.defaultNormalization = "x/255";
        return f;
    }
};

std::string fileHash(const std::string &path)
{
    const std::vector<uint8_t> bytes = readFileBytes(path);
    return sha256Hex(bytes.data(), bytes.size());
}

// A plugin's result is checked before anything uses it.
void checkPluginResult(const std::string &path, const LoadedFile &f, const std::string &loader)
{
    auto bad = [&](const std::string &why) {
        throw Error(path, "loader " + loader + " returned " + why);
    };
    const Dataset &d = f.data;
    if (d.shape.empty())
        bad("no sample shape");
    int64_t sampleSize = 1;
    for (int dim : d.shape) {
        if (dim <= 0 || sampleSize > (int64_t(1) << 40) / dim)
            bad("a bad sample shape");
        sampleSize *= dim;
    }
    if (d.x.size() % size_t(sampleSize) != 0)
        bad("values that are not a whole number of samples");
    const int64_t n = int64_t(d.x.size()) / sampleSize;
    if (!d.y.empty()) {
        if (int64_t(d.y.size()) != n)
            bad(std::to_string(d.y.size()) + " labels for " + std::to_string(n) + " samples");
        for (int label : d.y) {
            if (label < 0 || label >= int(d.classNames.size()))
                bad("label " + std::to_string(label) + " outside its "
                    + std::to_string(d.classNames.size()) + " classes");
        }
    }
    if (f.trainCount < 0 || f.trainCount > n)
        bad("a training part larger than the data");
}

} // namespace

void registerBuiltinLoaders(DatasetLoaderRegistry &registry)
{
    registry.add(std::make_shared<CsvFileLoader>(), "built-in");
    registry.add(std::make_shared<NpyFileLoader>(), "built-in");
    registry.add(std::make_shared<OptdigitsFileLoader>(), "built-in");
    registry.add(std::make_shared<CifarFileLoader>(), "built-in");
    registry.add(std::make_shared<IdxFileLoader>(), "built-in");
}

LoadedSet loadPath(const std::string &path, const LoadOptions &options)
{
    const QFileInfo info(QString::fromStdString(path));
    if (info.isDir())
        return fromFolder(path);

    std::string name = info.fileName().toLower().toStdString();
    const bool gz = endsWith(name, ".gz");
    if (gz)
        name.resize(name.size() - 3);
    const std::vector<DatasetLoaderRegistry::Entry> loaders
        = DatasetLoaderRegistry::instance().loaders();
    const DatasetLoaderRegistry::Entry *chosen = nullptr;
    for (const DatasetLoaderRegistry::Entry &e : loaders) {
        if (e.loader->accepts(name)) {
            chosen = &e;
            break;
        }
    }
    if (!chosen && gz) {
        // A compressed file of no known kind: IDX, the one format distributed gzipped.
        for (const DatasetLoaderRegistry::Entry &e : loaders) {
            if (e.loader->name() == "idx")
                chosen = &e;
        }
    }
    if (!chosen) {
        std::string known;
        for (const DatasetLoaderRegistry::Entry &e : loaders) {
            known += known.empty() ? "" : "; ";
            known += e.loader->name();
            if (e.provider != "built-in")
                known += " (plugin " + e.provider + ")";
        }
        throw Error(path, "unknown dataset file type (loaders: " + known
                              + "; or a folder of IDX files, CIFAR-10 batches or optdigits files)");
    }
    LoadedFile file;
    if (chosen->provider == "built-in") {
        file = chosen->loader->load(path, options);
    } else {
        try {
            file = chosen->loader->load(path, options);
        } catch (const Error &) {
            throw;
        } catch (const std::exception &e) {
            throw Error(path, std::string(e.what())
                                  .append(" (loader ")
                                  .append(chosen->loader->name())
                                  .append(", plugin ")
                                  .append(chosen->provider)
                                  .append(")"));
        }
        checkPluginResult(path, file, chosen->loader->name());
        if (file.data.source.empty())
            file.data.source = path;
        if (file.data.contentHash.empty())
            file.data.contentHash = fileHash(path);
        if (file.data.name.empty())
            file.data.name = info.completeBaseName().toStdString();
    }
    LoadedSet set;
    set.data = std::move(file.data);
    set.defaultNormalization = file.defaultNormalization;
    if (file.trainCount > 0) {
        set.split = LoadedSet::Split::TrainTest;
        set.trainCount = file.trainCount;
    }
    return set;
}

} // namespace frontier::data
