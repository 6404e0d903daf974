#include "data/dataset.h"

#include "common/error.h"

#include "testutil.h"

using frontier::Error;
using frontier::data::Dataset;

class TestDataset : public QObject
{
    Q_OBJECT

private:
    static Dataset tiny()
    {
        Dataset d;
        d.name = "tiny";
        d.shape = {1, 2, 2};
        d.classNames = {"a", "b", "c"};
        for (int i = 0; i < 5; ++i) {
            for (int j = 0; j < 4; ++j)
                d.x.push_back(float(10 * i + j));
            d.y.push_back(i % 3);
        }
        return d;
    }

private Q_SLOTS:
    void sizes()
    {
        const Dataset d = tiny();
        QCOMPARE(d.size(), 5);
        QCOMPARE(d.sampleSize(), int64_t(4));
        QCOMPARE(d.numClasses(), 3);
        QVERIFY(d.isImage());
        QVERIFY(d.hasLabels());
        QCOMPARE(d.sample(3)[1], 31.0f);
        QCOMPARE(Dataset().size(), 0);
        QCOMPARE(Dataset().sampleSize(), int64_t(0));
    }

    void classCounts()
    {
        const std::vector<int> expected = {2, 2, 1};
        QCOMPARE(tiny().classCounts(), expected);
    }

    void subsetKeepsOrderAndMetadata()
    {
        const Dataset d = tiny();
        const Dataset s = d.subset({4, 0, 4});
        QCOMPARE(s.size(), 3);
        QCOMPARE(s.shape, d.shape);
        QCOMPARE(s.classNames, d.classNames);
        QCOMPARE(s.name, d.name);
        QCOMPARE(s.sample(0)[0], 40.0f);
        QCOMPARE(s.sample(1)[3], 3.0f);
        QCOMPARE(s.y, (std::vector<int>{1, 0, 1}));
        QCOMPARE(d.subset({}).size(), 0);
    }

    void subsetOutOfRange()
    {
        try {
            (void)tiny().subset({0, 5});
            QFAIL("no error");
        } catch (const Error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("index 5 out of range")),
                     e.what());
        }
    }

    void append()
    {
        Dataset d = tiny();
        d.append(tiny());
        QCOMPARE(d.size(), 10);
        QCOMPARE(d.y.size(), size_t(10));
        QCOMPARE(d.sample(9)[0], 40.0f);
        Dataset other = tiny();
        other.shape = {4};
        QVERIFY_THROWS_EXCEPTION(Error, d.append(other));
        Dataset empty;
        empty.append(tiny());
        QCOMPARE(empty.shape, tiny().shape);
        QCOMPARE(empty.classNames, tiny().classNames);
    }
};

QTEST_GUILESS_MAIN(TestDataset)
#include "tst_dataset.moc"
