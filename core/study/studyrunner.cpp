#include "studyrunner.h"

#include "canonicaljson.h"
#include "studyresults.h"
#include "trialevaluator.h"
#include "trialsearch.h"

#include "common/error.h"
#include "common/parallel.h"
#include "store/project.h"
#include "store/workersession.h"
#include "store/writer.h"

#include <QJsonDocument>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <thread>

// The evaluation phase is a two-stage pipeline: the calling thread evaluates batch k+1
// with oneTBB while store::Writer's thread commits batch k (group commit: one
// transaction for the batches waiting). The runner's own connection stays idle meanwhile.

namespace frontier::study {

namespace {

struct PendingTrial
{
    const TrialConfig *config = nullptr;
    int64_t id = 0; // store trial id
};

// Trials evaluated together: a family sharing one threshold sweep, or a single trial.
struct Unit
{
    std::vector<size_t> members; // indices into the pending list
    bool family = false;
};

constexpr int64_t kMinClaim = 16; // trials; fewer only when batchTrials is smaller

using Batch = std::vector<std::pair<int64_t, TrialResult>>; // store trial id, result

// Commits one batch on the writer thread, in the writer's transaction.
void writeBatch(store::Project &project, const Batch &batch)
{
    for (const auto &[id, result] : batch) {
        if (result.ok)
            project.finishTrial(id, result.metrics);
        else
            project.failTrial(id, result.error);
    }
}

// Families are cut into units of at most `chunk` trials, so that a batch (and what a kill
// can lose) stays near RunOptions::batchTrials; each unit sorts once.
std::vector<Unit> makeUnits(const std::vector<PendingTrial> &pending,
                            const TrialEvaluator &evaluator, size_t chunk)
{
    std::vector<Unit> units;
    std::map<std::string, size_t> families; // key -> the unit filling up
    for (size_t i = 0; i < pending.size(); ++i) {
        const std::string key = evaluator.familyKey(*pending[i].config);
        if (key.empty()) {
            units.push_back({{i}, false});
            continue;
        }
        const auto it = families.find(key);
        if (it == families.end() || units[it->second].members.size() >= chunk) {
            families[key] = units.size();
            units.push_back({{i}, true});
        } else {
            units[it->second].members.push_back(i);
        }
    }
    return units;
}

// Evaluates the study's pending trials, claimed batch by batch for `worker` so that other
// processes running the study at once take the others; returns how many this process
// wrote and whether it was cancelled. When nothing is left to claim it waits for the
// trials other live workers still evaluate (taking over those of a worker found gone), so
// that the front computed afterwards sees every trial.
std::pair<int64_t, bool> evaluateTrials(store::Project &project, int64_t studyId, int64_t worker,
                                        const std::map<std::string, const TrialConfig *> &byKey,
                                        const TrialEvaluator &evaluator, const RunOptions &options,
                                        int64_t openTrials, int64_t &failed)
{
    // Claims of about a sixteenth of the open trials, so that a process starting the study
    // beside this one finds some left to take; never more than batchTrials.
    const int batchTrials = int(
        std::min<int64_t>(std::max(openTrials / 16, kMinClaim), std::max(1, options.batchTrials)));
    Progress *progress = options.progress;
    auto cancelled = [progress] {
        return progress && progress->cancelRequested();
    };
    store::Writer writer(project.path());
    std::deque<std::future<void>> inFlight; // at most two batches queued (back-pressure)
    int64_t written = 0;
    bool stopped = false;
    while (!stopped) {
        if (cancelled()) {
            stopped = true;
            break;
        }
        // The next batch: about batchTrials trials, cut into whole units.
        std::vector<PendingTrial> pending;
        for (const store::ClaimedTrial &c :
             project.claimTrials(studyId, worker, batchTrials, options.shard)) {
            // A trial of another identity (e.g. the dataset changed) stays claimed until
            // this worker unregisters, and then goes back to pending untouched.
            const auto it = byKey.find(c.configHash);
            if (it != byKey.end())
                pending.push_back({it->second, c.id});
        }
        if (pending.empty()) {
            if (project.trialsRunningElsewhere(studyId, worker) == 0)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            project.reclaimDeadWorkers(studyId);
            continue;
        }
        const std::vector<Unit> units = makeUnits(pending, evaluator, size_t(batchTrials));
        std::vector<std::vector<TrialResult>> results(units.size());
        std::vector<char> finished(units.size(), 0);
        tbb::task_group_context context;
        tbb::parallel_for(
            tbb::blocked_range<size_t>(0, units.size(), 1),
            [&](const tbb::blocked_range<size_t> &range) {
                for (size_t u = range.begin(); u != range.end(); ++u) {
                    if (cancelled()) {
                        context.cancel_group_execution();
                        return;
                    }
                    const Unit &unit = units[u];
                    std::vector<const TrialConfig *> configs;
                    for (size_t i : unit.members)
                        configs.push_back(pending[i].config);
                    results[u]
                        = unit.family
                              ? evaluator.evaluateFamily(configs)
                              : std::vector<TrialResult>{evaluator.evaluate(*configs.front())};
                    finished[u] = 1;
                    if (progress)
                        progress->advance(int64_t(unit.members.size()));
                }
            },
            context);
        auto batch = std::make_shared<Batch>();
        for (size_t u = 0; u < units.size(); ++u) {
            if (!finished[u]) {
                stopped = true; // its trials go back to pending when the worker unregisters
                continue;
            }
            for (size_t m = 0; m < units[u].members.size(); ++m) {
                TrialResult &r = results[u][m];
                failed += r.ok ? 0 : 1;
                batch->push_back({pending[units[u].members[m]].id, std::move(r)});
            }
        }
        written += int64_t(batch->size());
        if (!batch->empty())
            inFlight.push_back(
                writer.submit([batch](store::Project &p) { writeBatch(p, *batch); }));
        while (inFlight.size() > 2) {
            inFlight.front().get(); // rethrows a write error
            inFlight.pop_front();
        }
        stopped = stopped || cancelled();
    }
    writer.flush();
    for (std::future<void> &f : inFlight)
        f.get();
    return {written, stopped};
}

} // namespace

RunReport StudyRunner::run(const StudySpec &spec, const RunOptions &options)
{
    const auto started = std::chrono::steady_clock::now();
    const ThreadLimit threads(options.threads);
    auto log = [&](const std::string &line) {
        if (options.log)
            options.log(line);
    };
    RunReport report;
    report.study = spec.name;
    // A dataset that does not load and trials that do not resolve show before the project
    // file is opened: such a run leaves the file as it was, or creates none.
    StudyAssets assets(spec);
    assets.prepareData();
    const std::vector<TrialConfig> trials = resolveTrials(spec);
    store::Project project(m_path, store::Project::Access::ReadWrite);
    {
        // One transaction: a study that cannot be created (its name taken by another spec)
        // leaves no dataset behind either.
        auto start = project.begin();
        assets.attach(project);
        const bool known = project.findStudy(spec.name).has_value();
        report.studyId = project.createStudy(spec.name, canonicalJson(spec.toJson()));
        const store::Shard stored = project.studyShard(report.studyId);
        if (stored != options.shard) {
            if (!options.shard.sharded())
                throw Error(m_path, "computes shard " + stored.text() + " of study '" + spec.name
                                        + "'; run it with --shard " + stored.text()
                                        + " or resume it");
            if (known && !stored.sharded())
                throw Error(m_path, "holds the whole study '" + spec.name + "'; compute shard "
                                        + options.shard.text() + " into a project file of its own");
            project.setStudyShard(report.studyId, options.shard); // Error for another shard
        }
        project.setStudyStatus(report.studyId, store::StudyStatus::Running);
        project.recordRun(report.studyId, activeThreads());
        start->commit();
    }
    // Other processes may run the same study on this file at once: they share the assets
    // and the trials through this worker's leases and claims.
    const store::WorkerSession worker(m_path);
    assets.setWorker(worker.id());
    try {
        log("data: " + assets.prepared().description);
        for (const ModelSpec &m : spec.models)
            report.storedModels[m.name] = assets.storedModelName(m.name);
        const store::Shard &shard = options.shard;
        report.trials = 0;
        // Keyed and registered in chunks, so that a cancel is seen within a few
        // milliseconds even for studies of millions of trials; registering is idempotent.
        auto checkCancel = [&] {
            if (options.progress && options.progress->cancelRequested())
                throw Cancelled{};
        };
        constexpr size_t kChunk = 4096;
        std::map<std::string, const TrialConfig *> byKey;
        std::vector<store::TrialConfig> configs;
        for (size_t begin = 0; begin < trials.size(); begin += kChunk) {
            checkCancel();
            configs.clear();
            for (size_t i = begin; i < std::min(trials.size(), begin + kChunk); ++i) {
                const TrialConfig &t = trials[i];
                const std::string key = t.key(assets.identity());
                configs.push_back({key, t.resolvedJson(assets.identity(), true)});
                if (shard.contains(key)) {
                    byKey[key] = &t;
                    ++report.trials;
                }
            }
            project.addTrials(report.studyId, configs);
        }
        // Trials left running by a killed run go back to pending; those of live workers
        // are theirs.
        project.reclaimDeadWorkers(report.studyId);
        checkCancel();
        // What is not done yet: pending, or running in another process that may still be
        // found gone (its trials then need this process's assets too).
        std::vector<TrialConfig> openConfigs;
        for (const store::TrialStatus status :
             {store::TrialStatus::Pending, store::TrialStatus::Running}) {
            for (const store::TrialRecord &r : project.trials(report.studyId, status, shard)) {
                const auto it = byKey.find(r.configHash);
                if (it != byKey.end())
                    openConfigs.push_back(*it->second);
            }
        }
        report.reused = report.trials - int64_t(openConfigs.size());
        log("trials: " + std::to_string(report.trials)
            + (shard.sharded()
                   ? " of shard " + shard.text() + " (of " + std::to_string(trials.size()) + ")"
                   : std::string())
            + " (" + std::to_string(openConfigs.size()) + " to compute)");

        const AssetNeeds needs = AssetNeeds::of(openConfigs);
        if (options.progress) {
            options.progress->reset(assets.plannedUnits(needs) + int64_t(openConfigs.size()));
        }
        assets.prepare(needs, options.progress, log);
        report.assets = assets.report();

        const TrialEvaluator evaluator(assets.data());
        const auto [written, stopped]
            = evaluateTrials(project, report.studyId, worker.id(), byKey, evaluator, options,
                             int64_t(openConfigs.size()), report.failed);
        report.computed = written;
        if (!stopped)
            report.computedElsewhere = int64_t(openConfigs.size()) - written;
        if (stopped) {
            project.setStudyStatus(report.studyId, store::StudyStatus::Cancelled);
            report.status = "cancelled";
        } else {
            // The front changes only when trials were added (by this process or another
            // one running the study at the same time).
            const std::string objectives = objectivesToString(spec.objectives);
            if (!openConfigs.empty() || !project.findFront(report.studyId, objectives))
                storeFront(project, report.studyId, spec.objectives, spec.constraints);
            const store::FrontRecord stored = *project.findFront(report.studyId, objectives);
            report.frontSize = int64_t(stored.trialIds.size());
            report.hypervolume = stored.hypervolume;
            report.kneeTrialId = stored.kneeTrialId;
            project.setStudyStatus(report.studyId, store::StudyStatus::Done);
            report.status = "done";
        }
    } catch (const Cancelled &) {
        report.assets = assets.report();
        project.setStudyStatus(report.studyId, store::StudyStatus::Cancelled);
        report.status = "cancelled";
    } catch (...) {
        try {
            project.setStudyStatus(report.studyId, store::StudyStatus::Failed);
        } catch (...) {
        }
        throw;
    }
    report.seconds
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    log("study " + spec.name + ": " + report.status);
    return report;
}

RunReport StudyRunner::resume(const std::string &studyName, const RunOptions &options)
{
    std::string spec;
    std::string name = studyName;
    store::Shard shard;
    {
        store::Project project(m_path, store::Project::Access::Existing);
        if (name.empty()) {
            std::vector<std::string> open;
            for (const store::StudyRecord &s : project.studies()) {
                if (s.status != store::StudyStatus::Done)
                    open.push_back(s.name);
            }
            if (open.size() != 1)
                throw Error(m_path, open.empty() ? "no unfinished study to resume"
                                                 : "more than one unfinished study; name one "
                                                   "with --study");
            name = open.front();
        }
        const auto study = project.findStudy(name);
        if (!study)
            throw Error(m_path, "no study named '" + name + "'");
        spec = study->spec;
        const store::Shard stored = project.studyShard(study->id);
        if (options.shard.sharded() && options.shard != stored)
            throw Error(m_path, (stored.sharded() ? "computes shard " + stored.text()
                                                  : std::string("holds the whole study"))
                                    + " of study '" + name + "', not shard "
                                    + options.shard.text());
        shard = stored;
    }
    RunOptions withShard = options;
    withShard.shard = shard;
    return run(parseStudySpec(QByteArray::fromStdString(spec), m_path + ": study " + name),
               withShard);
}

} // namespace frontier::study
