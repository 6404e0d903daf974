#include "data/glyphs.h"
#include "data/synthdigits.h"

#include "common/parallel.h"

#include "datatestutil.h"
#include "testutil.h"

#include <QElapsedTimer>

#include <cmath>

using namespace frontier::data;

namespace {

// SHA-256 of generateSynthDigits() (12,000 samples, seed 1). A change here means the
// generator's output changed: every stored result on synth-digits becomes stale, so
// update it only on purpose (and say so in the change log).
const char kGoldenSeed1[] = "f7545bba0c8a9c4b00b83f03f07f9a3baf56756c032a64a8804262e70ad23f85";

} // namespace

class TestSynthDigits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void goldenHash()
    {
        const Dataset d = generateSynthDigits();
        QCOMPARE(d.size(), 12000);
        QCOMPARE(d.contentHash, std::string(kGoldenSeed1));
        QCOMPARE(d.name, std::string("synth-digits"));
        QCOMPARE(d.source, std::string("synth-digits(samples=12000, seed=1)"));
        QCOMPARE(d.shape, (std::vector<int>{1, 28, 28}));
        QCOMPARE(d.classNames.size(), size_t(10));
    }

    void deterministic()
    {
        const SynthDigitsImages a = renderSynthDigits(1500, 42);
        const SynthDigitsImages b = renderSynthDigits(1500, 42);
        QVERIFY(a.pixels == b.pixels);
        QVERIFY(a.labels == b.labels);
        QCOMPARE(generateSynthDigits(1500, 42).contentHash,
                 generateSynthDigits(1500, 42).contentHash);
    }

    void seedMatters()
    {
        const SynthDigitsImages a = renderSynthDigits(600, 1);
        const SynthDigitsImages b = renderSynthDigits(600, 2);
        QVERIFY(a.pixels != b.pixels);
        QVERIFY(generateSynthDigits(600, 1).contentHash != generateSynthDigits(600, 2).contentHash);
    }

    void independentOfThreads()
    {
        // Serial twin, default thread count and a single thread agree to the byte.
        const SynthDigitsImages parallel = renderSynthDigits(1234, 9);
        const SynthDigitsImages serial = renderSynthDigitsSerial(1234, 9);
        QVERIFY(parallel.pixels == serial.pixels);
        QVERIFY(parallel.labels == serial.labels);
        frontier::ThreadLimit one(1);
        const SynthDigitsImages single = renderSynthDigits(1234, 9);
        QVERIFY(single.pixels == serial.pixels);
    }

    void classBalance_data()
    {
        QTest::addColumn<int>("samples");
        QTest::newRow("12000") << 12000;
        QTest::newRow("1005") << 1005;
        QTest::newRow("7") << 7;
    }

    void classBalance()
    {
        QFETCH(int, samples);
        const Dataset d = generateSynthDigits(samples, 3);
        QCOMPARE(d.size(), samples);
        const std::vector<int> counts = d.classCounts();
        for (int c = 0; c < 10; ++c) {
            const int expected = samples / 10 + (c < samples % 10 ? 1 : 0);
            QCOMPARE(counts[size_t(c)], expected);
        }
        // Shuffled, not in class order.
        if (samples >= 100) {
            int runs = 0;
            for (int i = 1; i < samples; ++i)
                runs += d.y[size_t(i)] == (d.y[size_t(i - 1)] + 1) % 10;
            QVERIFY(runs < samples / 4);
        }
    }

    void pixelRange()
    {
        const Dataset d = generateSynthDigits(2000, 5);
        double sum = 0;
        for (float v : d.x) {
            QVERIFY(v >= 0.0f && v <= 255.0f);
            QCOMPARE(v, std::floor(v)); // 8-bit values stored as float, like MNIST
            sum += v;
        }
        const double mean = sum / double(d.x.size());
        QVERIFY2(mean > 10 && mean < 60, qPrintable(QString::number(mean)));
        for (int i = 0; i < d.size(); ++i) {
            const float *s = d.sample(i);
            const float peak = *std::max_element(s, s + d.sampleSize());
            QVERIFY2(peak >= 128.0f, qPrintable(QStringLiteral("sample %1 has no ink").arg(i)));
            // Ink stays near the centre: the border rows are mostly background.
            double border = 0;
            for (int k = 0; k < 28; ++k)
                border += s[k] + s[27 * 28 + k];
            QVERIFY(border / 56.0 < 100.0);
        }
    }

    void notTrivial()
    {
        // A nearest-class-mean classifier: well above chance, well below perfect.
        const Dataset d = generateSynthDigits(4000, 11);
        std::vector<double> centre(10 * 784, 0.0);
        std::vector<int> n(10, 0);
        for (int i = 0; i < 2000; ++i) {
            for (int j = 0; j < 784; ++j)
                centre[size_t(d.y[size_t(i)] * 784 + j)] += d.sample(i)[j];
            ++n[size_t(d.y[size_t(i)])];
        }
        for (int c = 0; c < 10; ++c) {
            for (int j = 0; j < 784; ++j)
                centre[size_t(c * 784 + j)] /= n[size_t(c)];
        }
        int correct = 0;
        for (int i = 2000; i < 4000; ++i) {
            int best = 0;
            double bestDistance = INFINITY;
            for (int c = 0; c < 10; ++c) {
                double distance = 0;
                for (int j = 0; j < 784; ++j) {
                    const double e = d.sample(i)[j] - centre[size_t(c * 784 + j)];
                    distance += e * e;
                }
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = c;
                }
            }
            correct += best == d.y[size_t(i)];
        }
        const double accuracy = correct / 2000.0;
        QVERIFY2(accuracy > 0.4 && accuracy < 0.85, qPrintable(QString::number(accuracy)));
    }

    void fast()
    {
        QElapsedTimer timer;
        timer.start();
        const SynthDigitsImages images = renderSynthDigits(10000, 1);
        const qint64 ms = timer.elapsed();
        qInfo("synth-digits: 10,000 images in %lld ms", ms);
        QCOMPARE(images.labels.size(), size_t(10000));
        QVERIFY2(ms < 5000, "far slower than expected (budget: well under 1 s)");
    }

    void badCount()
    {
        FRONTIER_VERIFY_ERROR(generateSynthDigits(0, 1), ({"synth-digits", "number of samples"}));
        FRONTIER_VERIFY_ERROR(generateSynthDigits(-5, 1), ({"got -5"}));
    }

    void sinCos()
    {
        // The generator's own sine and cosine agree with libm to ~1e-15.
        for (double deg = -1000.0; deg <= 1000.0; deg += 0.37) {
            double s, c;
            synth::sinCosDeg(deg, s, c);
            const double rad = deg * M_PI / 180.0;
            QVERIFY2(std::abs(s - std::sin(rad)) < 1e-13, qPrintable(QString::number(deg)));
            QVERIFY2(std::abs(c - std::cos(rad)) < 1e-13, qPrintable(QString::number(deg)));
        }
    }

    void glyphs()
    {
        frontier::Random rng(1);
        for (int digit = 0; digit < 10; ++digit) {
            QVERIFY(synth::glyphVariants(digit) >= 2);
            for (int v = 0; v < synth::glyphVariants(digit); ++v) {
                const std::vector<synth::Polyline> lines = synth::glyphStrokes(digit, v, 0.0, rng);
                QVERIFY(!lines.empty());
                for (const synth::Polyline &line : lines) {
                    QVERIFY(line.size() >= 2);
                    for (const synth::Point &p : line)
                        QVERIFY(p.x > -0.1 && p.x < 1.1 && p.y > -0.1 && p.y < 1.1);
                }
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestSynthDigits)
#include "tst_synthdigits.moc"
