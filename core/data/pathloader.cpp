// Loading a dataset given as a file or folder path (see catalog.h: prepare() and load()).

#include "loadedset.h"

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

LoadedSet loadPath(const std::string &path, const LoadOptions &options)
{
    const QFileInfo info(QString::fromStdString(path));
    if (info.isDir())
        return fromFolder(path);

    std::string name = info.fileName().toLower().toStdString();
    const bool gz = endsWith(name, ".gz");
    if (gz)
        name.resize(name.size() - 3);
    LoadedSet set;
    if (endsWith(name, ".csv") || endsWith(name, ".tsv") || endsWith(name, ".data")
        || endsWith(name, ".txt")) {
        CsvOptions csv;
        csv.labelColumn = options.labelColumn.empty() ? "last" : options.labelColumn;
        csv.dropMissing = options.dropMissing;
        csv.dropColumns = options.dropColumns;
        if (endsWith(name, ".tsv"))
            csv.delimiter = '\t';
        set.data = loadCsv(path, csv);
        set.defaultNormalization = "per-feature";
    } else if (endsWith(name, ".npy")) {
        std::string dtype;
        set.data = loadNpy(path, npyLabelsFor(path, options), &dtype);
        if (dtype == "|u1" || dtype == "<u1")
            set.defaultNormalization = "x/255";
        else if (set.data.shape.size() == 1)
            set.defaultNormalization = "per-feature";
    } else if (endsWith(name, ".tra") || endsWith(name, ".tes")) {
        set.data = loadOptdigits(path);
        set.defaultNormalization = "x/16";
    } else if (endsWith(name, ".bin")) {
        set.data = loadCifar10(path);
        set.defaultNormalization = "x/255";
    } else if (gz || endsWith(name, ".idx") || name.find("idx") != std::string::npos
               || name.find("ubyte") != std::string::npos) {
        std::string images = path;
        std::string labels;
        if (name.find("labels-idx1") != std::string::npos
            || name.find("labels.idx1") != std::string::npos) {
            throw Error(path, "this is an IDX labels file: give the images file "
                              "(*images-idx3*) or the folder");
        }
        labels = idxLabelsFor(images); // "" for a file not named like MNIST's: unlabelled
        set.data = loadIdx(images, labels);
        set.defaultNormalization = "x/255";
    } else {
        throw Error(path, "unknown dataset file type (expected .csv/.tsv, .npy, IDX "
                          "(.gz, .idx, *-ubyte), optdigits .tra/.tes, CIFAR-10 .bin, or a "
                          "folder of IDX files or CIFAR-10 batches)");
    }
    return set;
}

} // namespace frontier::data
