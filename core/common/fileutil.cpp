#include "fileutil.h"

#include "error.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <zlib.h>

#include <filesystem>

#include <cstring>

namespace frontier {

std::vector<uint8_t> readFileBytes(const std::string &path)
{
    QFile file(QString::fromStdString(path));
    if (!QFileInfo(file).exists())
        throw Error(path, "no such file");
    if (QFileInfo(file).isDir())
        throw Error(path, "is a folder, not a file");
    // A FIFO would block forever and a device (/dev/zero) read until memory runs out.
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw Error(path, "not a regular file (a pipe, socket or device); give a file");
    if (!file.open(QIODevice::ReadOnly))
        throw Error(path, "cannot open: " + file.errorString().toStdString());
    const QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        throw Error(path, "read failed: " + file.errorString().toStdString());
    return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

std::vector<uint8_t> readMaybeGzip(const std::string &path)
{
    std::vector<uint8_t> raw = readFileBytes(path);
    if (raw.size() < 2 || raw[0] != 0x1f || raw[1] != 0x8b)
        return raw;

    z_stream zs;
    std::memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        throw Error(path, "cannot initialise gzip decoder");
    std::vector<uint8_t> out;
    out.resize(raw.size() * 4 + 1024);
    zs.next_in = raw.data();
    zs.avail_in = uInt(raw.size());
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        if (zs.total_out == out.size())
            out.resize(out.size() * 2);
        zs.next_out = out.data() + zs.total_out;
        zs.avail_out = uInt(out.size() - zs.total_out);
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc == Z_STREAM_END)
            break;
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
            inflateEnd(&zs);
            throw Error(path, "truncated gzip data");
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            const std::string msg = zs.msg ? zs.msg : "error " + std::to_string(rc);
            inflateEnd(&zs);
            throw Error(path, "corrupt gzip data (" + msg + ")");
        }
    }
    out.resize(zs.total_out);
    const uint64_t end = zs.total_in;
    inflateEnd(&zs);
    // Bytes after the stream are refused rather than ignored: a second member (files
    // concatenated) or garbage would otherwise be silently dropped.
    if (end < raw.size()) {
        const bool member = raw.size() - end >= 2 && raw[end] == 0x1f && raw[end + 1] == 0x8b;
        throw Error(path, (member ? "a second gzip member at byte "
                                  : std::to_string(raw.size() - end)
                                        + " bytes of trailing data after the gzip stream, at "
                                          "byte ")
                              + std::to_string(end)
                              + (member ? " (concatenated gzip files are not read)" : ""));
    }
    return out;
}

void writeFileAtomic(const std::string &path, const void *data, size_t size)
{
    QSaveFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::WriteOnly))
        throw Error(path, "cannot write: " + file.errorString().toStdString());
    const char *p = static_cast<const char *>(data);
    size_t left = size;
    while (left > 0) {
        const qint64 n = file.write(p, qint64(std::min<size_t>(left, size_t(1) << 30)));
        if (n <= 0) {
            file.cancelWriting();
            throw Error(path, "write failed: " + file.errorString().toStdString());
        }
        p += n;
        left -= size_t(n);
    }
    if (!file.commit())
        throw Error(path, "write failed: " + file.errorString().toStdString());
}

std::string sha256Hex(const void *data, size_t size)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QByteArrayView(static_cast<const char *>(data), qsizetype(size)));
    return hash.result().toHex().toStdString();
}

bool fileExists(const std::string &path)
{
    return QFileInfo::exists(QString::fromStdString(path));
}

} // namespace frontier
