#include "idxloader.h"

#include "contenthash.h"

#include "common/error.h"
#include "common/fileutil.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>
#include <cstdio>

namespace frontier::data {

namespace {

constexpr int kImagesMagic = 2051;
constexpr int kLabelsMagic = 2049;

uint32_t bigEndian32(const uint8_t *p)
{
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

std::string hex32(uint32_t v)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

// Validates the header and the size; returns the dimensions.
std::vector<int64_t> parseHeader(const std::string &path, const std::vector<uint8_t> &bytes,
                                 int expectedMagic, const char *what)
{
    const int ndims = expectedMagic == kImagesMagic ? 3 : 1;
    if (bytes.size() < 4) {
        throw Error(path, "not an IDX " + std::string(what) + " file: only "
                              + std::to_string(bytes.size()) + " bytes");
    }
    const uint32_t magic = bigEndian32(bytes.data());
    if (magic != uint32_t(expectedMagic)) {
        std::string problem = "bad magic number " + hex32(magic) + " (expected "
                              + std::to_string(expectedMagic) + " = " + hex32(expectedMagic)
                              + " for IDX " + what + ")";
        if (magic == uint32_t(kImagesMagic) || magic == uint32_t(kLabelsMagic))
            problem += "; images and labels files swapped?";
        else if ((magic >> 8) == 0x08 && int(magic & 0xff) != ndims)
            problem += "; the file has " + std::to_string(magic & 0xff) + " dimensions";
        else if ((magic >> 16) == 0 && ((magic >> 8) & 0xff) != 0x08)
            problem += "; only unsigned-byte data (type 0x08) is supported";
        throw Error(path, problem);
    }
    const size_t headerSize = 4 + 4 * size_t(ndims);
    if (bytes.size() < headerSize) {
        throw Error(path, "truncated IDX header: " + std::to_string(bytes.size())
                              + " bytes, expected at least " + std::to_string(headerSize));
    }
    std::vector<int64_t> dims;
    for (int i = 0; i < ndims; ++i) {
        const uint32_t d = bigEndian32(bytes.data() + 4 + 4 * i);
        if (d == 0 || d > 0x7fffffffu) {
            throw Error(path, "bad IDX dimension " + std::to_string(i) + ": " + std::to_string(d));
        }
        dims.push_back(int64_t(d));
    }
    if (ndims == 3 && dims[1] * dims[2] > (int64_t(1) << 24)) {
        throw Error(path, "implausible image size " + std::to_string(dims[1]) + "x"
                              + std::to_string(dims[2]));
    }
    int64_t payload = 1;
    for (int64_t d : dims)
        payload *= d;
    const int64_t expected = int64_t(headerSize) + payload;
    const int64_t actual = int64_t(bytes.size());
    if (actual < expected) {
        throw Error(path, "truncated IDX data: " + std::to_string(actual) + " bytes, header ("
                              + std::to_string(dims[0]) + " items) needs "
                              + std::to_string(expected));
    }
    if (actual > expected) {
        throw Error(path, "IDX file has " + std::to_string(actual - expected) + " bytes after the "
                              + std::to_string(dims[0]) + " items its header declares");
    }
    return dims;
}

std::vector<std::string> digitNames(int n)
{
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i)
        names.push_back(std::to_string(i));
    return names;
}

} // namespace

Dataset loadIdx(const std::string &imagesPath, const std::string &labelsPath, int numClasses)
{
    if (numClasses < 1 || numClasses > 256)
        throw Error(labelsPath, "number of classes must be 1..256");
    const std::vector<uint8_t> images = readMaybeGzip(imagesPath);
    const std::vector<int64_t> dims = parseHeader(imagesPath, images, kImagesMagic, "images");

    Dataset set;
    set.name = QFileInfo(QString::fromStdString(imagesPath)).fileName().toStdString();
    set.source = imagesPath;
    set.shape = {1, int(dims[1]), int(dims[2])};
    const uint8_t *pixels = images.data() + 16;
    set.x.assign(pixels, pixels + (images.size() - 16));

    ContentHash hash;
    hash.add(images.data(), images.size());
    if (!labelsPath.empty()) {
        const std::vector<uint8_t> labels = readMaybeGzip(labelsPath);
        const std::vector<int64_t> ldims = parseHeader(labelsPath, labels, kLabelsMagic, "labels");
        if (ldims[0] != dims[0]) {
            throw Error(labelsPath, "has " + std::to_string(ldims[0]) + " labels but " + imagesPath
                                        + " has " + std::to_string(dims[0]) + " images");
        }
        set.y.resize(size_t(ldims[0]));
        for (int64_t i = 0; i < ldims[0]; ++i) {
            const int label = labels[size_t(8 + i)];
            if (label >= numClasses) {
                throw Error(labelsPath, "label " + std::to_string(label) + " of item "
                                            + std::to_string(i) + " (byte offset "
                                            + std::to_string(8 + i) + ") is out of range 0.."
                                            + std::to_string(numClasses - 1));
            }
            set.y[size_t(i)] = label;
        }
        hash.add(labels.data(), labels.size());
        set.source += " + " + labelsPath;
        set.classNames = digitNames(numClasses);
    }
    set.contentHash = hash.hex();
    return set;
}

std::string idxLabelsFor(const std::string &imagesPath)
{
    const QFileInfo info(QString::fromStdString(imagesPath));
    const QString imagesName = info.fileName();
    static const QRegularExpression pattern(QStringLiteral("images([-._])idx3"),
                                            QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = pattern.match(imagesName);
    if (!m.hasMatch())
        return {};
    QString name = imagesName;
    name.replace(m.capturedStart(), m.capturedLength(),
                 QStringLiteral("labels") + m.captured(1) + QStringLiteral("idx1"));
    const QString alt
        = name.endsWith(QLatin1String(".gz")) ? name.chopped(3) : name + QLatin1String(".gz");
    for (const QString &candidate : {name, alt}) {
        if (QFileInfo(info.dir().filePath(candidate)).isFile())
            return info.dir().filePath(candidate).toStdString();
    }
    throw Error(imagesPath,
                "no labels file " + name.toStdString() + " beside this IDX images file");
}

std::vector<IdxPair> findIdxPairs(const std::string &folder)
{
    const QDir dir(QString::fromStdString(folder));
    if (!dir.exists())
        throw Error(folder, "no such folder");
    static const QRegularExpression pattern(QStringLiteral("images[-._]idx3"),
                                            QRegularExpression::CaseInsensitiveOption);
    std::vector<IdxPair> pairs;
    for (const QString &file : dir.entryList(QDir::Files, QDir::Name)) {
        const QRegularExpressionMatch m = pattern.match(file);
        if (!m.hasMatch())
            continue;
        QString prefix = file.left(m.capturedStart());
        while (prefix.endsWith(QLatin1Char('-')) || prefix.endsWith(QLatin1Char('_'))
               || prefix.endsWith(QLatin1Char('.')))
            prefix.chop(1);
        // A raw and a gzip copy of the same images: keep the first (the raw one).
        const std::string p = prefix.toStdString();
        if (std::any_of(pairs.begin(), pairs.end(),
                        [&](const IdxPair &q) { return q.prefix == p; }))
            continue;
        const std::string images = dir.filePath(file).toStdString();
        pairs.push_back({p, images, idxLabelsFor(images)});
    }
    if (pairs.empty())
        throw Error(folder, "no IDX images file (*images-idx3*, *images.idx3*) in this folder");
    std::stable_sort(pairs.begin(), pairs.end(), [](const IdxPair &a, const IdxPair &b) {
        const bool at = a.prefix == "train";
        const bool bt = b.prefix == "train";
        if (at != bt)
            return at;
        return a.prefix < b.prefix;
    });
    return pairs;
}

Dataset loadIdxFolder(const std::string &folder, int numClasses)
{
    Dataset all;
    std::string partHashes;
    const std::vector<IdxPair> pairs = findIdxPairs(folder);
    for (const IdxPair &pair : pairs) {
        const Dataset part = loadIdx(pair.images, pair.labels, numClasses);
        partHashes += part.contentHash;
        all.append(part);
        all.source += (all.source.empty() ? "" : "; ") + part.source;
        all.contentHash = part.contentHash;
    }
    all.name = QFileInfo(QString::fromStdString(folder)).fileName().toStdString();
    if (pairs.size() > 1)
        all.contentHash = sha256Hex(partHashes.data(), partHashes.size());
    return all;
}

} // namespace frontier::data
