#pragma once

#include <string>

namespace frontier::study {

// A study as a Slurm job array (docs/scale-out.md): one array task per shard, each
// running `frontier study run SPEC --project DIR/shard-<i>-of-<n>.frontier --shard i/n`
// (a resubmitted task resumes its shard), and a merge job that runs once every task has
// succeeded (sbatch --dependency=afterok).
struct SlurmJob
{
    std::string frontier;  // absolute path of the frontier binary the tasks run
    std::string spec;      // absolute path of the study spec
    std::string study;     // the study's name (job names)
    std::string outDir;    // absolute; shard files, the merged project, scripts and logs
    int shards = 1;        // 1 .. store::Shard::kMaxCount
    std::string partition; // #SBATCH --partition, empty: the cluster's default
    std::string time;      // #SBATCH --time (e.g. 2:00:00), empty: the partition's default
    int cpusPerTask = 0;   // #SBATCH --cpus-per-task and the tasks' --threads; 0: not set
    std::string isa;       // FRONTIER_ISA for every task (portable, avx2, avx512), or empty

    std::string shardPath(int index) const; // outDir/shard-<index>-of-<shards>.frontier
    std::string shardPattern() const;       // outDir/shard-*-of-<shards>.frontier
    std::string mergedPath() const;         // outDir/merged.frontier
    std::string arrayScriptPath() const;    // outDir/array.sbatch
    std::string mergeScriptPath() const;    // outDir/merge.sbatch
    std::string submitScriptPath() const;   // outDir/submit.sh

    // The scripts' text (bash).
    std::string arrayScript() const;
    std::string mergeScript() const;
    std::string submitScript() const;

    // Checks the fields (Error naming the bad one: a relative path, a path with
    // whitespace or quotes that #SBATCH lines cannot hold, an out-of-range count, a
    // malformed time), creates outDir and outDir/logs and writes the three scripts
    // atomically, executable.
    void write() const;
};

} // namespace frontier::study
