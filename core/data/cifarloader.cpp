#include "cifarloader.h"

#include "contenthash.h"

#include "common/error.h"
#include "common/fileutil.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <map>

namespace frontier::data {

namespace {

constexpr size_t kPixels = 3 * 32 * 32;
constexpr size_t kRecord = 1 + kPixels;

} // namespace

const std::vector<std::string> &cifar10ClassNames()
{
    static const std::vector<std::string> names = {
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
    return names;
}

Dataset loadCifar10(const std::vector<std::string> &paths)
{
    Dataset set;
    set.shape = {3, 32, 32};
    set.classNames = cifar10ClassNames();
    ContentHash hash;
    for (const std::string &path : paths) {
        const std::vector<uint8_t> bytes = readMaybeGzip(path);
        if (bytes.empty())
            throw Error(path, "empty file (expected CIFAR-10 records of 3073 bytes)");
        if (bytes.size() % kRecord != 0) {
            throw Error(path, "size " + std::to_string(bytes.size())
                                  + " bytes is not a multiple of the 3073-byte CIFAR-10 record "
                                    "(1 label + 3072 pixels): truncated or not a CIFAR-10 "
                                    "binary batch ("
                                  + std::to_string(bytes.size() % kRecord) + " bytes left over)");
        }
        const size_t records = bytes.size() / kRecord;
        set.x.reserve(set.x.size() + records * kPixels);
        for (size_t r = 0; r < records; ++r) {
            const uint8_t *p = bytes.data() + r * kRecord;
            if (p[0] > 9) {
                throw Error(path, "record " + std::to_string(r) + " (byte offset "
                                      + std::to_string(r * kRecord) + "): label "
                                      + std::to_string(p[0]) + " is outside 0..9");
            }
            set.y.push_back(p[0]);
            set.x.insert(set.x.end(), p + 1, p + kRecord);
        }
        hash.add(bytes.data(), bytes.size());
        set.source += (set.source.empty() ? "" : " + ") + path;
    }
    if (!paths.empty())
        set.name = QFileInfo(QString::fromStdString(paths.front())).fileName().toStdString();
    set.contentHash = hash.hex();
    return set;
}

Dataset loadCifar10(const std::string &path)
{
    return loadCifar10(std::vector<std::string>{path});
}

CifarFiles findCifar10Files(const std::string &folder)
{
    const QDir dir(QString::fromStdString(folder));
    if (!dir.exists())
        throw Error(folder, "no such folder");
    static const QRegularExpression batch(QStringLiteral("^data_batch_(\\d+)\\.bin(\\.gz)?$"));
    std::map<int, std::string> train; // batch number -> path (a raw file beats a .gz copy)
    CifarFiles files;
    for (const QString &name : dir.entryList(QDir::Files, QDir::Name)) {
        const QRegularExpressionMatch m = batch.match(name);
        if (m.hasMatch()) {
            const int index = m.captured(1).toInt();
            if (!train.count(index) || m.captured(2).isEmpty())
                train[index] = dir.filePath(name).toStdString();
        } else if (name == QLatin1String("test_batch.bin")
                   || (name == QLatin1String("test_batch.bin.gz") && files.test.empty())) {
            files.test = dir.filePath(name).toStdString();
        }
    }
    for (const auto &[index, path] : train)
        files.train.push_back(path);
    if (files.train.empty() && files.test.empty()) {
        throw Error(folder, "no CIFAR-10 binary batches (data_batch_*.bin, test_batch.bin) in "
                            "this folder");
    }
    return files;
}

} // namespace frontier::data
