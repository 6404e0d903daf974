#pragma once

// Helpers shared by the data suites: files crafted in a temporary folder and checks on
// the text of frontier::Error messages.

#include "common/error.h"

#include <QFile>
#include <QString>
#include <QStringList>
#include <QtTest>

#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::test {

inline void writeBytes(const QString &path, const std::vector<uint8_t> &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(reinterpret_cast<const char *>(bytes.data()), qint64(bytes.size())),
             qint64(bytes.size()));
}

inline void writeText(const QString &path, const std::string &text)
{
    writeBytes(path, std::vector<uint8_t>(text.begin(), text.end()));
}

inline void writeGzip(const QString &path, const std::vector<uint8_t> &bytes)
{
    gzFile f = gzopen(path.toLocal8Bit().constData(), "wb");
    QVERIFY(f);
    QCOMPARE(gzwrite(f, bytes.data(), unsigned(bytes.size())), int(bytes.size()));
    gzclose(f);
}

inline std::vector<uint8_t> readBytes(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray data = file.readAll();
    return std::vector<uint8_t>(data.begin(), data.end());
}

// The message of the frontier::Error that f() throws, or "" when it throws none.
template<typename F>
QString errorMessage(F &&f)
{
    try {
        f();
    } catch (const frontier::Error &e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

} // namespace frontier::test

// Verifies that `expr` throws frontier::Error whose message contains every fragment:
//   FRONTIER_VERIFY_ERROR(loadCsv(path), ({"row 3", "column 2"}));
#define FRONTIER_VERIFY_ERROR(expr, fragments)                                                     \
    do {                                                                                           \
        const QString message_ = frontier::test::errorMessage([&] { (void)(expr); });              \
        QVERIFY2(!message_.isEmpty(), "no frontier::Error from " #expr);                           \
        for (const QString &fragment_ : QStringList fragments) {                                   \
            QVERIFY2(message_.contains(fragment_),                                                 \
                     qPrintable(                                                                   \
                         QStringLiteral("message \"%1\" lacks \"%2\"").arg(message_, fragment_))); \
        }                                                                                          \
    } while (false)
