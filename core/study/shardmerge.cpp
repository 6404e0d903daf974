#include "shardmerge.h"

#include "pareto.h"
#include "studyresults.h"
#include "studyspec.h"

#include "common/error.h"
#include "common/fileutil.h"
#include "store/project.h"
#include "store/shard.h"

#include <QByteArray>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

// Two passes. The first reads every shard file read-only and checks it (spec, Frontier
// version and kernel path, shard count, duplicate trials, completeness), keeping only the
// trials' rows; nothing is opened for writing before it passes. The second writes the
// target in one transaction, reading each shard again for its datasets, models, output
// caches and runs (one shard file open at a time: a thousand shards stay within the
// descriptor limit).

namespace frontier::study {

namespace {

// One trial of the study, as the merge writes it.
struct TrialRow
{
    std::string hash;
    std::string config;
    store::TrialStatus status = store::TrialStatus::Pending;
    std::string error;
    std::string started;
    std::string finished;
    std::string metrics; // the stored JSON text, compared byte for byte
    std::string source;  // the file its result came from
};

struct RunKey
{
    std::string version;
    std::string isa;
    std::string kernels;
    bool operator==(const RunKey &) const = default;
    std::string text() const
    {
        return "Frontier " + version + " on the " + isa + " kernel path (" + kernels + ")";
    }
};

std::string canonicalPath(const std::string &path)
{
    std::error_code ec;
    const std::filesystem::path p = std::filesystem::weakly_canonical(path, ec);
    return ec ? path : p.string();
}

store::StudyRecord pickStudy(store::Project &project, const std::string &name)
{
    if (!name.empty()) {
        const auto s = project.findStudy(name);
        if (!s)
            throw Error(project.path(), "no study named '" + name + "'");
        return *s;
    }
    const std::vector<store::StudyRecord> all = project.studies();
    if (all.empty())
        throw Error(project.path(), "holds no study");
    if (all.size() > 1)
        throw Error(project.path(), "holds " + std::to_string(all.size())
                                        + " studies; name the one to merge with --study");
    return all.front();
}

// The trials of the study with their results, in id order.
std::vector<TrialRow> readTrials(store::Database &db, int64_t studyId)
{
    store::Statement s(db, "SELECT config_hash, config, status, error, started, finished,"
                           " metrics FROM trials WHERE study_id = ?1 ORDER BY id");
    s.bindInt64(1, studyId);
    std::vector<TrialRow> out;
    while (s.step()) {
        TrialRow r;
        r.hash = s.text(0);
        r.config = s.text(1);
        r.status = store::trialStatusFromString(s.text(2));
        r.error = s.text(3);
        r.started = s.text(4);
        r.finished = s.text(5);
        r.metrics = s.text(6);
        out.push_back(std::move(r));
    }
    return out;
}

bool finished(store::TrialStatus s)
{
    return s == store::TrialStatus::Done || s == store::TrialStatus::Failed;
}

std::string shortHash(const std::string &hash)
{
    return hash.substr(0, 12);
}

// The result of `b` for a trial `a` already has from another file: Error when they differ.
void requireSameResult(const TrialRow &a, const TrialRow &b, const std::string &bPath)
{
    if (a.status == b.status && a.metrics == b.metrics && a.error == b.error)
        return;
    throw Error(bPath, "trial " + shortHash(b.hash) + " has other results ("
                           + store::toString(b.status) + ") than in " + a.source + " ("
                           + store::toString(a.status)
                           + "); merge only shards computed by one Frontier from one spec");
}

struct Checked
{
    store::StudyRecord study; // of the first file
    int shardCount = 0;
    std::vector<TrialRow> trials; // in the first file's order, then new ones
    std::vector<int> missing;
    std::optional<RunKey> runs;
    std::string runsSource;
};

Checked checkShards(const std::vector<std::string> &shards, const MergeOptions &options)
{
    Checked c;
    std::unordered_map<std::string, size_t> index; // hash -> c.trials
    std::set<int> seen;
    std::string first;
    for (const std::string &path : shards) {
        if (!fileExists(path))
            throw Error(path, "no such file");
        store::Project shard(path, store::Project::Access::ReadOnly);
        auto read = shard.begin(store::Transaction::Kind::Deferred); // one snapshot
        const store::StudyRecord study = pickStudy(
            shard, options.study.empty() && !first.empty() ? c.study.name : options.study);
        store::Shard part = shard.studyShard(study.id);
        if (!part.sharded())
            part = {0, 1}; // a whole study is the one shard of one
        if (first.empty()) {
            first = path;
            c.study = study;
            c.shardCount = part.count;
        } else {
            if (study.spec != c.study.spec)
                throw Error(path, "study '" + study.name + "' has another spec than in " + first
                                      + "; merge only shards of one spec");
            if (part.count != c.shardCount)
                throw Error(path, "is shard " + part.text() + ", but " + first + " is one of "
                                      + std::to_string(c.shardCount)
                                      + " shards; merge only shards of one split");
        }
        for (const store::RunRecord &r : shard.runs(study.id)) {
            const RunKey key{r.frontierVersion, r.isa, r.kernels};
            if (!c.runs) {
                c.runs = key;
                c.runsSource = path;
            } else if (!(key == *c.runs)) {
                throw Error(path, "computed by " + key.text() + ", but " + c.runsSource + " by "
                                      + c.runs->text()
                                      + "; merge only shards of one Frontier version and kernel "
                                        "path (FRONTIER_ISA forces one)");
            }
        }
        seen.insert(part.index);
        int64_t own = 0;
        int64_t open = 0;
        for (TrialRow &row : readTrials(shard.database(), study.id)) {
            const bool mine = part.contains(row.hash);
            own += mine ? 1 : 0;
            if (mine && !finished(row.status))
                ++open;
            auto it = index.find(row.hash);
            if (it == index.end()) {
                it = index.emplace(row.hash, c.trials.size()).first;
                TrialRow fresh;
                fresh.hash = row.hash;
                fresh.config = row.config;
                c.trials.push_back(std::move(fresh));
            }
            if (!mine || !finished(row.status))
                continue;
            TrialRow &merged = c.trials[it->second];
            row.source = path;
            if (finished(merged.status))
                requireSameResult(merged, row, path);
            else
                merged = std::move(row);
        }
        read->commit();
        // A run killed before it registered its trials has none open, but is not done.
        if ((open > 0 || study.status != store::StudyStatus::Done) && !options.partial)
            throw Error(path, "shard " + part.text() + " is not finished (study "
                                  + store::toString(study.status) + ", " + std::to_string(open)
                                  + " of " + std::to_string(own)
                                  + " trials not computed); resume it (frontier study resume "
                                    "--project "
                                  + path + ") or merge with --partial");
    }
    for (int i = 0; i < c.shardCount; ++i) {
        if (!seen.count(i))
            c.missing.push_back(i);
    }
    if (!c.missing.empty() && !options.partial)
        throw Error(first, "shard " + std::to_string(c.missing.front()) + "/"
                               + std::to_string(c.shardCount) + " of study '" + c.study.name
                               + "' is not among the files (" + std::to_string(c.missing.size())
                               + " of " + std::to_string(c.shardCount)
                               + " missing); give every shard, or merge with --partial");
    // Every shard finished, yet trials no shard computed: the shards resolved the spec to
    // other trials (their hashes cover the data, models and presets they read).
    const auto open = std::count_if(c.trials.begin(), c.trials.end(),
                                    [](const TrialRow &t) { return !finished(t.status); });
    if (open > 0 && !options.partial)
        throw Error(first, std::to_string(open) + " trials of study '" + c.study.name
                               + "' were computed by none of the shards: the shards resolved "
                                 "the spec to other trials (a dataset, model or preset file "
                                 "that differs between machines?); merge with --partial to "
                                 "keep them pending");
    return c;
}

// Copies what the shard's trials were computed from and by: datasets, models, output
// caches (their model ids mapped to the target's) and the study's runs.
void copyAssets(store::Project &target, int64_t targetStudy, const std::string &path,
                const std::string &studyName, MergeReport &report)
{
    store::Project shard(path, store::Project::Access::ReadOnly);
    auto read = shard.begin(store::Transaction::Kind::Deferred);
    store::Database &to = target.database();
    for (const store::DatasetRecord &d : shard.datasets()) {
        const int64_t before = to.queryInt("SELECT count(*) FROM datasets");
        target.addDataset(d.name, d.path, d.contentHash);
        report.changed = report.changed || to.queryInt("SELECT count(*) FROM datasets") != before;
    }
    std::map<int64_t, int64_t> modelIds; // shard -> target
    for (const store::ModelRecord &m : shard.models()) {
        const int64_t before = to.queryInt("SELECT count(*) FROM models");
        modelIds[m.id] = target.putModel(m.name, shard.modelBytes(m.id));
        if (to.queryInt("SELECT count(*) FROM models") != before)
            ++report.models;
    }
    {
        store::Statement from(shard.database(),
                              "SELECT model_id, format, dataset_hash, split, head, samples,"
                              " classes, scores, predictions, margins, created, isa"
                              " FROM output_caches ORDER BY id");
        store::Statement put(to, "INSERT INTO output_caches (model_id, format, dataset_hash,"
                                 " split, head, samples, classes, scores, predictions, margins,"
                                 " created, isa) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                                 " ?10, ?11, ?12) ON CONFLICT (model_id, format, dataset_hash,"
                                 " split, head) DO NOTHING");
        while (from.step()) {
            const auto model = modelIds.find(from.int64(0));
            if (model == modelIds.end())
                throw Error(path, "damaged project file: an output cache of no stored model");
            put.bindInt64(1, model->second)
                .bindText(2, from.text(1))
                .bindText(3, from.text(2))
                .bindText(4, from.text(3))
                .bindInt64(5, from.int64(4))
                .bindInt64(6, from.int64(5))
                .bindInt64(7, from.int64(6))
                .bindBlob(8, from.blobData(7), from.blobSize(7))
                .bindBlob(9, from.blobData(8), from.blobSize(8))
                .bindBlob(10, from.blobData(9), from.blobSize(9))
                .bindText(11, from.text(10));
            if (from.isNull(11))
                put.bindNull(12);
            else
                put.bindText(12, from.text(11));
            put.execute();
            report.outputs += to.changes();
        }
    }
    const auto study = shard.findStudy(studyName);
    if (!study)
        throw Error(path, "no study named '" + studyName + "'"); // changed since checked
    store::Statement run(to, "INSERT INTO runs (study_id, frontier_version, isa, kernels, cpu,"
                             " threads, started) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7"
                             " WHERE NOT EXISTS (SELECT 1 FROM runs WHERE study_id = ?1"
                             " AND frontier_version = ?2 AND isa = ?3 AND kernels = ?4"
                             " AND cpu = ?5 AND threads = ?6 AND started = ?7)");
    for (const store::RunRecord &r : shard.runs(study->id)) {
        run.bindInt64(1, targetStudy)
            .bindText(2, r.frontierVersion)
            .bindText(3, r.isa)
            .bindText(4, r.kernels)
            .bindText(5, r.cpu)
            .bindInt64(6, r.threads)
            .bindText(7, r.started)
            .execute();
        report.changed = report.changed || to.changes() > 0;
    }
    read->commit();
}

void bindOptionalText(store::Statement &s, int index, const std::string &text)
{
    if (text.empty())
        s.bindNull(index);
    else
        s.bindText(index, text);
}

// Writes the trials into the target study, in order; returns how many results were new.
int64_t writeTrials(store::Project &target, int64_t studyId, const std::vector<TrialRow> &trials)
{
    store::Database &db = target.database();
    store::Statement find(db, "SELECT status, error, metrics FROM trials"
                              " WHERE study_id = ?1 AND config_hash = ?2");
    store::Statement insert(db, "INSERT INTO trials (study_id, config_hash, config, status,"
                                " error, started, finished, metrics)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    store::Statement update(db, "UPDATE trials SET status = ?3, error = ?4, started = ?5,"
                                " finished = ?6, metrics = ?7, worker_id = NULL"
                                " WHERE study_id = ?1 AND config_hash = ?2");
    int64_t added = 0;
    for (const TrialRow &t : trials) {
        find.bindInt64(1, studyId).bindText(2, t.hash);
        std::optional<TrialRow> held;
        if (find.step()) {
            held = TrialRow();
            held->hash = t.hash;
            held->status = store::trialStatusFromString(find.text(0));
            held->error = find.text(1);
            held->metrics = find.text(2);
            held->source = db.path();
        }
        find.reset(true);
        if (!held) {
            insert.bindInt64(1, studyId)
                .bindText(2, t.hash)
                .bindText(3, t.config)
                .bindText(4, store::toString(t.status));
            bindOptionalText(insert, 5, t.error);
            bindOptionalText(insert, 6, t.started);
            bindOptionalText(insert, 7, t.finished);
            bindOptionalText(insert, 8, t.metrics);
            insert.execute();
            added += finished(t.status) ? 1 : 0;
        } else if (finished(t.status)) {
            if (finished(held->status)) {
                requireSameResult(*held, t, t.source);
                continue;
            }
            update.bindInt64(1, studyId).bindText(2, t.hash).bindText(3, store::toString(t.status));
            bindOptionalText(update, 4, t.error);
            bindOptionalText(update, 5, t.started);
            bindOptionalText(update, 6, t.finished);
            bindOptionalText(update, 7, t.metrics);
            update.execute();
            ++added;
        }
    }
    return added;
}

MergeReport writeTarget(const std::string &target, const std::vector<std::string> &shards,
                        const Checked &c)
{
    MergeReport report;
    report.study = c.study.name;
    report.files = int(shards.size());
    report.shardCount = c.shardCount;
    report.missing = c.missing;
    const StudySpec spec = parseStudySpec(QByteArray::fromStdString(c.study.spec),
                                          shards.front() + ": study " + c.study.name);

    store::Project project(target, store::Project::Access::ReadWrite);
    auto t = project.begin();
    const bool known = project.findStudy(c.study.name).has_value();
    int64_t studyId = 0;
    try {
        studyId = project.createStudy(c.study.name, c.study.spec);
    } catch (const Error &) {
        throw Error(target, "holds a study '" + c.study.name
                                + "' of another spec; merge into another project file");
    }
    report.changed = !known;
    if (const store::Shard own = project.studyShard(studyId); own.sharded())
        throw Error(target, "computes shard " + own.text() + " of study '" + c.study.name
                                + "'; merge into a project file of its own");
    if (c.runs) {
        for (const store::RunRecord &r : project.runs(studyId)) {
            const RunKey key{r.frontierVersion, r.isa, r.kernels};
            if (!(key == *c.runs))
                throw Error(target, "holds study '" + c.study.name + "' computed by " + key.text()
                                        + ", but " + c.runsSource + " by " + c.runs->text()
                                        + "; merge only shards of one Frontier version and "
                                          "kernel path");
        }
    }
    for (const std::string &path : shards)
        copyAssets(project, studyId, path, c.study.name, report);
    report.added = writeTrials(project, studyId, c.trials);

    const store::TrialCounts counts = project.trialCounts(studyId);
    report.trials = counts.total();
    report.done = counts.done;
    report.failed = counts.failed;
    report.pending = counts.pending + counts.running;
    const store::StudyStatus status
        = report.pending == 0 ? store::StudyStatus::Done : store::StudyStatus::Pending;
    report.status = store::toString(status);
    const auto stored = project.findStudy(c.study.name);
    if (stored->status != status) {
        project.setStudyStatus(studyId, status);
        report.changed = true;
    }
    const std::string objectives = objectivesToString(spec.objectives);
    if (report.added > 0 || (report.done > 0 && !project.findFront(studyId, objectives))) {
        storeFront(project, studyId, spec.objectives, spec.constraints);
        report.changed = true;
    }
    report.changed = report.changed || report.added > 0 || report.models > 0 || report.outputs > 0;
    t->commit();
    return report;
}

} // namespace

MergeReport mergeShards(const std::string &target, const std::vector<std::string> &shards,
                        const MergeOptions &options)
{
    if (shards.empty())
        throw Error("study merge", "no shard files given");
    const std::string into = canonicalPath(target);
    for (const std::string &s : shards) {
        if (canonicalPath(s) == into)
            throw Error(s, "is the target of the merge; merge into another project file");
    }
    const Checked checked = checkShards(shards, options);
    const bool existed = fileExists(target);
    try {
        return writeTarget(target, shards, checked);
    } catch (...) {
        if (!existed) {
            std::error_code ec;
            for (const char *suffix : {"", "-wal", "-shm", "-journal"})
                std::filesystem::remove(target + suffix, ec);
        }
        throw;
    }
}

} // namespace frontier::study
