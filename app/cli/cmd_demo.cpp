// frontier demo — the main job on the built-in data: the default study end to end
// (synth-digits; mlp and lenet trained; int2..int8, fp16 and sc variants; ARI and HI on
// asic45 and a Cortex-M4F), its project file, models, a preview of the data, and its front.

#include "cli.h"
#include "commands.h"
#include "preview.h"

#include "common/error.h"
#include "common/fileutil.h"
#include "store/project.h"
#include "study/constraint.h"
#include "study/metricformat.h"
#include "study/specreader.h"
#include "study/studylibrary.h"
#include "study/studyresults.h"
#include "study/studyrunner.h"
#include "study/studyspec.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace frontier::cli {

namespace {

QJsonObject rowJson(const study::StudyResults &r, int row)
{
    QJsonObject o;
    o[QStringLiteral("trial")] = double(r.table().trialIds[size_t(row)]);
    for (const auto &[name, value] : r.config(row).knobColumns()) {
        if (!value.empty())
            o[QString::fromStdString(name)] = QString::fromStdString(value);
    }
    for (const char *m : {"accuracy", "fidelity", "escalated", "energy_pj", "latency_us",
                          "memory_bytes", "energy_saving"}) {
        const int c = r.column(m);
        if (c >= 0 && !std::isnan(r.table().at(row, c)))
            o[QString::fromLatin1(m)] = r.table().at(row, c);
    }
    return o;
}

} // namespace

int runDemo(const QStringList &args)
{
    CommandParser p(QStringLiteral("demo"),
                    QStringLiteral("The main job: run the default study (resources/studies/"
                                   "default.json) end to end into DIR/<study>.frontier — "
                                   "generate synth-digits, train mlp and lenet, derive int2..int8, "
                                   "fp16 and sc variants, evaluate ARI and HI on asic45 and a "
                                   "Cortex-M4F — then print its Pareto front. Models and a "
                                   "preview of the data land in DIR too. A second run reuses "
                                   "everything in the project file."));
    p.addOption(QStringLiteral("out"),
                QStringLiteral("folder for the project file, models and "
                               "the preview"),
                QStringLiteral("DIR"), QStringLiteral("out"));
    p.addOption(QStringLiteral("study"), QStringLiteral("another study template or spec file"),
                QStringLiteral("SPEC"), QStringLiteral("default"));
    p.addOption(QStringLiteral("threads"), QStringLiteral("worker threads (default: all cores)"),
                QStringLiteral("N"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print one JSON object"));
    if (!p.parse(args))
        return ExitOk;
    p.requirePositional(0, {});
    const QString outDir = p.value(QStringLiteral("out"));
    if (!QDir().mkpath(outDir))
        throw Error(outDir.toStdString(), "cannot create the output folder");
    const bool json = p.isSet(QStringLiteral("json"));
    const study::StudySpec spec = study::loadStudySpec(
        study::findStudySpec(p.value(QStringLiteral("study")).toStdString()));

    // A preview of the data (the study prepares its own copy; this one is for people).
    const data::PreparedData prepared
        = data::prepare(spec.dataset.name, spec.dataset.loadOptions());
    const std::string dataName = prepared.train.name;
    QString previewPath;
    if (prepared.train.isImage()) {
        previewPath
            = QDir(outDir).filePath(QString::fromStdString(dataName) + QStringLiteral(".png"));
        writePreviewPng(prepared.train, previewPath.toStdString(), 12, 3);
    }
    if (!json) {
        std::printf("dataset  %s: %s\n", dataName.c_str(), prepared.description.c_str());
        if (!previewPath.isEmpty())
            std::printf("preview  %s\n", qPrintable(previewPath));
        std::fflush(stdout);
    }

    const QString projectPath
        = QDir(outDir).filePath(QString::fromStdString(spec.name) + QStringLiteral(".frontier"));
    study::RunOptions options;
    if (p.isSet(QStringLiteral("threads")))
        options.threads = p.intValue(QStringLiteral("threads"), 1, 1024);
    Progress progress;
    options.progress = &progress;
    const bool tty = stderrIsTerminal();
    options.log = [tty](const std::string &line) {
        std::fprintf(stderr, "%s%s\n", tty ? "\r\033[K" : "", line.c_str());
    };
    study::RunReport report;
    {
        ProgressPrinter printer(QStringLiteral("study ") + QString::fromStdString(spec.name),
                                progress);
        report = study::StudyRunner(projectPath.toStdString()).run(spec, options);
    }
    if (report.cancelled())
        throw Cancelled{};

    // The trained models as .fmodel files beside the project.
    store::Project project(projectPath.toStdString(), store::Project::Access::ReadOnly);
    std::vector<std::pair<std::string, QString>> modelFiles;
    for (const auto &[name, stored] : report.storedModels) {
        const auto record = project.findModel(stored);
        if (!record)
            continue;
        const QString path = QDir(outDir).filePath(QString::fromStdString(dataName + "-" + name)
                                                   + QStringLiteral(".fmodel"));
        const std::vector<uint8_t> bytes = project.modelBytes(record->id);
        writeFileAtomic(path.toStdString(), bytes.data(), bytes.size());
        modelFiles.push_back({name, path});
    }

    const study::StudyResults results = study::StudyResults::load(project, report.studyId);
    // One front per device: energies of different devices (µJ on an accelerator, mJ on a
    // microcontroller) do not compare. Oracle trials are bounds, not configurations, and
    // stay out of fronts and picks.
    study::FrontScope scope;
    scope.constraints = spec.constraints;
    const std::vector<study::FrontResult> fronts
        = study::computeGroupedFronts(results, spec.objectives, scope, "device");
    const int energy = results.column("energy_pj");
    const int accuracy = results.column("accuracy");
    auto byEnergy = [&](std::vector<int> rows) {
        std::stable_sort(rows.begin(), rows.end(), [&](int a, int b) {
            return results.table().at(a, energy) < results.table().at(b, energy);
        });
        return rows;
    };
    std::vector<int> rows; // every device's front, device by device
    std::vector<int> knees;
    for (const study::FrontResult &f : fronts) {
        const std::vector<int> part = byEnergy(f.rows);
        rows.insert(rows.end(), part.begin(), part.end());
        if (f.knee >= 0)
            knees.push_back(f.knee);
    }
    // Each model in fp32 on the first device: the baseline every saving is measured against.
    std::vector<int> baselines;
    for (int r = 0; r < results.rows(); ++r) {
        const study::TrialConfig &c = results.config(r);
        if (c.kind == policy::PolicyKind::Single && c.tiers.front().format == "fp32"
            && c.device == spec.devices.front())
            baselines.push_back(r);
    }
    // The least energy per device that meets the constraints.
    std::vector<int> best;
    for (const std::string &device : spec.devices) {
        int pick = -1;
        for (int r : results.feasibleRows(spec.constraints)) {
            if (results.config(r).device != device || results.isBound(r))
                continue;
            if (pick < 0 || results.table().at(r, energy) < results.table().at(pick, energy))
                pick = r;
        }
        if (pick >= 0)
            best.push_back(pick);
    }

    if (json) {
        QJsonObject o;
        o[QStringLiteral("dataset")] = QString::fromStdString(dataName);
        o[QStringLiteral("content_hash")] = QString::fromStdString(prepared.train.contentHash);
        o[QStringLiteral("train")] = prepared.train.size();
        o[QStringLiteral("calibration")] = prepared.calibration.size();
        o[QStringLiteral("test")] = prepared.test.size();
        if (!previewPath.isEmpty())
            o[QStringLiteral("preview")] = previewPath;
        o[QStringLiteral("project")] = projectPath;
        o[QStringLiteral("study")] = QString::fromStdString(spec.name);
        o[QStringLiteral("trials")] = double(report.trials);
        o[QStringLiteral("computed")] = double(report.computed);
        o[QStringLiteral("seconds")] = report.seconds;
        QJsonArray models;
        for (const auto &[name, path] : modelFiles) {
            QJsonObject m;
            m[QStringLiteral("name")] = QString::fromStdString(name);
            m[QStringLiteral("path")] = path;
            for (int r : baselines) {
                if (results.config(r).tiers.front().model == name)
                    m[QStringLiteral("test_accuracy")] = results.table().at(r, accuracy);
            }
            models.append(m);
        }
        o[QStringLiteral("models")] = models;
        QJsonArray frontRows;
        for (int r : rows)
            frontRows.append(rowJson(results, r));
        o[QStringLiteral("objectives")]
            = QString::fromStdString(study::objectivesToString(spec.objectives));
        o[QStringLiteral("front")] = frontRows;
        QJsonArray perDevice;
        for (const study::FrontResult &f : fronts) {
            QJsonObject d;
            d[QStringLiteral("device")] = QString::fromStdString(f.group);
            QJsonArray members;
            for (int r : byEnergy(f.rows))
                members.append(rowJson(results, r));
            d[QStringLiteral("front")] = members;
            if (f.knee >= 0)
                d[QStringLiteral("knee")] = rowJson(results, f.knee);
            d[QStringLiteral("hypervolume_normalised")] = f.normalisedHypervolume;
            perDevice.append(d);
        }
        o[QStringLiteral("fronts")] = perDevice;
        QJsonArray bestRows;
        for (int r : best)
            bestRows.append(rowJson(results, r));
        o[QStringLiteral("best")] = bestRows;
        printJson(o);
        return ExitOk;
    }

    std::printf("project  %s: study %s, %lld trials (%lld computed now) in %.1f s\n",
                qPrintable(projectPath), spec.name.c_str(), (long long)report.trials,
                (long long)report.computed, report.seconds);
    for (const auto &[name, path] : modelFiles)
        std::printf("model    %s -> %s\n", name.c_str(), qPrintable(path));
    std::printf("\nBaselines (fp32 for every sample on %s):\n", spec.devices.front().c_str());
    // One unit per column, chosen from the rows a table shows (study::MetricFormat).
    auto formatOf = [&](const char *metric, const std::vector<int> &rows) {
        std::vector<double> values;
        const int c = results.column(metric);
        for (int r : rows)
            values.push_back(c < 0 ? NAN : results.table().at(r, c));
        return study::MetricFormat::forValues(metric, values);
    };
    auto cell = [&](const study::MetricFormat &f, int r) {
        const int c = results.column(f.metric);
        return QString::fromStdString(f.number(c < 0 ? NAN : results.table().at(r, c)));
    };
    auto header = [](const study::MetricFormat &f) {
        return QString::fromStdString(f.columnHeader());
    };
    {
        const auto fa = formatOf("accuracy", baselines), fe = formatOf("energy_pj", baselines),
                   fl = formatOf("latency_us", baselines);
        TextTable base({QStringLiteral("model"), header(fa), header(fe), header(fl)});
        for (int r : baselines)
            base.addRow({QString::fromStdString(results.config(r).tiers.front().model), cell(fa, r),
                         cell(fe, r), cell(fl, r)});
        base.print();
    }
    // A table of trials: configuration, accuracy, escalation, energy and saving.
    auto printTrials = [&](const std::vector<int> &rows, const std::vector<QString> &extras,
                           const QString &extraHeader) {
        const auto fa = formatOf("accuracy", rows), fe = formatOf("escalated", rows),
                   fen = formatOf("energy_pj", rows), fs = formatOf("energy_saving", rows);
        TextTable t({QStringLiteral("trial"), QStringLiteral("policy"), QStringLiteral("tiers"),
                     QStringLiteral("threshold"), QStringLiteral("device"), header(fa), header(fe),
                     header(fen), header(fs), extraHeader});
        for (size_t i = 0; i < rows.size(); ++i) {
            const int r = rows[i];
            const study::TrialConfig &c = results.config(r);
            std::string threshold = c.tauRule;
            if (c.offloads()) {
                threshold = c.decision.label();
                if (!std::isnan(c.decisionTau))
                    threshold.append(" ").append(study::numberText(c.decisionTau));
            }
            t.addRow({QString::number(results.table().trialIds[size_t(r)])
                          + (std::find(knees.begin(), knees.end(), r) != knees.end()
                                 ? QStringLiteral("*")
                                 : QString()),
                      QString::fromStdString(policy::policyName(c.kind)),
                      QString::fromStdString(c.knobColumns()[1].second),
                      QString::fromStdString(threshold), QString::fromStdString(c.device),
                      cell(fa, r), cell(fe, r), cell(fen, r), cell(fs, r),
                      i < extras.size() ? extras[i] : QString()});
        }
        t.print();
    };
    // Trials with the same outcome (e.g. thresholds between the same two margins) are
    // shown once.
    for (const study::FrontResult &f : fronts) {
        std::printf("\nPareto front on %s (%s; %s): %zu of %d trials, hypervolume %.3f of the "
                    "box from the best values to the worst, '*' the knee\n",
                    f.group.c_str(), study::objectivesToString(spec.objectives).c_str(),
                    spec.constraints.empty() ? "no constraint" : spec.constraints.front().c_str(),
                    f.rows.size(), f.candidates, f.normalisedHypervolume);
        std::vector<std::pair<int, int>> shown; // row, how many more with the same outcome
        for (int r : byEnergy(f.rows)) {
            if (!shown.empty()) {
                const int prev = shown.back().first;
                if (results.table().at(r, energy) == results.table().at(prev, energy)
                    && results.table().at(r, accuracy) == results.table().at(prev, accuracy)) {
                    ++shown.back().second;
                    continue;
                }
            }
            shown.push_back({r, 0});
        }
        std::vector<int> rows;
        std::vector<QString> same;
        for (const auto &[r, more] : shown) {
            rows.push_back(r);
            same.push_back(more > 0 ? QStringLiteral("+%1").arg(more) : QString());
        }
        printTrials(rows, same, QStringLiteral("same"));
    }
    std::printf("('same': further trials on the front with the same accuracy and energy; "
                "oracle trials are bounds and are not on fronts)\n");
    if (!best.empty()) {
        std::printf("\nLeast energy per device with %s:\n",
                    spec.constraints.empty() ? "no constraint" : spec.constraints.front().c_str());
        printTrials(best, {}, QString());
    }
    std::printf("\nMore: frontier study trials --project %s --study %s --csv\n",
                qPrintable(projectPath), spec.name.c_str());
    return ExitOk;
}

} // namespace frontier::cli
