#pragma once

#include "studyassets.h"
#include "studyspec.h"

#include "common/progress.h"
#include "store/shard.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace frontier::study {

struct RunOptions
{
    // oneTBB threads for this run (0 = all cores). Results never depend on it.
    int threads = 0;
    // Optional. The runner sets its total and advances it as models are trained, variants
    // run and trials finish (units: see StudyRunner); cancel() from any thread stops the
    // run within 200 ms.
    Progress *progress = nullptr;
    // Optional: one line per step (data, models, variants, trials, front), called on the
    // thread that called run().
    std::function<void(const std::string &)> log;
    // Trials per committed transaction: a killed run loses at most the trials of the batch
    // being computed and of the one being written.
    int batchTrials = 512;
    // Compute only this shard of the study's trials (docs/scale-out.md). The project file
    // records it with the study; a later run or resume with another shard (or none) is
    // refused. Every trial of the spec is registered (pending), in the spec's order, so
    // that merged shards number their trials as one whole run does.
    store::Shard shard;
};

struct RunReport
{
    std::string study;
    int64_t studyId = 0;
    std::string status;   // "done" or "cancelled"
    int64_t trials = 0;   // trials of the spec (of its shard, for a sharded run)
    int64_t computed = 0; // evaluated and stored by this run (failed ones included)
    int64_t failed = 0;   // of those, failed (their reason is in the project file)
    int64_t reused = 0;   // already done before this run
    // Open when this run started and evaluated meanwhile by other processes running the
    // study on the same project file (computed + computedElsewhere + reused = trials).
    int64_t computedElsewhere = 0;
    AssetReport assets;
    std::map<std::string, std::string> storedModels; // spec model name -> project file name
    int64_t frontSize = 0; // the spec's objectives over the trials meeting its constraints
    double hypervolume = 0;
    int64_t kneeTrialId = 0; // 0 when none
    double seconds = 0;

    bool cancelled() const { return status == "cancelled"; }
};

// Runs studies into a project file (DESIGN.md, Studies; docs/study-spec.md):
//
//  1. registers the study (its normalised spec) and the dataset; prepares the data;
//  2. resolves the trials, keys them (TrialConfig::key) and adds the new ones as
//     pending; trials left "running" by a killed run go back to pending;
//  3. gathers what the pending trials need (StudyAssets): models (trained or read from the
//     project file), per-sample outputs of each (model, format) on the calibration and
//     test splits (read from the output caches or computed once and stored), costs;
//  4. evaluates the pending trials as oneTBB tasks (TrialEvaluator; a family of trials
//     that differ in one threshold shares one sort), in batches of RunOptions::batchTrials
//     committed by one writer thread, one transaction per batch, while the next batch
//     computes;
//  5. stores the front of the spec's objectives over the trials meeting its constraints.
//
// Several processes may run the same study on one project file at once: each registers
// as a worker (store::WorkerSession), trains a model or runs a variant only under a lease
// (the others wait, then read it), and evaluates only the trials it claimed; a run that
// is done with its claims waits for the trials others still evaluate before storing the
// front. A killed process's leases and claims are reclaimed by the next run
// (docs/decisions/0010-writer-leases.md). RunReport counts what this process did.
//
// A second run of the same spec computes nothing; a run after a kill computes exactly
// the missing trials, with results identical to an uninterrupted run, for any number of
// threads. Progress units: 200 per model to train, 20 per variant to run, 1 per trial.
//
// Threading: call run()/resume() on a worker thread (never the GUI thread); watch
// RunOptions::progress from any thread and cancel through it; when the call returns,
// read the results with a store::Project of your own (read-only works while another run
// writes). A StudyRunner holds no state between calls.
//
// Errors: bad specs and inputs throw Error naming the spec file and key; the study is
// then marked "failed". Cancellation returns a report with status "cancelled".
class StudyRunner
{
public:
    explicit StudyRunner(std::string projectPath)
        : m_path(std::move(projectPath))
    {}

    RunReport run(const StudySpec &spec, const RunOptions &options = {});

    // Continues a study of the project file from its stored spec (and its stored shard:
    // options.shard, when given, must be that one). An empty name picks the only study
    // that is not done; Error when there is none or more than one.
    RunReport resume(const std::string &studyName, const RunOptions &options = {});

private:
    std::string m_path;
};

} // namespace frontier::study
