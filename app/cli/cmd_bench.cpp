// frontier bench — FP32 inference throughput of the parallel engine beside its serial
// twin and this machine's GEMM peak, measured in one run; with --formats, the variant
// engine for each reduced-precision format beside it (and, for sc formats, bit operations
// per second beside the popcount limit of the path).

#include "cli.h"
#include "commands.h"

#include "common/cpu.h"
#include "common/error.h"
#include "common/parallel.h"
#include "common/random.h"
#include "common/simd.h"
#include "model/engine.h"
#include "model/modelfile.h"
#include "model/onnx/onnximport.h"
#include "model/recipes.h"
#include "model/stats.h"
#include "numeric/bitstream.h"
#include "numeric/formatassignment.h"
#include "numeric/variant.h"
#include "numeric/variantengine.h"

#include "model/layers/eigen.h"
#include "model/layers/gemm.h"
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

// GFLOP/s of single-precision GEMM on `threads` threads, each multiplying its own
// matrices with the engine's kernel (model/layers/gemm.h) at the shape the engine runs:
// a block of 64 samples [64 x 1024] times packed weights [1024 x 256], with a bias. The
// machine's practical FP32 peak for this build (Eigen's own sgemm reaches ~65 % of it).
double gemmPeakGflops(int threads, double minSeconds)
{
    const int m = 64, k = 1024, n = 256;
    struct Operands
    {
        std::vector<float> a, w, bias, c;
        model::gemm::AlignedVector packed;
    };
    std::vector<Operands> ops(static_cast<size_t>(threads));
    Random rng(3);
    for (Operands &o : ops) {
        o.a.resize(size_t(m) * k);
        o.w.resize(size_t(n) * k);
        o.bias.assign(size_t(n), 0.5f);
        o.c.resize(size_t(m) * n);
        for (float &v : o.a)
            v = rng.uniformF();
        for (float &v : o.w)
            v = rng.uniformF() - 0.5f;
        o.packed.resize(size_t(model::gemm::packedPanelsSize(k, n)));
        model::gemm::packPanelsTransposed(o.w.data(), n, k, o.packed.data());
    }
    // One product per call (~0.1 ms): short calls, like the engine's batches, so that the
    // median is not the share of the CPU that a loaded machine leaves to this process.
    const ThreadLimit limit(threads);
    const double seconds = medianSeconds(
        [&] {
            tbb::parallel_for(0, threads, [&](int t) {
                Operands &o = ops[size_t(t)];
                model::gemm::Epilogue e;
                e.columnBias = o.bias.data();
                const model::gemm::PanelView b{o.packed.data(), model::gemm::panelWidth,
                                               int64_t(k) * model::gemm::panelWidth};
                model::gemm::sgemm(m, n, k, o.a.data(), k, b, o.c.data(), n, e);
            });
        },
        minSeconds);
    return 2.0 * double(m) * n * k * threads / seconds * 1e-9;
}

// GFLOP/s of Eigen's own sgemm on large square matrices (1024^3), each thread its own
// product: the plain baseline the engine's kernel is compared with.
double eigenSgemmGflops(int threads, double minSeconds)
{
    const int n = 1024;
    std::vector<Eigen::MatrixXf> a(static_cast<size_t>(threads)), b(a.size()), c(a.size());
    for (size_t t = 0; t < a.size(); ++t) {
        a[t] = Eigen::MatrixXf::Random(n, n);
        b[t] = Eigen::MatrixXf::Random(n, n);
        c[t] = Eigen::MatrixXf::Zero(n, n);
    }
    const ThreadLimit limit(threads);
    const double seconds = medianSeconds(
        [&] {
            tbb::parallel_for(0, threads,
                              [&](int t) { c[size_t(t)].noalias() = a[size_t(t)] * b[size_t(t)]; });
        },
        minSeconds);
    return 2.0 * double(n) * n * n * threads / seconds * 1e-9;
}

// The FMA instruction peak of one instruction-set path: independent chains of vector
// fused multiply-adds in registers (12 per thread, enough to cover the latency of two FMA
// units), on `threads` threads. What "of FMA peak" divides by (for the parallel engine,
// measured in turn with it, round by round). 0 for the portable path.
// (Without -ffast-math the compiler may not shorten the chains; the sums keep them live.)
FRONTIER_TARGET_AVX2 double fmaLoopAvx2(int64_t iterations)
{
    __m256 acc[12];
    for (int j = 0; j < 12; ++j)
        acc[j] = _mm256_set1_ps(float(j));
    const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-6f);
    for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 12
        for (int j = 0; j < 12; ++j)
            acc[j] = _mm256_fmadd_ps(acc[j], x, y);
    }
    float sink = 0;
    for (int j = 0; j < 12; ++j)
        sink += _mm256_cvtss_f32(acc[j]);
    return double(sink);
}

FRONTIER_TARGET_AVX512 double fmaLoopAvx512(int64_t iterations)
{
    __m512 acc[12];
    for (int j = 0; j < 12; ++j)
        acc[j] = _mm512_set1_ps(float(j));
    const __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-6f);
    for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 12
        for (int j = 0; j < 12; ++j)
            acc[j] = _mm512_fmadd_ps(acc[j], x, y);
    }
    float sink = 0;
    for (int j = 0; j < 12; ++j)
        sink += _mm512_cvtss_f32(acc[j]);
    return double(sink);
}

volatile double g_fmaSink = 0;

double fmaPeakGflops(cpu::Isa isa, int threads, double minSeconds)
{
    if (isa == cpu::Isa::Portable)
        return 0;
    const int64_t iterations = 1 << 18;
    const int lanes = isa == cpu::Isa::Avx512 ? 16 : 8;
    const ThreadLimit limit(threads);
    const double seconds = medianSeconds(
        [&] {
            tbb::parallel_for(0, threads, [&](int) {
                g_fmaSink
                    = isa == cpu::Isa::Avx512 ? fmaLoopAvx512(iterations) : fmaLoopAvx2(iterations);
            });
        },
        minSeconds);
    return 2.0 * 12.0 * lanes * double(iterations) * threads / seconds * 1e-9;
}

struct Result
{
    QString isa;
    QString model;
    QString format = QStringLiteral("fp32");
    QString engine;
    int threads = 1;
    int batch = 0;
    double samplesPerS = 0;
    double gflops = 0;
    double peakFraction = 0;
    double fmaFraction = 0; // of the path's FMA instruction peak (0: portable)
    double vsFp32 = 0;      // variants: samples/s over the fp32 engine's at the same threads
    double bitOpsPerS = 0;  // sc variants: XNOR bit operations per second
};

// Stream length of an sc format (0 for others): every MAC is L XNOR bit operations.
int64_t streamLength(const std::string &assignment, const model::Model &m)
{
    int64_t length = 0;
    for (const numeric::FormatSpec &f : numeric::FormatAssignment::parse(assignment).resolve(m)) {
        if (f.kind == numeric::FormatSpec::Kind::Stochastic && !f.statistical)
            length = std::max<int64_t>(length, f.streamLength());
    }
    return length;
}

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
    p.addOption(QStringLiteral("formats"),
                QStringLiteral("also measure these reduced-precision variants (comma-separated, "
                               "ranges allowed, e.g. int8,fp16,sc8..sc12), calibrated on the "
                               "benchmark batch"),
                QStringLiteral("LIST"));
    p.addOption(QStringLiteral("isa"),
                QStringLiteral("measure these instruction-set paths in one run (comma-separated: "
                               "portable, avx2, avx512, or 'all' that this CPU has; default: "
                               "the active path)"),
                QStringLiteral("LIST"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print one JSON object"));
    if (!p.parse(args))
        return ExitOk;
    std::vector<cpu::Isa> isas = {cpu::activeIsa()};
    if (p.isSet(QStringLiteral("isa"))) {
        isas.clear();
        const QString list = p.value(QStringLiteral("isa"));
        if (list == QLatin1String("all")) {
            isas = cpu::supportedIsas();
        } else {
            for (const QString &name : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                cpu::Isa isa;
                if (!cpu::parseIsa(name.trimmed().toStdString(), isa))
                    throw UsageError(QStringLiteral("--isa: unknown path '%1' (portable, avx2, "
                                                    "avx512 or all)")
                                         .arg(name));
                if (!cpu::supports(isa))
                    throw Error("--isa",
                                std::string("this CPU has no ") + cpu::isaName(isa) + " support");
                isas.push_back(isa);
            }
        }
        if (isas.empty())
            throw UsageError(QStringLiteral("--isa: no path given"));
    }
    p.requirePositional(0, {});
    const std::vector<std::string> formats
        = p.isSet(QStringLiteral("formats"))
              ? numeric::expandAssignmentList(p.value(QStringLiteral("formats")).toStdString())
              : std::vector<std::string>();
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
    const size_t slots = size_t(std::max(cores, threadCounts.back()) + 1);
    std::vector<double> eigenPeak(slots, 0.0);
    for (int t : threadCounts)
        eigenPeak[size_t(t)] = eigenSgemmGflops(t, minSeconds);
    // Per path: the sgemm kernel's peak and the FMA instruction peak, by thread count.
    std::vector<std::vector<double>> gemmPeaks, fmaPeaks;

    std::vector<Result> results;
    for (const cpu::Isa isa : isas) {
        const cpu::ScopedIsa scopedIsa(isa);
        std::vector<double> peak(slots, 0.0), fmaPeak(slots, 0.0);
        for (int t : threadCounts) {
            peak[size_t(t)] = gemmPeakGflops(t, minSeconds);
            fmaPeak[size_t(t)] = fmaPeakGflops(isa, t, minSeconds);
        }
        gemmPeaks.push_back(peak);
        fmaPeaks.push_back(fmaPeak);
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
                r.isa = QString::fromLatin1(cpu::isaName(isa));
                r.model = name;
                r.engine = engineName;
                r.threads = threads;
                r.batch = batch;
                r.samplesPerS = batch / seconds;
                r.gflops = 2.0 * double(macs) * r.samplesPerS * 1e-9;
                r.peakFraction = peak[size_t(threads)] > 0 ? r.gflops / peak[size_t(threads)] : 0;
                r.fmaFraction
                    = fmaPeak[size_t(threads)] > 0 ? r.gflops / fmaPeak[size_t(threads)] : 0;
                results.push_back(r);
            };
            if (!onlyThreads) {
                add(QStringLiteral("serial"), 1,
                    medianSeconds([&] { engine.runSerial(x.data(), batch); }, minSeconds));
            }
            std::vector<double> fp32PerS(peak.size(), 0.0);
            for (int t : threadCounts) {
                // Five rounds of the FMA loop and the engine in turn: the row's time is the
                // median of the engine's, its "of FMA peak" the median of the per-round
                // ratios, so a clock that drifts between rounds moves both sides of each.
                constexpr int rounds = 5;
                std::vector<double> seconds, fractions;
                for (int round = 0; round < rounds; ++round) {
                    const double fma = fmaPeakGflops(isa, t, minSeconds / rounds);
                    const ThreadLimit limit(t);
                    seconds.push_back(
                        medianSeconds([&] { engine.run(x.data(), batch); }, minSeconds / rounds));
                    const double gflops = 2.0 * double(macs) * batch / seconds.back() * 1e-9;
                    fractions.push_back(fma > 0 ? gflops / fma : 0);
                }
                std::sort(seconds.begin(), seconds.end());
                std::sort(fractions.begin(), fractions.end());
                add(QStringLiteral("parallel"), t, seconds[rounds / 2]);
                results.back().fmaFraction = fractions[rounds / 2];
                fp32PerS[size_t(t)] = results.back().samplesPerS;
            }
            // The variants, each measured right after the fp32 engine in the same process.
            for (const std::string &f : formats) {
                const numeric::Variant v
                    = numeric::makeVariant(m, f, x.data(), batch, "bench batch");
                const numeric::VariantEngine ve(m, v);
                const int64_t length = streamLength(v.assignment, m);
                for (int t : threadCounts) {
                    const ThreadLimit limit(t);
                    add(QStringLiteral("variant"), t,
                        medianSeconds([&] { ve.run(x.data(), batch); }, minSeconds));
                    Result &r = results.back();
                    r.format = QString::fromStdString(v.assignment);
                    r.vsFp32 = fp32PerS[size_t(t)] > 0 ? r.samplesPerS / fp32PerS[size_t(t)] : 0;
                    r.bitOpsPerS = double(length) * double(macs) * r.samplesPerS;
                }
            }
        }
    }
    // The popcount limit of each path that ran an sc variant, measured on that path.
    std::vector<double> popcountLimits(isas.size(), 0.0);
    bool anySc = false;
    for (size_t i = 0; i < isas.size(); ++i) {
        const QString name = QString::fromLatin1(cpu::isaName(isas[i]));
        const bool sc = std::any_of(results.begin(), results.end(), [&](const Result &r) {
            return r.bitOpsPerS > 0 && r.isa == name;
        });
        if (sc) {
            const cpu::ScopedIsa scopedIsa(isas[i]);
            popcountLimits[i] = numeric::popcountBitsPerSecond(minSeconds);
            anySc = true;
        }
    }
    auto popcountLimitOf = [&](const QString &isa) {
        for (size_t i = 0; i < isas.size(); ++i) {
            if (QString::fromLatin1(cpu::isaName(isas[i])) == isa)
                return popcountLimits[i];
        }
        return 0.0;
    };

    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o;
        QJsonArray rs;
        for (const Result &r : results) {
            QJsonObject ro;
            ro[QStringLiteral("isa")] = r.isa;
            ro[QStringLiteral("model")] = r.model;
            ro[QStringLiteral("format")] = r.format;
            if (r.engine == QLatin1String("variant"))
                ro[QStringLiteral("vs_fp32")] = r.vsFp32;
            if (r.bitOpsPerS > 0)
                ro[QStringLiteral("bit_ops_per_s")] = r.bitOpsPerS;
            ro[QStringLiteral("engine")] = r.engine;
            ro[QStringLiteral("threads")] = r.threads;
            ro[QStringLiteral("batch")] = r.batch;
            ro[QStringLiteral("samples_per_s")] = r.samplesPerS;
            ro[QStringLiteral("gflops")] = r.gflops;
            ro[QStringLiteral("fraction_of_gemm_peak")] = r.peakFraction;
            if (r.fmaFraction > 0)
                ro[QStringLiteral("fraction_of_fma_peak")] = r.fmaFraction;
            rs.append(ro);
        }
        o[QStringLiteral("results")] = rs;
        QJsonArray peaks;
        for (size_t i = 0; i < isas.size(); ++i) {
            for (int t : threadCounts) {
                QJsonObject po;
                po[QStringLiteral("isa")] = QString::fromLatin1(cpu::isaName(isas[i]));
                po[QStringLiteral("threads")] = t;
                po[QStringLiteral("gflops")] = gemmPeaks[i][size_t(t)];
                po[QStringLiteral("fma_peak_gflops")] = fmaPeaks[i][size_t(t)];
                po[QStringLiteral("eigen_sgemm_gflops")] = eigenPeak[size_t(t)];
                peaks.append(po);
            }
        }
        o[QStringLiteral("gemm_peak")] = peaks;
        o[QStringLiteral("isa")] = QString::fromLatin1(cpu::isaName(cpu::activeIsa()));
        o[QStringLiteral("cpu")] = QString::fromStdString(cpu::features().brand);
        o[QStringLiteral("kernels")] = QString::fromStdString(cpu::describe());
        if (anySc) {
            QJsonArray limits;
            for (size_t i = 0; i < isas.size(); ++i) {
                if (popcountLimits[i] <= 0)
                    continue;
                QJsonObject lo;
                lo[QStringLiteral("isa")] = QString::fromLatin1(cpu::isaName(isas[i]));
                lo[QStringLiteral("bits_per_s_per_core")] = popcountLimits[i];
                limits.append(lo);
            }
            o[QStringLiteral("popcount_limit")] = limits;
        }
        printJson(o);
        return ExitOk;
    }

    std::printf("CPU: %s\n", cpu::describe().c_str());
    for (size_t i = 0; i < isas.size(); ++i) {
        std::printf("%-9s GEMM peak (frontier sgemm, 64x1024x256 per thread):",
                    cpu::isaName(isas[i]));
        for (int t : threadCounts)
            std::printf("  %d thread%s %.1f GFLOP/s", t, t > 1 ? "s" : "", gemmPeaks[i][size_t(t)]);
        if (isas[i] != cpu::Isa::Portable) {
            std::printf("\n%-9s FMA instruction peak:                               ", "");
            for (int t : threadCounts)
                std::printf("  %d thread%s %.1f GFLOP/s", t, t > 1 ? "s" : "",
                            fmaPeaks[i][size_t(t)]);
        }
        std::printf("\n");
    }
    std::printf("Eigen sgemm 1024^3 (baseline, x86-64 build):                  ");
    for (int t : threadCounts)
        std::printf("  %d thread%s %.1f GFLOP/s", t, t > 1 ? "s" : "", eigenPeak[size_t(t)]);
    std::printf("\n\n");
    TextTable table({QStringLiteral("isa"), QStringLiteral("model"), QStringLiteral("format"),
                     QStringLiteral("engine"), QStringLiteral("threads"), QStringLiteral("batch"),
                     QStringLiteral("samples/s"), QStringLiteral("GFLOP/s"),
                     QStringLiteral("of peak"), QStringLiteral("of FMA peak"),
                     QStringLiteral("vs serial"), QStringLiteral("vs fp32")});
    double serial = 0; // none with --threads
    for (const Result &r : results) {
        if (r.engine == QLatin1String("serial"))
            serial = r.samplesPerS;
        const bool variant = r.engine == QLatin1String("variant");
        table.addRow(
            {r.isa, r.model, r.format, r.engine, QString::number(r.threads),
             QString::number(r.batch), withThousands((long long)r.samplesPerS),
             variant ? QStringLiteral("-") : fmt(r.gflops, 1),
             variant ? QStringLiteral("-") : percent(r.peakFraction, 0),
             variant || r.fmaFraction <= 0 ? QStringLiteral("-") : percent(r.fmaFraction, 0),
             serial > 0 ? fmt(r.samplesPerS / serial, 1) + QStringLiteral("x")
                        : QStringLiteral("-"),
             variant ? fmt(r.vsFp32, 2) + QStringLiteral("x") : QStringLiteral("-")});
    }
    table.print();
    if (anySc) {
        std::printf("\nStochastic computing: XNOR bit operations per second (MACs x stream "
                    "length x samples/s)\nbeside the popcount limit of the path (a tight loop "
                    "of independent popcounts on it), per core:");
        for (size_t i = 0; i < isas.size(); ++i) {
            if (popcountLimits[i] > 0)
                std::printf("  %s %.3g bit/s", cpu::isaName(isas[i]), popcountLimits[i]);
        }
        std::printf("\n\n");
        TextTable sc({QStringLiteral("isa"), QStringLiteral("model"), QStringLiteral("format"),
                      QStringLiteral("threads"), QStringLiteral("bit-ops/s"),
                      QStringLiteral("of popcount limit")});
        for (const Result &r : results) {
            if (r.bitOpsPerS > 0)
                sc.addRow({r.isa, r.model, r.format, QString::number(r.threads),
                           QString::number(r.bitOpsPerS, 'g', 3),
                           percent(r.bitOpsPerS / (popcountLimitOf(r.isa) * r.threads), 0)});
        }
        sc.print();
    }
    return ExitOk;
}

} // namespace frontier::cli
