#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::study {

struct MergeOptions
{
    // The study to merge; empty: the only study of the first shard file.
    std::string study;
    // Merge an incomplete set: shards missing from the list, or not finished, leave their
    // trials pending in the target (`study resume` computes them there, unsharded).
    bool partial = false;
};

struct MergeReport
{
    std::string study;
    int files = 0;            // shard files read
    int shardCount = 0;       // n of the shards i/n (1 for a project holding a whole study)
    std::vector<int> missing; // shard indices not given (only with MergeOptions::partial)
    int64_t trials = 0;       // trials of the study in the target after the merge
    int64_t done = 0;         // of those, done
    int64_t failed = 0;       //           failed
    int64_t pending = 0;      //           not computed (by a missing or unfinished shard)
    int64_t added = 0;        // trial results the target did not hold before
    int64_t models = 0;       // models new to the target
    int64_t outputs = 0;      // output caches new to the target
    std::string status;       // the target study's status: "done", or "pending" when incomplete
    bool changed = false;     // anything written to the target at all
};

// Merges the shards of one study (project files written by `study run --shard i/n`,
// docs/scale-out.md) into the project file `target`, created when missing: the study and
// its spec, every trial in the order of the spec (trial ids as one whole run gives them in
// a new file), the results of each shard's own trials, the datasets, models and output
// caches, and the runs that computed them; then the study's front and status ("done" when
// every trial is done or failed).
//
// Checked before anything is written; each failure throws a one-line Error naming the
// file at fault, and the target is left as it was (one transaction; a target that did not
// exist is removed again):
//  - every file is a Frontier project holding the study (a corrupt or foreign file, a
//    missing one or one without the study is refused);
//  - all hold the same spec, were computed by one Frontier version on one kernel path
//    (the runs table's frontier_version, isa and kernels; FRONTIER_ISA forces one), and
//    are shards of one count n;
//  - a trial computed by more than one file (the same shard given twice) has identical
//    metrics, and identical to the target's when the target already holds it;
//  - unless `partial`: every shard index 0..n-1 is given, every shard is finished (its
//    study done, no trial of its own open), and every trial of the study was computed by
//    one of them (shards that read different data resolve the spec to other trials).
//
// Idempotent: merging the same files again writes nothing. Not thread-safe; reads the
// shard files read-only (a shard still running may be read: only its committed trials
// count).
MergeReport mergeShards(const std::string &target, const std::vector<std::string> &shards,
                        const MergeOptions &options = {});

} // namespace frontier::study
