#include "data/npy.h"

#include "datatestutil.h"
#include "testutil.h"

#include <QDir>

#include <cmath>
#include <cstring>

using namespace frontier::data;
using frontier::test::readBytes;
using frontier::test::writeBytes;

namespace {

// An NPY file with the given version, header dictionary and raw data bytes.
std::vector<uint8_t> npyFile(int major, const std::string &dict, const std::vector<uint8_t> &data)
{
    std::string header = dict;
    const size_t prefix = major == 1 ? 10 : 12;
    while ((prefix + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', uint8_t(major), 0};
    if (major == 1) {
        out.push_back(uint8_t(header.size() & 0xff));
        out.push_back(uint8_t(header.size() >> 8));
    } else {
        for (int i = 0; i < 4; ++i)
            out.push_back(uint8_t(header.size() >> (8 * i)));
    }
    out.insert(out.end(), header.begin(), header.end());
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

std::string dict(const std::string &descr, const std::string &shape, bool fortran = false)
{
    return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
           + ", 'shape': " + shape + ", }";
}

template<typename T>
std::vector<uint8_t> bytesOf(const std::vector<T> &values)
{
    std::vector<uint8_t> out(values.size() * sizeof(T));
    std::memcpy(out.data(), values.data(), out.size());
    return out;
}

} // namespace

class TestNpy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writeReadFloat32()
    {
        QTemporaryDir tmp;
        const std::string path = tmp.filePath("a.npy").toStdString();
        const std::vector<float> data = {1.5f, -2.0f, 3.25f, 0.0f, 1e-30f, 7.0f};
        writeNpy(path, {2, 3}, data.data());
        const NpyArray a = readNpy(path);
        QCOMPARE(a.shape, (std::vector<int64_t>{2, 3}));
        QCOMPARE(a.data, data);
        QCOMPARE(a.dtype, std::string("<f4"));

        // The format as NumPy writes it: v1.0, data aligned to 64 bytes.
        const std::vector<uint8_t> bytes = readBytes(QString::fromStdString(path));
        QCOMPARE(bytes[6], uint8_t(1));
        QCOMPARE(bytes[7], uint8_t(0));
        const size_t headerLen = bytes[8] | (size_t(bytes[9]) << 8);
        QCOMPARE((10 + headerLen) % 64, size_t(0));
        QCOMPARE(bytes.size(), 10 + headerLen + data.size() * 4);
        const std::string header(bytes.begin() + 10, bytes.begin() + 10 + long(headerLen));
        QVERIFY(header.find("'descr': '<f4'") != std::string::npos);
        QVERIFY(header.find("'shape': (2, 3)") != std::string::npos);
        QCOMPARE(header.back(), '\n');

        // Atomic: nothing but the file is left in the folder.
        QCOMPARE(QDir(tmp.path()).entryList(QDir::Files), QStringList{"a.npy"});
    }

    void shapes_data()
    {
        QTest::addColumn<QList<qlonglong>>("shape");
        QTest::addColumn<QString>("text");
        QTest::newRow("1-D") << QList<qlonglong>{5} << QStringLiteral("(5,)");
        QTest::newRow("scalar") << QList<qlonglong>{} << QStringLiteral("()");
        QTest::newRow("4-D") << QList<qlonglong>{2, 3, 1, 2} << QStringLiteral("(2, 3, 1, 2)");
        QTest::newRow("empty") << QList<qlonglong>{0, 4} << QStringLiteral("(0, 4)");
    }

    void shapes()
    {
        QFETCH(QList<qlonglong>, shape);
        QFETCH(QString, text);
        QTemporaryDir tmp;
        const std::string path = tmp.filePath("s.npy").toStdString();
        std::vector<int64_t> dims(shape.begin(), shape.end());
        int64_t count = 1;
        for (int64_t d : dims)
            count *= d;
        std::vector<float> data(static_cast<size_t>(count));
        for (size_t i = 0; i < data.size(); ++i)
            data[i] = float(i);
        writeNpy(path, dims, data.data());
        const std::vector<uint8_t> bytes = readBytes(QString::fromStdString(path));
        QVERIFY(std::string(bytes.begin(), bytes.end()).find(text.toStdString())
                != std::string::npos);
        const NpyArray a = readNpy(path);
        QCOMPARE(a.shape, dims);
        QCOMPARE(a.data, data);
    }

    void int64Labels()
    {
        QTemporaryDir tmp;
        const std::string path = tmp.filePath("y.npy").toStdString();
        const std::vector<int64_t> labels = {3, 0, 9, 1LL << 40};
        writeNpyInt64(path, labels);
        QCOMPARE(readNpyLabels(path), labels);
        QCOMPARE(readNpy(path).dtype, std::string("<i8"));
        writeNpyInt64(path, {4, 1}, labels.data());
        QCOMPARE(readNpyLabels(path), labels); // (N, 1) is accepted too
    }

    void dtypes_data()
    {
        QTest::addColumn<int>("version");
        QTest::addColumn<QString>("descr");
        QTest::addColumn<QByteArray>("data");
        auto bytes = [](const auto &v) {
            const std::vector<uint8_t> b = bytesOf(v);
            return QByteArray(reinterpret_cast<const char *>(b.data()), qsizetype(b.size()));
        };
        QTest::newRow("float64 v1") << 1 << "<f8" << bytes(std::vector<double>{1, -2, 3.5});
        QTest::newRow("float32 v2") << 2 << "<f4" << bytes(std::vector<float>{1, -2, 3.5});
        QTest::newRow("float32 v3") << 3 << "<f4" << bytes(std::vector<float>{1, -2, 3.5});
        QTest::newRow("int32") << 1 << "<i4" << bytes(std::vector<int32_t>{1, -2, 3});
        QTest::newRow("int64") << 1 << "<i8" << bytes(std::vector<int64_t>{1, -2, 3});
        QTest::newRow("uint8") << 1 << "|u1" << bytes(std::vector<uint8_t>{1, 254, 3});
        QTest::newRow("int8") << 1 << "|i1" << bytes(std::vector<int8_t>{1, -2, 3});
        QTest::newRow("bool") << 1 << "|b1" << bytes(std::vector<uint8_t>{1, 0, 1});
    }

    void dtypes()
    {
        QFETCH(int, version);
        QFETCH(QString, descr);
        QFETCH(QByteArray, data);
        QTemporaryDir tmp;
        const QString path = tmp.filePath("d.npy");
        writeBytes(path, npyFile(version, dict(descr.toStdString(), "(3,)"),
                                 std::vector<uint8_t>(data.begin(), data.end())));
        const NpyArray a = readNpy(path.toStdString());
        QCOMPARE(a.shape, std::vector<int64_t>{3});
        QCOMPARE(a.dtype, descr.toStdString());
        QCOMPARE(a.data.size(), size_t(3));
        QCOMPARE(a.data[0], 1.0f);
        if (descr == "|u1")
            QCOMPARE(a.data[1], 254.0f);
        else if (descr == "|b1")
            QCOMPARE(a.data[1], 0.0f);
        else
            QCOMPARE(a.data[1], -2.0f);
        // Signed integer arrays also read as labels.
        if (descr == "<i4" || descr == "<i8" || descr == "|i1") {
            QCOMPARE(readNpyLabels(path.toStdString()), (std::vector<int64_t>{1, -2, 3}));
        }
    }

    void corrupt_data()
    {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<QStringList>("fragments");
        auto raw = [](const std::vector<uint8_t> &v) {
            return QByteArray(reinterpret_cast<const char *>(v.data()), qsizetype(v.size()));
        };
        const std::vector<uint8_t> six = bytesOf(std::vector<float>{1, 2, 3, 4, 5, 6});
        QTest::newRow("bad magic")
            << QByteArray("PK\x03\x04 this is a zip") << QStringList{"not an NPY file"};
        std::vector<uint8_t> v4 = npyFile(1, dict("<f4", "(6,)"), six);
        v4[6] = 4;
        QTest::newRow("version 4") << raw(v4) << QStringList{"unsupported NPY format version 4.0"};
        std::vector<uint8_t> longHeader = npyFile(1, dict("<f4", "(6,)"), {});
        longHeader[9] = 0x7f;
        QTest::newRow("header length beyond the file")
            << raw(longHeader) << QStringList{"truncated NPY header"};
        QTest::newRow("not a dict") << raw(npyFile(1, "['descr', '<f4']", six))
                                    << QStringList{"bad NPY header", "expected '{'"};
        QTest::newRow("unterminated") << raw(npyFile(1, "{'descr': '<f4", six))
                                      << QStringList{"bad NPY header", "unterminated string"};
        QTest::newRow("no shape") << raw(
            npyFile(1, "{'descr': '<f4', 'fortran_order': False}", six))
                                  << QStringList{"no 'shape' key"};
        QTest::newRow("extra key") << raw(
            npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'x': 1}", six))
                                   << QStringList{"bad NPY header"};
        QTest::newRow("shape not a tuple")
            << raw(npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': 'six'}", six))
            << QStringList{"'shape' is not a tuple"};
        QTest::newRow("negative dimension")
            << raw(npyFile(1, dict("<f4", "(-6,)"), six)) << QStringList{"negative dimension"};
        QTest::newRow("fortran order") << raw(npyFile(1, dict("<f4", "(2, 3)", true), six))
                                       << QStringList{"Fortran-order", "not supported"};
        QTest::newRow("big-endian")
            << raw(npyFile(1, dict(">f4", "(6,)"), six)) << QStringList{"big-endian dtype '>f4'"};
        QTest::newRow("float16") << raw(npyFile(1, dict("<f2", "(12,)"), six))
                                 << QStringList{"unsupported dtype '<f2'"};
        QTest::newRow("complex") << raw(npyFile(1, dict("<c8", "(3,)"), six))
                                 << QStringList{"unsupported dtype '<c8'"};
        QTest::newRow("structured") << raw(
            npyFile(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,)}", six))
                                    << QStringList{"structured dtype"};
        QTest::newRow("truncated data")
            << raw(npyFile(1, dict("<f4", "(7,)"), six))
            << QStringList{"truncated NPY data", "needs 28 bytes", "has 24"};
        QTest::newRow("trailing data")
            << raw(npyFile(1, dict("<f4", "(5,)"), six)) << QStringList{"4 bytes after the data"};
        QTest::newRow("empty file") << QByteArray() << QStringList{"not an NPY file"};
    }

    void corrupt()
    {
        QFETCH(QByteArray, file);
        QFETCH(QStringList, fragments);
        QTemporaryDir tmp;
        const QString path = tmp.filePath("bad.npy");
        writeBytes(path, std::vector<uint8_t>(file.begin(), file.end()));
        fragments << path;
        FRONTIER_VERIFY_ERROR(readNpy(path.toStdString()), (fragments));
        FRONTIER_VERIFY_ERROR(readNpyLabels(path.toStdString()), (fragments));
        FRONTIER_VERIFY_ERROR(loadNpy(path.toStdString()), (fragments));
    }

    void badLabels()
    {
        QTemporaryDir tmp;
        const QString fractional = tmp.filePath("f.npy");
        writeBytes(fractional,
                   npyFile(1, dict("<f4", "(2,)"), bytesOf(std::vector<float>{1, 2.5f})));
        FRONTIER_VERIFY_ERROR(readNpyLabels(fractional.toStdString()),
                              ({fractional, "label 1 is not a whole number"}));
        const QString matrix = tmp.filePath("m.npy");
        writeNpyInt64(matrix.toStdString(), {2, 2}, std::vector<int64_t>{1, 2, 3, 4}.data());
        FRONTIER_VERIFY_ERROR(readNpyLabels(matrix.toStdString()),
                              ({matrix, "1-D array", "(2, 2)"}));
    }

    void dataset_data()
    {
        QTest::addColumn<QList<qlonglong>>("shape");
        QTest::addColumn<QList<int>>("sampleShape");
        QTest::newRow("images NHW") << QList<qlonglong>{4, 2, 3} << QList<int>{1, 2, 3};
        QTest::newRow("images NCHW") << QList<qlonglong>{4, 3, 2, 2} << QList<int>{3, 2, 2};
        QTest::newRow("tabular") << QList<qlonglong>{4, 5} << QList<int>{5};
        QTest::newRow("scalars") << QList<qlonglong>{4} << QList<int>{1};
    }

    void dataset()
    {
        QFETCH(QList<qlonglong>, shape);
        QFETCH(QList<int>, sampleShape);
        QTemporaryDir tmp;
        const std::string x = tmp.filePath("x.npy").toStdString();
        const std::string y = tmp.filePath("y.npy").toStdString();
        std::vector<int64_t> dims(shape.begin(), shape.end());
        int64_t count = 1;
        for (int64_t d : dims)
            count *= d;
        std::vector<float> data(static_cast<size_t>(count), 0.5f);
        writeNpy(x, dims, data.data());
        writeNpyInt64(y, {2, 0, 2, 1});
        std::string dtype;
        const Dataset d = loadNpy(x, y, &dtype);
        QCOMPARE(dtype, std::string("<f4"));
        QCOMPARE(d.size(), 4);
        QCOMPARE(d.shape, std::vector<int>(sampleShape.begin(), sampleShape.end()));
        QCOMPARE(d.y, (std::vector<int>{2, 0, 2, 1}));
        QCOMPARE(d.classNames, (std::vector<std::string>{"0", "1", "2"}));
        QCOMPARE(d.contentHash.size(), size_t(64));
        QVERIFY(loadNpy(x).contentHash != d.contentHash); // the labels are part of the hash
        QVERIFY(!loadNpy(x).hasLabels());
    }

    void datasetErrors()
    {
        QTemporaryDir tmp;
        const std::string x = tmp.filePath("x.npy").toStdString();
        const std::string y = tmp.filePath("y.npy").toStdString();
        std::vector<float> data = {1, 2, 3, 4, 5, 6};
        writeNpy(x, {3, 2}, data.data());
        writeNpyInt64(y, {0, 1});
        FRONTIER_VERIFY_ERROR(loadNpy(x, y),
                              ({QString::fromStdString(y), "has 2 labels", "has 3 samples"}));
        writeNpyInt64(y, {0, -1, 1});
        FRONTIER_VERIFY_ERROR(loadNpy(x, y), ({QString::fromStdString(y), "label 1 is -1"}));
        data[3] = std::nanf("");
        writeNpy(x, {3, 2}, data.data());
        FRONTIER_VERIFY_ERROR(
            loadNpy(x), ({QString::fromStdString(x), "element 3 (sample 1)", "not a finite"}));
        writeNpy(x, {}, data.data());
        FRONTIER_VERIFY_ERROR(loadNpy(x), ({"expected samples of shape (N, ...)"}));
    }

    void writeErrors()
    {
        const float v = 1;
        FRONTIER_VERIFY_ERROR(writeNpy("/nonexistent-dir/a.npy", {1}, &v),
                              ({"/nonexistent-dir/a.npy", "cannot write"}));
        QTemporaryDir tmp;
        FRONTIER_VERIFY_ERROR(writeNpy(tmp.filePath("n.npy").toStdString(), {-1}, &v),
                              ({"negative dimension"}));
    }
};

QTEST_GUILESS_MAIN(TestNpy)
#include "tst_npy.moc"
