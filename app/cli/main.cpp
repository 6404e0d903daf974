// frontier — the headless command-line twin of the workbench.

#include "cli.h"
#include "commands.h"

#include "common/cpu.h"
#include "common/error.h"
#include "common/progress.h"
#include "plugin/pluginloader.h"

#include <QApplication>
#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

#include <cstdio>
#include <cstring>
#include <memory>

#include <exception>
#include <new>
#include <unistd.h>

using namespace frontier;

namespace {

struct Entry
{
    const char *name;
    int (*run)(const QStringList &);
    const char *summary;
};

const Entry kCommands[] = {
    {"data", cli::runData, "inspect datasets: info, preview (PNG grid), list"},
    {"train", cli::runTrain, "train a recipe on a dataset and save a .fmodel"},
    {"eval", cli::runEval, "run a model over a dataset or a raw .npy tensor"},
    {"model", cli::runModel, "inspect a model: per-layer table"},
    {"import", cli::runImport, "import an ONNX model into the native .fmodel format"},
    {"cost", cli::runCost, "energy, latency and memory of a variant on a device, per layer"},
    {"presets", cli::runPresets, "cost presets: list, show NAME, validate FILE"},
    {"plugins", cli::runPlugins, "plugins on the plugin path and what they provide"},
    {"intermittent", cli::runIntermittent,
     "battery-less inference: power cycles, checkpoints, tiling search"},
    {"variants", cli::runVariants, "reduced-precision formats; calibrate and store variants"},
    {"study", cli::runStudy,
     "studies in a project file: run, resume, status, trials, front, best, merge, slurm"},
    {"sweep", cli::runSweep, "the threshold curve of ARI or HI from cached or your own scores"},
    {"bench", cli::runBench, "measure FP32 inference throughput (parallel vs serial twin)"},
    {"report", cli::runReport, "a study's report as one HTML or PDF file (fronts, knee, costs)"},
    {"demo", cli::runDemo, "the main job: the default study end to end and its Pareto front"},
};

void printUsage(FILE *out)
{
    std::fprintf(out, "Usage: frontier <command> [options]\n\n"
                      "Energy-accuracy trade-offs of ML inference on edge devices.\n\n"
                      "Commands:\n");
    for (const Entry &e : kCommands)
        std::fprintf(out, "  %-12s %s\n", e.name, e.summary);
    std::fprintf(out, "\nOptions:\n"
                      "  -h, --help     this help; 'frontier <command> --help' for a command\n"
                      "  -v, --version  the version and the instruction-set path ('--json')\n"
                      "\nEnvironment: FRONTIER_ISA=portable|avx2|avx512 forces the kernels'\n"
                      "instruction-set path (every path gives the same numbers).\n"
                      "FRONTIER_PLUGIN_PATH=DIR[:DIR...] adds plugin folders (docs/plugins.md).\n"
                      "\nExit codes: 0 ok, 1 bad input or failure, 2 bad usage, 3 cancelled.\n");
}

} // namespace

int main(int argc, char **argv)
{
    // Reports draw their charts with Qt Charts, which needs a QApplication; no window is
    // shown, so the offscreen platform serves where nothing else is asked for.
    const bool report = argc > 1 && std::strcmp(argv[1], "report") == 0;
    if (report && !qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (report) { // the platform's notes (runtime dir, window hints) are not the user's concern
        QLoggingCategory::setFilterRules(QStringLiteral("qt.qpa.*=false"));
        if (!qEnvironmentVariableIsSet("XDG_RUNTIME_DIR"))
            qputenv("XDG_RUNTIME_DIR", QDir::tempPath().toLocal8Bit() + "/frontier-runtime-"
                                           + QByteArray::number(qlonglong(getuid())));
    }
    std::unique_ptr<QCoreApplication> app = report ? std::make_unique<QApplication>(argc, argv)
                                                   : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("frontier"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FRONTIER_VERSION));

    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    if (args.isEmpty()) {
        printUsage(stderr);
        return cli::ExitUsage;
    }
    // A forced instruction-set path the CPU lacks is refused before anything runs.
    if (const std::string isaError = cpu::checkEnvironment(); !isaError.empty()) {
        std::fprintf(stderr, "frontier: %s\n", isaError.c_str());
        return cli::ExitUsage;
    }
    const QString command = args.takeFirst();
    if (command == QLatin1String("--help") || command == QLatin1String("-h")
        || command == QLatin1String("help")) {
        printUsage(stdout);
        return cli::ExitOk;
    }
    if (command == QLatin1String("--version") || command == QLatin1String("-v")) {
        const cpu::Features &f = cpu::features();
        if (args.contains(QLatin1String("--json"))) {
            QJsonObject o;
            o[QLatin1String("version")] = QStringLiteral(FRONTIER_VERSION);
            o[QLatin1String("isa")] = QString::fromLatin1(cpu::isaName(cpu::activeIsa()));
            o[QLatin1String("best_isa")] = QString::fromLatin1(cpu::isaName(cpu::bestIsa()));
            o[QLatin1String("cpu")] = QString::fromStdString(f.brand);
            QJsonObject kernels;
            for (const char *family : cpu::kernelFamilies)
                kernels[QLatin1String(family)] = QString::fromStdString(cpu::kernelName(family));
            o[QLatin1String("kernels")] = kernels;
            QJsonObject features;
            features[QLatin1String("avx2_fma")] = f.avx2;
            features[QLatin1String("avx512")] = f.avx512;
            features[QLatin1String("avx512vnni")] = f.avx512vnni;
            features[QLatin1String("avx512vpopcntdq")] = f.avx512vpopcntdq;
            o[QLatin1String("cpu_features")] = features;
            std::printf("%s", QJsonDocument(o).toJson(QJsonDocument::Indented).constData());
        } else {
            std::printf("frontier %s\nkernels: %s\n", FRONTIER_VERSION, cpu::describe().c_str());
        }
        return cli::ExitOk;
    }

    // Plugins extend formats and loaders before any command reads a name; a refused one
    // is one line on stderr and the command goes on.
    for (const std::string &line : plugin::refusalLines(plugin::loadPlugins()))
        std::fprintf(stderr, "frontier: %s\n", line.c_str());

    for (const Entry &e : kCommands) {
        if (command != QLatin1String(e.name))
            continue;
        try {
            return e.run(args);
        } catch (const cli::UsageError &u) {
            std::fprintf(stderr, "frontier: %s (see 'frontier %s --help')\n", qPrintable(u.message),
                         e.name);
            return cli::ExitUsage;
        } catch (const Error &error) {
            std::fprintf(stderr, "frontier: %s\n", error.what());
            return cli::ExitFailure;
        } catch (const Cancelled &) {
            std::fprintf(stderr, "frontier: %s: cancelled\n", e.name);
            return cli::ExitCancelled;
        } catch (const std::bad_alloc &) {
            std::fprintf(stderr, "frontier: %s: out of memory\n", e.name);
            return cli::ExitFailure;
        } catch (const std::exception &ex) {
            std::fprintf(stderr, "frontier: %s: %s\n", e.name, ex.what());
            return cli::ExitFailure;
        }
    }
    std::fprintf(stderr, "frontier: unknown command '%s' (see 'frontier --help')\n",
                 qPrintable(command));
    return cli::ExitUsage;
}
