// frontier bench — FP32 inference throughput of the parallel engine beside its serial
// twin and this machine's GEMM peak, measured in one run.

#include "cli.h"
#include "commands.h"

#include "common/error.h"
#include "common/parallel.h"
#include "common/random.h"
#include "model/engine.h"
#include "model/modelfile.h"
#include "model/onnx/onnximport.h"
#include "model/recipes.h"
#include "model/stats.h"

#include "model/layers/eigen.h"
#include <tbb/parallel_for.h>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <thread>

namespace frontier::cli {

namespace {

// Median seconds of `fn` over repetitions lasting at least `minSeconds` (and at least
// 3 repetitions), after one warm-up call.
double medianSeconds(const std::function<void()> &fn, double minSeconds)
{
    fn();
    std::vector<double> times;
    QElapsedTimer total;
    total.start();
    while (times.size() < 3 || total.nsecsElapsed() * 1e-9 < minSeconds) {
        QElapsedTimer t;
        t.start();
        fn();
        times.push_back(double(t.nsecsElapsed()) * 1e-9);
        if (times.size() >= 1000)
            break;
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

// GFLOP/s of single-precision GEMM (Eigen, 1024^3) on `threads` threads, each
// multiplying its own matrices: the machine's practical FP32 peak for this build.
double gemmPeakGflops(int threads, double minSeconds)
{
    const int n = 1024;
    std::vector<Eigen::MatrixXf> a(static_cast<size_t>(threads)), b(a.size()), c(a.size());
    for (int t = 0; t < threads; ++t) {
        a[size_t(t)] = Eigen::MatrixXf::Random(n, n);
        b[size_t(t)] = Eigen::MatrixXf::Random(n, n);
        c[size_t(t)] = Eigen::MatrixXf::Zero(n, n);
    }
    const ThreadLimit limit(threads);
    const double seconds = medianSeconds(
        [&] {
            tbb::parallel_for(0, threads, [&](int t) {
                c[size_t(t)].noalias() = a[size_t(t)] * b[size_t(t)];
            });
        },
        minSeconds);
    return 2.0 * double(n) * n * n * threads / seconds * 1e-9;
}

struct Result
{
    QString model;
    QString engine;
    int threads = 1;
    int batch = 0;
    double samplesPerS = 0;
    double gflops = 0;
    double peakFraction = 0;
};

int64_t macsPerSample(const model::Model &m)
{
    return model::layerTotals(model::layerTable(m)).macs;
}

} // namespace

int runBench(const QStringList &args)
{
    CommandParser p(QStringLiteral("bench"),
                    QStringLiteral("FP32 inference throughput of the mlp (784-256-128-10) and "
                                   "lenet recipes on MNIST-shaped input, or of --model: the "
                                   "serial twin and the parallel engine in the same run, with "
                                   "this machine's GEMM peak."));
    p.addOption(QStringLiteral("model"),
                QStringLiteral("benchmark this .fmodel or .onnx file instead"),
                QStringLiteral("FILE"));
    p.addOption(QStringLiteral("batch"), QStringLiteral("samples per call"), QStringLiteral("B"),
                QStringLiteral("256"));
    p.addOption(QStringLiteral("seconds"), QStringLiteral("minimum time per measurement"),
                QStringLiteral("S"), QStringLiteral("1.0"));
    p.addOption(QStringLiteral("threads"),
                QStringLiteral("only the parallel engine on this many threads (no serial twin)"),
                QStringLiteral("T"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print one JSON object"));
    if (!p.parse(args))
        return ExitOk;
    p.requirePositional(0, {});
    const int batch = p.intValue(QStringLiteral("batch"), 1, 1 << 20);
    const double minSeconds = p.doubleValue(QStringLiteral("seconds"), 0.01, 600);
    const int cores = std::max(1, int(std::thread::hardware_concurrency()));

    std::vector<std::pair<QString, model::Model>> models;
    if (p.isSet(QStringLiteral("model"))) {
        const QString path = p.value(QStringLiteral("model"));
        models.emplace_back(path, model::loadAnyModel(path.toStdString()));
    } else {
        for (const char *recipe : {"mlp", "lenet"}) {
            model::Model m = model::makeRecipe(recipe, {1, 28, 28}, 10);
            m.initialize(1);
            models.emplace_back(QString::fromLatin1(recipe), std::move(m));
        }
    }

    const bool onlyThreads = p.isSet(QStringLiteral("threads"));
    std::vector<int> threadCounts = {1};
    if (onlyThreads)
        threadCounts = {p.intValue(QStringLiteral("threads"), 1, 1024)};
    else if (cores > 1)
        threadCounts.push_back(cores);
    std::vector<double> peak(size_t(std::max(cores, threadCounts.back()) + 1), 0.0);
    for (int t : threadCounts)
        peak[size_t(t)] = gemmPeakGflops(t, minSeconds);

    std::vector<Result> results;
    for (const auto &[name, m] : models) {
        const int64_t macs = macsPerSample(m);
        const int64_t inputSize = model::numel(m.inputShape);
        std::vector<float> x(size_t(inputSize * batch));
        Random rng(7);
        for (float &v : x)
            v = rng.uniformF();
        const model::Engine engine(m);

        auto add = [&](const QString &engineName, int threads, double seconds) {
            Result r;
            r.model = name;
            r.engine = engineName;
            r.threads = threads;
            r.batch = batch;
            r.samplesPerS = batch / seconds;
            r.gflops = 2.0 * double(macs) * r.samplesPerS * 1e-9;
            r.peakFraction = peak[size_t(threads)] > 0 ? r.gflops / peak[size_t(threads)] : 0;
            results.push_back(r);
        };
        if (!onlyThreads) {
            add(QStringLiteral("serial"), 1,
                medianSeconds([&] { engine.runSerial(x.data(), batch); }, minSeconds));
        }
        for (int t : threadCounts) {
            const ThreadLimit limit(t);
            add(QStringLiteral("parallel"), t,
                medianSeconds([&] { engine.run(x.data(), batch); }, minSeconds));
        }
    }

    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o;
        QJsonArray rs;
        for (const Result &r : results) {
            QJsonObject ro;
            ro[QStringLiteral("model")] = r.model;
            ro[QStringLiteral("format")] = QStringLiteral("fp32");
            ro[QStringLiteral("engine")] = r.engine;
            ro[QStringLiteral("threads")] = r.threads;
            ro[QStringLiteral("batch")] = r.batch;
            ro[QStringLiteral("samples_per_s")] = r.samplesPerS;
            ro[QStringLiteral("gflops")] = r.gflops;
            ro[QStringLiteral("fraction_of_gemm_peak")] = r.peakFraction;
            rs.append(ro);
        }
        o[QStringLiteral("results")] = rs;
        QJsonArray peaks;
        for (int t : threadCounts) {
            QJsonObject po;
            po[QStringLiteral("threads")] = t;
            po[QStringLiteral("gflops")] = peak[size_t(t)];
            peaks.append(po);
        }
        o[QStringLiteral("gemm_peak")] = peaks;
        printJson(o);
        return ExitOk;
    }

    std::printf("GEMM peak (Eigen sgemm 1024^3):");
    for (int t : threadCounts)
        std::printf("  %d thread%s %.1f GFLOP/s", t, t > 1 ? "s" : "", peak[size_t(t)]);
    std::printf("\n\n");
    TextTable table({QStringLiteral("model"), QStringLiteral("format"), QStringLiteral("engine"),
                     QStringLiteral("threads"), QStringLiteral("batch"),
                     QStringLiteral("samples/s"), QStringLiteral("GFLOP/s"),
                     QStringLiteral("of peak"), QStringLiteral("vs serial")});
    double serial = 0; // none with --threads
    for (const Result &r : results) {
        if (r.engine == QLatin1String("serial"))
            serial = r.samplesPerS;
        table.addRow({r.model, QStringLiteral("fp32"), r.engine, QString::number(r.threads),
                      QString::number(r.batch), withThousands((long long)r.samplesPerS),
                      fmt(r.gflops, 1), percent(r.peakFraction, 0),
                      serial > 0 ? fmt(r.samplesPerS / serial, 1) + QStringLiteral("x")
                                 : QStringLiteral("-")});
    }
    table.print();
    return ExitOk;
}

} // namespace frontier::cli
