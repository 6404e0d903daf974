// frontier study merge|slurm, and study status over shard files: a study computed in
// shards on several machines (docs/scale-out.md).

#include "shardcommands.h"

#include "cli.h"

#include "common/error.h"
#include "store/project.h"
#include "study/shardmerge.h"
#include "study/slurmjob.h"
#include "study/specreader.h"
#include "study/studylibrary.h"
#include "study/studyspec.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

#include <glob.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <vector>

namespace frontier::cli {

namespace {

// The files matching a glob, sorted by shard index where names say it, else by name.
std::vector<std::string> expand(const std::string &pattern)
{
    glob_t g{};
    const int rc = ::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g);
    std::vector<std::string> out;
    if (rc == 0) {
        for (size_t i = 0; i < g.gl_pathc; ++i)
            out.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
    if (out.empty())
        throw Error(pattern, "no file matches");
    // Natural order for names that differ in a number: shard-2 before shard-10.
    std::sort(out.begin(), out.end(), [](const std::string &a, const std::string &b) {
        return a.size() != b.size() ? a.size() < b.size() : a < b;
    });
    return out;
}

QString number(int64_t v)
{
    return QString::number(qlonglong(v));
}

} // namespace

bool isPattern(const QString &path)
{
    return path.contains(QLatin1Char('*')) || path.contains(QLatin1Char('?'))
           || path.contains(QLatin1Char('['));
}

int shardStatus(const std::string &pattern, const std::string &study, bool json)
{
    const std::vector<std::string> files = expand(pattern);
    TextTable table({QStringLiteral("file"), QStringLiteral("study"), QStringLiteral("shard"),
                     QStringLiteral("status"), QStringLiteral("trials"), QStringLiteral("done"),
                     QStringLiteral("failed"), QStringLiteral("pending"),
                     QStringLiteral("running")});
    QJsonArray rows;
    store::TrialCounts total;
    std::set<int> seen;
    int count = 0;
    for (const std::string &path : files) {
        store::Project project(path, store::Project::Access::ReadOnly);
        bool any = false;
        for (const store::StudyRecord &s : project.studies()) {
            if (!study.empty() && s.name != study)
                continue;
            any = true;
            const store::Shard shard = project.studyShard(s.id);
            const store::TrialCounts c = project.trialCounts(s.id, shard);
            total.done += c.done;
            total.failed += c.failed;
            total.pending += c.pending;
            total.running += c.running;
            if (shard.sharded()) {
                seen.insert(shard.index);
                count = std::max(count, shard.count);
            }
            QJsonObject o;
            o[QStringLiteral("file")] = QString::fromStdString(path);
            o[QStringLiteral("study")] = QString::fromStdString(s.name);
            o[QStringLiteral("shard")] = QString::fromStdString(shard.text());
            o[QStringLiteral("status")] = QString::fromStdString(store::toString(s.status));
            o[QStringLiteral("trials")] = double(c.total());
            o[QStringLiteral("done")] = double(c.done);
            o[QStringLiteral("failed")] = double(c.failed);
            o[QStringLiteral("pending")] = double(c.pending);
            o[QStringLiteral("running")] = double(c.running);
            rows.append(o);
            table.addRow({QString::fromStdString(path), QString::fromStdString(s.name),
                          QString::fromStdString(shard.text()),
                          QString::fromStdString(store::toString(s.status)), number(c.total()),
                          number(c.done), number(c.failed), number(c.pending), number(c.running)});
        }
        if (!any && !study.empty())
            throw Error(path, "no study named '" + study + "'");
    }
    QJsonArray missing;
    for (int i = 0; i < count; ++i) {
        if (!seen.count(i))
            missing.append(i);
    }
    if (json) {
        QJsonObject t;
        t[QStringLiteral("trials")] = double(total.total());
        t[QStringLiteral("done")] = double(total.done);
        t[QStringLiteral("failed")] = double(total.failed);
        t[QStringLiteral("pending")] = double(total.pending);
        t[QStringLiteral("running")] = double(total.running);
        printJson(QJsonObject{{QStringLiteral("shards"), rows},
                              {QStringLiteral("total"), t},
                              {QStringLiteral("missing"), missing}});
        return ExitOk;
    }
    table.addRow({QStringLiteral("total"), QString(), QString(), QString(), number(total.total()),
                  number(total.done), number(total.failed), number(total.pending),
                  number(total.running)});
    table.print();
    if (!missing.isEmpty()) {
        QStringList m;
        for (const QJsonValue &v : missing)
            m << QString::number(v.toInt());
        std::printf("missing: %lld of %d shards (%s) have no file yet\n", (long long)missing.size(),
                    count, qPrintable(m.join(QStringLiteral(", "))));
    }
    return ExitOk;
}

int mergeStudyShards(const QStringList &args)
{
    CommandParser p(QStringLiteral("study merge"),
                    QStringLiteral("Merge the shards of a study (study run --shard i/n) into one "
                                   "project file, in one transaction; merging again changes "
                                   "nothing (docs/scale-out.md)."));
    p.addPositional(QStringLiteral("shards"),
                    QStringLiteral("the shard project files (a quoted glob works too)"),
                    QStringLiteral("SHARD.frontier..."));
    p.addOption(QStringLiteral("into"),
                QStringLiteral("the project file to merge into (created when missing)"),
                QStringLiteral("P"));
    p.addOption(QStringLiteral("study"), QStringLiteral("the study (default: the only one)"),
                QStringLiteral("NAME"));
    p.addOption(QStringLiteral("partial"),
                QStringLiteral("merge even when shards are missing or unfinished: their trials "
                               "stay pending (study resume computes them)"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print the report as JSON"));
    if (!p.parse(args))
        return ExitOk;
    const std::string into = p.require(QStringLiteral("into")).toStdString();
    std::vector<std::string> shards;
    for (const QString &a : p.positional()) {
        if (isPattern(a)) {
            for (const std::string &f : expand(a.toStdString()))
                shards.push_back(f);
        } else {
            shards.push_back(a.toStdString());
        }
    }
    if (shards.empty())
        throw UsageError{QStringLiteral("study merge: give the shard files (SHARD.frontier...)")};
    study::MergeOptions options;
    options.study = p.value(QStringLiteral("study")).toStdString();
    options.partial = p.isSet(QStringLiteral("partial"));
    const study::MergeReport r = study::mergeShards(into, shards, options);
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray missing;
        for (int i : r.missing)
            missing.append(i);
        QJsonObject o;
        o[QStringLiteral("study")] = QString::fromStdString(r.study);
        o[QStringLiteral("into")] = QString::fromStdString(into);
        o[QStringLiteral("files")] = r.files;
        o[QStringLiteral("shards")] = r.shardCount;
        o[QStringLiteral("missing")] = missing;
        o[QStringLiteral("trials")] = double(r.trials);
        o[QStringLiteral("done")] = double(r.done);
        o[QStringLiteral("failed")] = double(r.failed);
        o[QStringLiteral("pending")] = double(r.pending);
        o[QStringLiteral("added")] = double(r.added);
        o[QStringLiteral("models")] = double(r.models);
        o[QStringLiteral("outputs")] = double(r.outputs);
        o[QStringLiteral("status")] = QString::fromStdString(r.status);
        o[QStringLiteral("changed")] = r.changed;
        printJson(o);
        return ExitOk;
    }
    std::printf("study %s: %d files of %d shards into %s: %lld trials, %lld done, %lld failed, "
                "%lld pending; %s; status %s\n",
                r.study.c_str(), r.files, r.shardCount, into.c_str(), (long long)r.trials,
                (long long)r.done, (long long)r.failed, (long long)r.pending,
                r.changed ? std::string(std::to_string(r.added))
                                .append(" new results, ")
                                .append(std::to_string(r.models))
                                .append(" models, ")
                                .append(std::to_string(r.outputs))
                                .append(" output caches")
                                .c_str()
                          : "nothing new (already merged)",
                r.status.c_str());
    if (!r.missing.empty())
        std::printf("%zu shards missing: their trials stay pending (study resume --project %s "
                    "computes them)\n",
                    r.missing.size(), into.c_str());
    return ExitOk;
}

int writeSlurmJob(const QStringList &args)
{
    CommandParser p(QStringLiteral("study slurm"),
                    QStringLiteral("Write a Slurm job array computing a study in shards, a merge "
                                   "job after it and submit.sh, which submits both "
                                   "(docs/scale-out.md)."));
    p.addPositional(QStringLiteral("spec"),
                    QStringLiteral("the study spec (JSON), or a template name"),
                    QStringLiteral("SPEC.json"));
    p.addOption(QStringLiteral("shards"), QStringLiteral("how many shards (array tasks)"),
                QStringLiteral("N"));
    p.addOption(QStringLiteral("out"),
                QStringLiteral("the folder for scripts, shard files, logs and the merged "
                               "project (on a filesystem every node shares)"),
                QStringLiteral("DIR"));
    p.addOption(QStringLiteral("partition"), QStringLiteral("#SBATCH --partition"),
                QStringLiteral("P"));
    p.addOption(QStringLiteral("time"), QStringLiteral("#SBATCH --time, e.g. 2:00:00"),
                QStringLiteral("T"));
    p.addOption(QStringLiteral("cpus-per-task"),
                QStringLiteral("#SBATCH --cpus-per-task, and the threads of each shard"),
                QStringLiteral("C"));
    p.addOption(QStringLiteral("isa"),
                QStringLiteral("FRONTIER_ISA for every task: one kernel path on mixed nodes "
                               "(portable, avx2, avx512)"),
                QStringLiteral("PATH"));
    p.addOption(QStringLiteral("frontier"),
                QStringLiteral("the frontier binary the tasks run (default: this one)"),
                QStringLiteral("PATH"));
    if (!p.parse(args))
        return ExitOk;
    const QStringList pos = p.requirePositional(1, QStringLiteral("SPEC.json"));
    const std::string specPath = study::findStudySpec(pos.at(0).toStdString());
    const study::StudySpec spec = study::loadStudySpec(specPath); // refuses a bad spec now
    study::SlurmJob job;
    job.spec = QFileInfo(QString::fromStdString(specPath)).absoluteFilePath().toStdString();
    job.study = spec.name;
    p.require(QStringLiteral("shards"));
    job.shards = p.intValue(QStringLiteral("shards"), 1, store::Shard::kMaxCount);
    job.outDir = QDir::cleanPath(QFileInfo(p.require(QStringLiteral("out"))).absoluteFilePath())
                     .toStdString();
    job.partition = p.value(QStringLiteral("partition")).toStdString();
    job.time = p.value(QStringLiteral("time")).toStdString();
    if (p.isSet(QStringLiteral("cpus-per-task")))
        job.cpusPerTask = p.intValue(QStringLiteral("cpus-per-task"), 1, 4096);
    job.isa = p.value(QStringLiteral("isa")).toStdString();
    job.frontier
        = p.isSet(QStringLiteral("frontier"))
              ? QFileInfo(p.value(QStringLiteral("frontier"))).absoluteFilePath().toStdString()
              : QCoreApplication::applicationFilePath().toStdString();
    if (!QFileInfo(QString::fromStdString(job.frontier)).isExecutable())
        throw Error(job.frontier, "not an executable frontier binary");
    job.write();
    std::printf("wrote %s, %s and %s (%d shards of study %s)\n"
                "submit with:  bash %s\n"
                "progress:     %s study status --project '%s'\n",
                job.arrayScriptPath().c_str(), job.mergeScriptPath().c_str(),
                job.submitScriptPath().c_str(), job.shards, job.study.c_str(),
                job.submitScriptPath().c_str(), job.frontier.c_str(), job.shardPattern().c_str());
    return ExitOk;
}

} // namespace frontier::cli
