#include "trainmethod.h"

#include "common/error.h"
#include "common/progress.h"
#include "model/modelfile.h"
#include "numeric/variantio.h"
#include "train/quanttraining.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

namespace frontier::cli {

void addTrainMethodOptions(CommandParser &p)
{
    p.addOption(QStringLiteral("method"),
                QStringLiteral("fp32, qat (quantization-aware, float32 master weights) or rct "
                               "(resource-constrained: integer weights only, per-layer "
                               "bitwidths); with it the run reports training energy and memory"),
                QStringLiteral("M"));
    p.addOption(QStringLiteral("bits"), QStringLiteral("qat: int<bits> (2..16, default 8)"),
                QStringLiteral("B"));
    p.addOption(QStringLiteral("rct-init"),
                QStringLiteral("rct: initial bitwidth of every layer (default 8)"),
                QStringLiteral("B"));
    p.addOption(QStringLiteral("rct-min"), QStringLiteral("rct: smallest bitwidth (default 2)"),
                QStringLiteral("B"));
    p.addOption(QStringLiteral("rct-max"), QStringLiteral("rct: largest bitwidth (default 16)"),
                QStringLiteral("B"));
    p.addOption(QStringLiteral("rct-every"),
                QStringLiteral("rct: batches between bitwidth checks (default 100)"),
                QStringLiteral("K"));
    p.addOption(QStringLiteral("rct-t-min"),
                QStringLiteral("rct: add a bit when mean |update| / step is below (default 0.05)"),
                QStringLiteral("T"));
    p.addOption(QStringLiteral("rct-t-max"),
                QStringLiteral("rct: remove a bit when mean |update| / step is above (default 2)"),
                QStringLiteral("T"));
    p.addOption(QStringLiteral("rct-act-bits"), QStringLiteral("rct: activation bits (default 8)"),
                QStringLiteral("B"));
    p.addOption(QStringLiteral("rct-grad-bits"), QStringLiteral("rct: gradient bits (default 8)"),
                QStringLiteral("B"));
    p.addOption(QStringLiteral("cost"),
                QStringLiteral("device presets pricing the training MACs, comma-separated "
                               "(default asic45,cortex-m4f)"),
                QStringLiteral("LIST"));
}

namespace {

// An int option without a range check (validate() names the option when it is out of range).
int intOption(const CommandParser &p, const QString &name, int fallback)
{
    if (!p.isSet(name))
        return fallback;
    bool ok = false;
    const int v = p.value(name).toInt(&ok);
    if (!ok)
        throw UsageError{QStringLiteral("train: --") + name
                         + QStringLiteral(" takes a whole number, not '") + p.value(name)
                         + QStringLiteral("'")};
    return v;
}

double doubleOption(const CommandParser &p, const QString &name, double fallback)
{
    if (!p.isSet(name))
        return fallback;
    bool ok = false;
    const double v = p.value(name).toDouble(&ok);
    if (!ok)
        throw UsageError{QStringLiteral("train: --") + name
                         + QStringLiteral(" takes a number, not '") + p.value(name)
                         + QStringLiteral("'")};
    return v;
}

QString mib(int64_t bytes)
{
    return QString::number(double(bytes) / 1024.0, 'f', 1) + QStringLiteral(" KiB");
}

} // namespace

train::QuantTrainOptions trainMethodOptions(const CommandParser &p)
{
    train::QuantTrainOptions options;
    try {
        options.method = train::parseMethod(p.value(QStringLiteral("method")).toStdString());
    } catch (const Error &e) {
        throw UsageError{QStringLiteral("train: ") + QString::fromStdString(e.what())};
    }
    options.bits = intOption(p, QStringLiteral("bits"), 8);
    train::RctOptions &r = options.rct;
    r.initialBits = intOption(p, QStringLiteral("rct-init"), r.initialBits);
    r.minBits = intOption(p, QStringLiteral("rct-min"), r.minBits);
    r.maxBits = intOption(p, QStringLiteral("rct-max"), r.maxBits);
    if (!p.isSet(QStringLiteral("rct-init")))
        r.initialBits = std::clamp(r.initialBits, std::min(r.minBits, r.maxBits), r.maxBits);
    r.every = intOption(p, QStringLiteral("rct-every"), r.every);
    r.tMin = doubleOption(p, QStringLiteral("rct-t-min"), r.tMin);
    r.tMax = doubleOption(p, QStringLiteral("rct-t-max"), r.tMax);
    r.activationBits = intOption(p, QStringLiteral("rct-act-bits"), r.activationBits);
    r.gradientBits = intOption(p, QStringLiteral("rct-grad-bits"), r.gradientBits);
    if (p.isSet(QStringLiteral("cost"))) {
        options.costPresets.clear();
        for (const QString &s :
             p.value(QStringLiteral("cost")).split(QLatin1Char(','), Qt::SkipEmptyParts))
            options.costPresets.push_back(s.trimmed().toStdString());
        if (options.costPresets.empty())
            throw UsageError{QStringLiteral("train: --cost needs at least one preset")};
    }
    try {
        train::validate(options);
    } catch (const Error &e) {
        throw UsageError{QStringLiteral("train: ") + QString::fromStdString(e.what())};
    }
    return options;
}

int runTrainMethod(const CommandParser &p, const train::QuantTrainOptions &options,
                   train::RecipeRun run, const data::PreparedData &prepared, const QString &out)
{
    if (options.method == train::TrainMethod::Rct) {
        // rct keeps no optimizer state: plain SGD at its own rate unless given.
        const train::TrainOptions rctDefaults = train::rctTrainOptions(run.recipe);
        run.options.optimizer = rctDefaults.optimizer;
        run.options.momentum = 0.0f;
        if (!p.isSet(QStringLiteral("lr")))
            run.options.learningRate = rctDefaults.learningRate;
        if (!p.isSet(QStringLiteral("weight-decay")))
            run.options.weightDecay = 0.0f;
    }

    Progress progress;
    run.options.progress = &progress;
    train::QuantTrainedModel trained;
    {
        ProgressPrinter printer(QStringLiteral("training ") + QString::fromStdString(run.recipe),
                                progress);
        const bool chatty = stderrIsTerminal() && !p.isSet(QStringLiteral("json"));
        trained = train::trainRecipeQuantized(
            run, options, prepared, [&](const train::EpochAccount &e) {
                if (chatty) {
                    std::fprintf(
                        stderr,
                        "\r\033[Kepoch %d/%d: loss %.4f, train %.2f %%, validation %.2f %% "
                        "(%.1f s)\n",
                        e.epoch, run.options.epochs, e.loss, 100 * e.trainAccuracy,
                        100 * e.validationAccuracy, e.seconds);
                }
            });
    }
    const train::TrainingResult &result = trained.result;
    if (result.cancelled)
        throw Cancelled{};
    std::vector<std::string> variants;
    if (trained.hasVariant)
        variants.push_back(numeric::variantToJson(trained.variant));
    model::saveModel(trained.model, out.toStdString(), variants);

    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o
            = QJsonDocument::fromJson(QByteArray::fromStdString(result.toJson())).object();
        o[QStringLiteral("out")] = out;
        o[QStringLiteral("parameters")] = double(trained.model.parameterCount());
        o[QStringLiteral("train_samples")] = prepared.train.size();
        o[QStringLiteral("test_samples")] = prepared.test.size();
        printJson(o);
        return ExitOk;
    }

    TextTable table({QStringLiteral("epoch"), QStringLiteral("loss"), QStringLiteral("train"),
                     QStringLiteral("validation"), QStringLiteral("bits"),
                     QStringLiteral("seconds")});
    for (const train::EpochAccount &e : result.epochs) {
        QStringList bits;
        for (const train::LayerAccount &l : e.layers)
            bits << QString::number(l.weightBits);
        table.addRow(
            {QString::number(e.epoch), fmt(e.loss, 4), percent(e.trainAccuracy),
             e.validationAccuracy >= 0 ? percent(e.validationAccuracy) : QStringLiteral("-"),
             bits.join(QLatin1Char(',')), fmt(e.seconds, 1)});
    }
    table.print();
    std::printf("\n%s %s on %s: test accuracy %s as %s (float weights %s), trained in %.1f s\n",
                train::methodName(result.method).c_str(), run.recipe.c_str(),
                prepared.train.name.c_str(), qPrintable(percent(result.testAccuracy)),
                result.format.c_str(), qPrintable(percent(result.testAccuracyFloat)),
                result.seconds);
    for (const auto &[preset, e] : result.total.energy) {
        std::printf("training energy on %s: %.4g uJ (GEMM %.4g uJ, update %.4g uJ)\n",
                    preset.c_str(), e.total_pj * 1e-6, e.gemm_pj * 1e-6, e.update_pj * 1e-6);
    }
    const train::ParameterMemory &m = result.parameterMemory;
    std::printf("parameter memory: %s (weights %s, master %s, optimizer %s); peak activations %s\n"
                "saved %s\n",
                qPrintable(mib(m.totalBytes())), qPrintable(mib(m.weightBits / 8)),
                qPrintable(mib(m.masterBits / 8)), qPrintable(mib(m.optimizerBits / 8)),
                qPrintable(mib(result.peakActivationBytes)), qPrintable(out));
    return ExitOk;
}

} // namespace frontier::cli
