// frontier study run|resume|status|list|trials|front|best — studies in a project file
// (merge, slurm and the status of shards: cmd_shards.cpp).

#include "cli.h"
#include "commands.h"
#include "shardcommands.h"

#include "common/error.h"
#include "store/project.h"
#include "study/constraint.h"
#include "study/metricformat.h"
#include "study/specreader.h"
#include "study/studylibrary.h"
#include "study/studyresults.h"
#include "study/studyrunner.h"
#include "study/studyspec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace frontier::cli {

namespace {

using study::FrontResult;
using study::StudyResults;

void addProject(CommandParser &p)
{
    p.addOption(QStringLiteral("project"), QStringLiteral("the project file (*.frontier)"),
                QStringLiteral("P"));
}

std::string projectPath(const CommandParser &p)
{
    return p.require(QStringLiteral("project")).toStdString();
}

using study::orderedMetrics;

// One row per trial: id, hash, knobs, metrics. CSV on stdout.
void printTrialsCsv(const StudyResults &r, const std::vector<int> &rows)
{
    std::fputs(study::trialsCsv(r, rows).c_str(), stdout);
    std::fflush(stdout);
}

using study::trialJson;

// A compact text table: the knobs that vary plus the chosen metrics.
void printTrialsTable(const StudyResults &r, const std::vector<int> &rows,
                      const std::vector<std::string> &metrics, int knee = -1)
{
    QStringList header{QStringLiteral("trial"), QStringLiteral("policy"), QStringLiteral("tiers"),
                       QStringLiteral("knobs"), QStringLiteral("device")};
    // One unit per column, chosen from the values it shows (study::MetricFormat).
    std::vector<study::MetricFormat> formats;
    for (const std::string &m : metrics) {
        std::vector<double> values;
        const int col = r.column(m);
        for (int row : rows)
            values.push_back(col < 0 ? NAN : r.table().at(row, col));
        formats.push_back(study::MetricFormat::forValues(m, values));
        header << QString::fromStdString(formats.back().columnHeader());
    }
    TextTable table(header);
    for (int row : rows) {
        const study::TrialConfig &c = r.config(row);
        QString knobs;
        for (const auto &[name, value] : c.knobColumns()) {
            if (value.empty() || name == "policy" || name == "tiers" || name == "device")
                continue;
            knobs += (knobs.isEmpty() ? QString() : QStringLiteral(" "))
                     + QString::fromStdString(name + "=" + value);
        }
        QStringList cells{QString::number(r.table().trialIds[size_t(row)])
                              + (row == knee ? QStringLiteral("*") : QString()),
                          QString::fromStdString(policy::policyName(c.kind)),
                          QString::fromStdString(c.knobColumns()[1].second), knobs,
                          QString::fromStdString(c.device)};
        for (size_t m = 0; m < metrics.size(); ++m) {
            const int col = r.column(metrics[m]);
            cells << (col < 0 ? QString()
                              : QString::fromStdString(formats[m].number(r.table().at(row, col))));
        }
        table.addRow(cells);
    }
    table.print();
}

void printReport(const study::RunReport &rep, bool json)
{
    if (json) {
        QJsonObject o;
        o[QStringLiteral("study")] = QString::fromStdString(rep.study);
        o[QStringLiteral("status")] = QString::fromStdString(rep.status);
        o[QStringLiteral("trials")] = double(rep.trials);
        o[QStringLiteral("computed")] = double(rep.computed);
        o[QStringLiteral("failed")] = double(rep.failed);
        o[QStringLiteral("reused")] = double(rep.reused);
        o[QStringLiteral("computed_elsewhere")] = double(rep.computedElsewhere);
        o[QStringLiteral("models_trained")] = rep.assets.modelsTrained;
        o[QStringLiteral("models_reused")] = rep.assets.modelsReused;
        o[QStringLiteral("variants_run")] = rep.assets.outputsComputed;
        o[QStringLiteral("variants_cached")] = rep.assets.outputsReused;
        o[QStringLiteral("front_size")] = double(rep.frontSize);
        o[QStringLiteral("hypervolume")] = rep.hypervolume;
        o[QStringLiteral("knee_trial")] = double(rep.kneeTrialId);
        o[QStringLiteral("seconds")] = rep.seconds;
        printJson(o);
        return;
    }
    const std::string elsewhere = rep.computedElsewhere > 0
                                      ? std::string(", ")
                                            .append(std::to_string(rep.computedElsewhere))
                                            .append(" by another process")
                                      : std::string();
    std::printf("study %s: %s in %.1f s: %lld trials, %lld computed (%lld failed)%s, %lld "
                "already done; models trained %d, reused %d; variants run %d, cached %d; front "
                "%lld trials\n",
                rep.study.c_str(), rep.status.c_str(), rep.seconds, (long long)rep.trials,
                (long long)rep.computed, (long long)rep.failed, elsewhere.c_str(),
                (long long)rep.reused, rep.assets.modelsTrained, rep.assets.modelsReused,
                rep.assets.outputsComputed, rep.assets.outputsReused, (long long)rep.frontSize);
}

int runOrResume(const QStringList &args, bool resume)
{
    CommandParser p(resume ? QStringLiteral("study resume") : QStringLiteral("study run"),
                    resume ? QStringLiteral("Finish an interrupted study from its stored spec.")
                           : QStringLiteral("Run a study spec (docs/study-spec.md) into a "
                                            "project file; trials already done are kept."));
    if (!resume)
        p.addPositional(QStringLiteral("spec"), QStringLiteral("the study spec (JSON), or the name "
                                                               "of a template in "
                                                               "resources/studies"));
    addProject(p);
    if (resume)
        p.addOption(QStringLiteral("study"),
                    QStringLiteral("the study (default: the only "
                                   "unfinished one)"),
                    QStringLiteral("NAME"));
    p.addOption(QStringLiteral("threads"), QStringLiteral("worker threads (default: all cores)"),
                QStringLiteral("N"));
    p.addOption(QStringLiteral("shard"),
                QStringLiteral("compute only shard i of n (0 <= i < n) of the trials, for a "
                               "merge later (docs/scale-out.md)%1")
                    .arg(resume ? QStringLiteral("; default: the stored one") : QString()),
                QStringLiteral("i/n"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print the report as JSON"));
    if (!p.parse(args))
        return ExitOk;
    const QStringList pos = p.requirePositional(resume ? 0 : 1, QStringLiteral("SPEC.json"));
    const bool json = p.isSet(QStringLiteral("json"));
    study::RunOptions options;
    if (p.isSet(QStringLiteral("shard")))
        options.shard = store::Shard::parse(p.value(QStringLiteral("shard")).toStdString());
    if (p.isSet(QStringLiteral("threads")))
        options.threads = p.intValue(QStringLiteral("threads"), 1, 1024);
    Progress progress;
    options.progress = &progress;
    const bool tty = stderrIsTerminal();
    options.log = [tty](const std::string &line) {
        std::fprintf(stderr, "%s%s\n", tty ? "\r\033[K" : "", line.c_str());
    };
    study::StudyRunner runner(projectPath(p));
    study::RunReport report;
    {
        ProgressPrinter printer(QStringLiteral("study"), progress);
        if (resume)
            report = runner.resume(p.value(QStringLiteral("study")).toStdString(), options);
        else
            report = runner.run(study::loadStudySpec(study::findStudySpec(pos.at(0).toStdString())),
                                options);
    }
    printReport(report, json);
    return report.cancelled() ? ExitCancelled : ExitOk;
}

QJsonObject studyJson(store::Project &project, const store::StudyRecord &s)
{
    const store::Shard shard = project.studyShard(s.id);
    const store::TrialCounts counts = project.trialCounts(s.id, shard);
    QJsonObject o;
    o[QStringLiteral("name")] = QString::fromStdString(s.name);
    if (shard.sharded())
        o[QStringLiteral("shard")] = QString::fromStdString(shard.text());
    o[QStringLiteral("status")] = QString::fromStdString(store::toString(s.status));
    o[QStringLiteral("trials")] = double(counts.total());
    o[QStringLiteral("done")] = double(counts.done);
    o[QStringLiteral("failed")] = double(counts.failed);
    o[QStringLiteral("pending")] = double(counts.pending);
    o[QStringLiteral("running")] = double(counts.running);
    o[QStringLiteral("created")] = QString::fromStdString(s.created);
    o[QStringLiteral("updated")] = QString::fromStdString(s.updated);
    // Which instruction-set paths and CPUs computed it (every path gives the same bits).
    QJsonArray runs;
    QStringList paths;
    for (const store::RunRecord &r : project.runs(s.id)) {
        QJsonObject ro;
        ro[QStringLiteral("started")] = QString::fromStdString(r.started);
        ro[QStringLiteral("frontier_version")] = QString::fromStdString(r.frontierVersion);
        ro[QStringLiteral("isa")] = QString::fromStdString(r.isa);
        ro[QStringLiteral("kernels")]
            = QJsonDocument::fromJson(QByteArray::fromStdString(r.kernels)).object();
        ro[QStringLiteral("cpu")] = QString::fromStdString(r.cpu);
        ro[QStringLiteral("threads")] = r.threads;
        runs.append(ro);
        if (!paths.contains(QString::fromStdString(r.isa)))
            paths << QString::fromStdString(r.isa);
    }
    o[QStringLiteral("runs")] = runs;
    o[QStringLiteral("isa")] = paths.join(QStringLiteral(", "));
    return o;
}

int statusOrList(const QStringList &args, bool list)
{
    CommandParser p(list ? QStringLiteral("study list") : QStringLiteral("study status"),
                    list ? QStringLiteral("The studies of a project file.")
                         : QStringLiteral("Progress of the studies of a project file: trials "
                                          "by status and the stored fronts."));
    addProject(p);
    if (!list)
        p.addOption(QStringLiteral("study"), QStringLiteral("only this study"),
                    QStringLiteral("NAME"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print JSON"));
    if (!p.parse(args))
        return ExitOk;
    p.requirePositional(0, {});
    if (!list && isPattern(p.value(QStringLiteral("project"))))
        return shardStatus(p.value(QStringLiteral("project")).toStdString(),
                           p.value(QStringLiteral("study")).toStdString(),
                           p.isSet(QStringLiteral("json")));
    store::Project project(projectPath(p), store::Project::Access::ReadOnly);
    std::vector<store::StudyRecord> studies = project.studies();
    const std::string only = list ? std::string() : p.value(QStringLiteral("study")).toStdString();
    if (!only.empty()) {
        std::erase_if(studies, [&](const store::StudyRecord &s) { return s.name != only; });
        if (studies.empty())
            throw Error(project.path(), "no study named '" + only + "'");
    }
    QJsonArray array;
    TextTable table({QStringLiteral("study"), QStringLiteral("status"), QStringLiteral("trials"),
                     QStringLiteral("done"), QStringLiteral("failed"), QStringLiteral("pending"),
                     QStringLiteral("running"), QStringLiteral("kernels"),
                     QStringLiteral("updated")});
    for (const store::StudyRecord &s : studies) {
        QJsonObject o = studyJson(project, s);
        if (!list) {
            const study::StudySpec spec = study::parseStudySpec(
                QByteArray::fromStdString(s.spec), project.path() + ": study " + s.name);
            const std::string objectives = study::objectivesToString(spec.objectives);
            if (const auto front = project.findFront(s.id, objectives)) {
                QJsonObject f;
                f[QStringLiteral("objectives")] = QString::fromStdString(objectives);
                f[QStringLiteral("size")] = double(front->trialIds.size());
                f[QStringLiteral("hypervolume")] = front->hypervolume;
                f[QStringLiteral("knee_trial")] = double(front->kneeTrialId);
                o[QStringLiteral("front")] = f;
            }
        }
        array.append(o);
        table.addRow({QString::fromStdString(s.name), o.value(QStringLiteral("status")).toString(),
                      QString::number(o.value(QStringLiteral("trials")).toDouble()),
                      QString::number(o.value(QStringLiteral("done")).toDouble()),
                      QString::number(o.value(QStringLiteral("failed")).toDouble()),
                      QString::number(o.value(QStringLiteral("pending")).toDouble()),
                      QString::number(o.value(QStringLiteral("running")).toDouble()),
                      o.value(QStringLiteral("isa")).toString(),
                      QString::fromStdString(s.updated)});
    }
    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o;
        o[QStringLiteral("studies")] = array;
        printJson(o);
        return ExitOk;
    }
    table.print();
    for (const QJsonValue &v : array) {
        const QString shard = v.toObject().value(QStringLiteral("shard")).toString();
        if (!shard.isEmpty())
            std::printf("%s is shard %s: the counts are of its trials\n",
                        qPrintable(v.toObject().value(QStringLiteral("name")).toString()),
                        qPrintable(shard));
    }
    for (const QJsonValue &v : array) {
        const QJsonObject f = v.toObject().value(QStringLiteral("front")).toObject();
        if (!f.isEmpty())
            std::printf("front of %s (%s): %d trials, hypervolume %g, knee trial %lld\n",
                        qPrintable(v.toObject().value(QStringLiteral("name")).toString()),
                        qPrintable(f.value(QStringLiteral("objectives")).toString()),
                        f.value(QStringLiteral("size")).toInt(),
                        f.value(QStringLiteral("hypervolume")).toDouble(),
                        (long long)f.value(QStringLiteral("knee_trial")).toDouble());
    }
    return ExitOk;
}

int trials(const QStringList &args)
{
    CommandParser p(QStringLiteral("study trials"),
                    QStringLiteral("The done trials of a study: knobs and every metric."));
    addProject(p);
    p.addOption(QStringLiteral("study"), QStringLiteral("the study"), QStringLiteral("NAME"));
    p.addOption(QStringLiteral("where"),
                QStringLiteral("only trials meeting constraints, e.g. "
                               "\"accuracy>=0.98\""),
                QStringLiteral("C"));
    p.addOption(QStringLiteral("csv"), QStringLiteral("print CSV"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print JSON"));
    if (!p.parse(args))
        return ExitOk;
    p.requirePositional(0, {});
    store::Project project(projectPath(p), store::Project::Access::ReadOnly);
    const StudyResults r
        = StudyResults::load(project, p.require(QStringLiteral("study")).toStdString());
    std::vector<std::string> where;
    if (p.isSet(QStringLiteral("where")))
        where.push_back(p.value(QStringLiteral("where")).toStdString());
    const std::vector<int> rows = r.feasibleRows(where);
    if (p.isSet(QStringLiteral("csv"))) {
        printTrialsCsv(r, rows);
    } else if (p.isSet(QStringLiteral("json"))) {
        QJsonArray a;
        for (int row : rows)
            a.append(trialJson(r, row));
        printJson(QJsonObject{{QStringLiteral("trials"), a}});
    } else {
        printTrialsTable(
            r, rows,
            {"accuracy", "fidelity", "escalated", "energy_pj", "latency_us", "memory_bytes"});
    }
    return ExitOk;
}

int front(const QStringList &args)
{
    CommandParser p(QStringLiteral("study front"),
                    QStringLiteral("The Pareto front of a study over chosen objectives; '*' "
                                   "marks the knee."));
    addProject(p);
    p.addOption(QStringLiteral("study"), QStringLiteral("the study"), QStringLiteral("NAME"));
    p.addOption(QStringLiteral("objectives"),
                QStringLiteral("e.g. energy_pj:min,accuracy:max "
                               "(default: the spec's)"),
                QStringLiteral("LIST"));
    p.addOption(QStringLiteral("where"), QStringLiteral("constraints (default: the spec's)"),
                QStringLiteral("C"));
    p.addOption(QStringLiteral("group-by"),
                QStringLiteral("one front per value of a column: device, model, policy, "
                               "decision, link, server, ..."),
                QStringLiteral("COLUMN"));
    p.addOption(QStringLiteral("include-bounds"),
                QStringLiteral("let oracle trials (lower bounds, not deployable) on the front"));
    p.addOption(QStringLiteral("csv"), QStringLiteral("print CSV"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print JSON"));
    if (!p.parse(args))
        return ExitOk;
    p.requirePositional(0, {});
    store::Project project(projectPath(p), store::Project::Access::ReadOnly);
    const std::string name = p.require(QStringLiteral("study")).toStdString();
    const auto record = project.findStudy(name);
    if (!record)
        throw Error(project.path(), "no study named '" + name + "'");
    const study::StudySpec spec = study::parseStudySpec(QByteArray::fromStdString(record->spec),
                                                        project.path() + ": study " + name);
    const std::vector<study::Objective> objectives
        = p.isSet(QStringLiteral("objectives"))
              ? study::parseObjectives(p.value(QStringLiteral("objectives")).toStdString())
              : spec.objectives;
    const std::vector<std::string> where
        = p.isSet(QStringLiteral("where"))
              ? std::vector<std::string>{p.value(QStringLiteral("where")).toStdString()}
              : spec.constraints;
    const StudyResults r = StudyResults::load(project, record->id);
    study::FrontScope scope;
    scope.constraints = where;
    scope.includeBounds = p.isSet(QStringLiteral("include-bounds"));
    const std::string groupBy = p.value(QStringLiteral("group-by")).toStdString();
    const std::vector<FrontResult> fronts
        = study::computeGroupedFronts(r, objectives, scope, groupBy);
    const int first = r.column(objectives.front().name);
    auto sortedRows = [&](const FrontResult &f) {
        std::vector<int> rows = f.rows;
        std::stable_sort(rows.begin(), rows.end(), [&](int a, int b) {
            return r.table().at(a, first) < r.table().at(b, first);
        });
        return rows;
    };
    if (p.isSet(QStringLiteral("csv"))) {
        std::vector<int> rows;
        for (const FrontResult &f : fronts) {
            const std::vector<int> part = sortedRows(f);
            rows.insert(rows.end(), part.begin(), part.end());
        }
        printTrialsCsv(r, rows);
        return ExitOk;
    }
    auto frontJson = [&](const FrontResult &f) {
        QJsonObject o;
        if (!groupBy.empty()) {
            o[QStringLiteral("group_by")] = QString::fromStdString(groupBy);
            o[QStringLiteral("group")] = QString::fromStdString(f.group);
        }
        o[QStringLiteral("hypervolume")] = f.hypervolume;
        o[QStringLiteral("hypervolume_normalised")] = f.normalisedHypervolume;
        QJsonArray ref, ideal;
        for (double v : f.reference)
            ref.append(v);
        for (double v : f.ideal)
            ideal.append(v);
        o[QStringLiteral("reference")] = ref;
        o[QStringLiteral("ideal")] = ideal;
        o[QStringLiteral("candidates")] = f.candidates;
        QJsonArray a;
        for (int row : sortedRows(f))
            a.append(trialJson(r, row));
        o[QStringLiteral("front")] = a;
        if (f.knee >= 0)
            o[QStringLiteral("knee")] = trialJson(r, f.knee);
        return o;
    };
    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o;
        o[QStringLiteral("study")] = QString::fromStdString(name);
        o[QStringLiteral("objectives")]
            = QString::fromStdString(study::objectivesToString(objectives));
        o[QStringLiteral("include_bounds")] = scope.includeBounds;
        if (groupBy.empty()) {
            const QJsonObject f = frontJson(fronts.front());
            for (auto it = f.begin(); it != f.end(); ++it)
                o[it.key()] = it.value();
        } else {
            QJsonArray groups;
            for (const FrontResult &f : fronts)
                groups.append(frontJson(f));
            o[QStringLiteral("groups")] = groups;
        }
        printJson(o);
        return ExitOk;
    }
    std::vector<std::string> metrics;
    for (const study::Objective &o : objectives)
        metrics.push_back(o.name);
    for (const char *m : {"accuracy", "energy_pj", "latency_us", "escalated"}) {
        if (std::find(metrics.begin(), metrics.end(), m) == metrics.end())
            metrics.push_back(m);
    }
    bool firstGroup = true;
    for (const FrontResult &f : fronts) {
        if (!firstGroup)
            std::printf("\n");
        firstGroup = false;
        const std::vector<int> rows = sortedRows(f);
        std::string reference;
        // In the units of the table's columns.
        for (size_t j = 0; j < objectives.size(); ++j) {
            std::vector<double> values;
            const int col = r.column(objectives[j].name);
            for (int row : rows)
                values.push_back(r.table().at(row, col));
            const study::MetricFormat mf
                = study::MetricFormat::forValues(objectives[j].name, values);
            reference += (j ? ", " : "") + mf.shortTitle + " " + mf.text(f.reference[j]);
        }
        const std::string title
            = groupBy.empty() ? "front of " + name : groupBy + " " + f.group + ": front of " + name;
        std::printf("%s over %s (%zu of %d trials%s); hypervolume %.3f of the box from the "
                    "best values to the reference (%s)\n",
                    title.c_str(), study::objectivesToString(objectives).c_str(), rows.size(),
                    f.candidates, scope.includeBounds ? ", bounds included" : "",
                    f.normalisedHypervolume, reference.c_str());
        printTrialsTable(r, rows, metrics, f.knee);
    }
    return ExitOk;
}

int best(const QStringList &args)
{
    CommandParser p(QStringLiteral("study best"),
                    QStringLiteral("The trial with the least (or most) of a metric among those "
                                   "meeting constraints."));
    addProject(p);
    p.addOption(QStringLiteral("study"), QStringLiteral("the study"), QStringLiteral("NAME"));
    p.addOption(QStringLiteral("min"), QStringLiteral("metric to minimise"), QStringLiteral("M"));
    p.addOption(QStringLiteral("max"), QStringLiteral("metric to maximise"), QStringLiteral("M"));
    p.addOption(QStringLiteral("where"), QStringLiteral("constraints, e.g. \"accuracy>=0.98\""),
                QStringLiteral("C"));
    p.addOption(QStringLiteral("group-by"),
                QStringLiteral("the best trial per value of a column (device, model, policy, ...)"),
                QStringLiteral("COLUMN"));
    p.addOption(QStringLiteral("include-bounds"),
                QStringLiteral("consider oracle trials too (lower bounds, not deployable)"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print JSON"));
    if (!p.parse(args))
        return ExitOk;
    p.requirePositional(0, {});
    if (p.isSet(QStringLiteral("min")) == p.isSet(QStringLiteral("max")))
        throw UsageError{QStringLiteral("study best: give one of --min and --max")};
    const bool maximize = p.isSet(QStringLiteral("max"));
    const std::string metric
        = p.value(maximize ? QStringLiteral("max") : QStringLiteral("min")).toStdString();
    store::Project project(projectPath(p), store::Project::Access::ReadOnly);
    const StudyResults r
        = StudyResults::load(project, p.require(QStringLiteral("study")).toStdString());
    const int column = r.column(metric);
    if (column < 0)
        throw Error("--" + std::string(maximize ? "max" : "min"),
                    "no trial has the metric '" + metric + "'");
    const std::string where = p.value(QStringLiteral("where")).toStdString();
    const std::vector<study::Constraint> constraints
        = where.empty() ? std::vector<study::Constraint>()
                        : study::parseConstraints(where, r.columns());
    const bool includeBounds = p.isSet(QStringLiteral("include-bounds"));
    const std::string groupBy = p.value(QStringLiteral("group-by")).toStdString();
    // Rows per group (one group of all rows without --group-by), bounds left out.
    std::vector<std::pair<std::string, std::vector<double>>> groups;
    std::vector<std::vector<int>> groupRows;
    for (int i = 0; i < r.rows(); ++i) {
        if (!includeBounds && r.isBound(i))
            continue;
        const std::string g = groupBy.empty() ? std::string() : r.groupValue(i, groupBy);
        size_t at = 0;
        while (at < groups.size() && groups[at].first != g)
            ++at;
        if (at == groups.size()) {
            groups.push_back({g, {}});
            groupRows.emplace_back();
        }
        const size_t width = r.columns().size();
        groups[at].second.insert(groups[at].second.end(),
                                 r.table().values.begin() + ptrdiff_t(size_t(i) * width),
                                 r.table().values.begin() + ptrdiff_t(size_t(i + 1) * width));
        groupRows[at].push_back(i);
    }
    std::vector<int> rows;
    QJsonArray bestJson;
    for (size_t g = 0; g < groups.size(); ++g) {
        const int local = study::bestRow(groups[g].second, int(r.columns().size()), column,
                                         maximize ? study::Sense::Maximize : study::Sense::Minimize,
                                         constraints);
        if (local < 0)
            continue;
        rows.push_back(groupRows[g][size_t(local)]);
        QJsonObject o = trialJson(r, rows.back());
        if (!groupBy.empty())
            o[QStringLiteral("group")] = QString::fromStdString(groups[g].first);
        bestJson.append(o);
    }
    if (rows.empty())
        throw Error("study best",
                    "no trial meets "
                        + (where.empty() ? std::string("--where") : "'" + where + "'"));
    if (p.isSet(QStringLiteral("json"))) {
        if (groupBy.empty())
            printJson(bestJson.at(0).toObject());
        else
            printJson(QJsonObject{{QStringLiteral("group_by"), QString::fromStdString(groupBy)},
                                  {QStringLiteral("best"), bestJson}});
        return ExitOk;
    }
    std::vector<std::string> shown{metric};
    for (const char *m :
         {"accuracy", "fidelity", "escalated", "energy_pj", "latency_us", "memory_bytes"}) {
        if (metric != m)
            shown.push_back(m);
    }
    printTrialsTable(r, rows, shown);
    return ExitOk;
}

} // namespace

int runStudy(const QStringList &args)
{
    const QString sub = args.value(0);
    const QStringList rest = args.mid(1);
    if (sub == QLatin1String("run"))
        return runOrResume(rest, false);
    if (sub == QLatin1String("resume"))
        return runOrResume(rest, true);
    if (sub == QLatin1String("status"))
        return statusOrList(rest, false);
    if (sub == QLatin1String("list"))
        return statusOrList(rest, true);
    if (sub == QLatin1String("trials"))
        return trials(rest);
    if (sub == QLatin1String("front"))
        return front(rest);
    if (sub == QLatin1String("best"))
        return best(rest);
    if (sub == QLatin1String("merge"))
        return mergeStudyShards(rest);
    if (sub == QLatin1String("slurm"))
        return writeSlurmJob(rest);
    if (sub == QLatin1String("--help") || sub == QLatin1String("-h") || sub.isEmpty()) {
        std::printf(
            "Usage: frontier study run|resume|status|list|trials|front|best|merge|slurm "
            "[options]\n"
            "  run SPEC.json --project P [--threads N] [--shard i/n] [--json]\n"
            "                                                     run a study "
            "(docs/study-spec.md),\n"
            "                                                     or only shard i of n of it\n"
            "  resume --project P [--study NAME]                  finish an interrupted study\n"
            "  status|list --project P [--json]                   the studies and their trials\n"
            "  status --project 'DIR/shard-*.frontier'            progress of each shard\n"
            "  merge --into P SHARD.frontier... [--partial]       shards into one project\n"
            "  slurm SPEC.json --shards N --out DIR [--partition P] [--time T]\n"
            "        [--cpus-per-task C] [--isa avx2|portable]    a Slurm job array and merge\n"
            "                                                     job (docs/scale-out.md)\n"
            "  trials --project P --study NAME [--csv|--json]     knobs and metrics per trial\n"
            "  front --project P --study NAME [--objectives energy_pj:min,accuracy:max]\n"
            "        [--where C] [--csv|--json]                   the Pareto front\n"
            "  best --project P --study NAME --min M [--where \"accuracy>=0.98\"]\n");
        return sub.isEmpty() ? ExitUsage : ExitOk;
    }
    throw UsageError{QStringLiteral("study: unknown subcommand '") + sub
                     + QStringLiteral("' (run, resume, status, list, trials, front, best, merge, "
                                      "slurm)")};
}

} // namespace frontier::cli
