#include "slurmjob.h"

#include "common/error.h"
#include "common/fileutil.h"
#include "store/shard.h"

#include <cctype>
#include <cstring>
#include <filesystem>

namespace frontier::study {

namespace {

// A word for bash: single-quoted, with embedded quotes closed, escaped and reopened.
std::string quoted(const std::string &text)
{
    std::string out = "'";
    for (char c : text) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

bool plainWord(const std::string &text)
{
    for (const char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '\\'
            || c == '$' || c == '`')
            return false;
    }
    return true;
}

bool matches(const std::string &text, const char *allowed)
{
    if (text.empty())
        return false;
    for (const char c : text) {
        const bool alnum
            = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum && !std::strchr(allowed, c))
            return false;
    }
    return true;
}

std::string jobName(const std::string &study)
{
    std::string out = "frontier-";
    for (const char c : study)
        out += matches(std::string(1, c), "_.-") ? c : '_';
    return out;
}

} // namespace

std::string SlurmJob::shardPath(int index) const
{
    return outDir + "/shard-" + std::to_string(index) + "-of-" + std::to_string(shards)
           + ".frontier";
}

std::string SlurmJob::shardPattern() const
{
    return outDir + "/shard-*-of-" + std::to_string(shards) + ".frontier";
}

std::string SlurmJob::mergedPath() const
{
    return outDir + "/merged.frontier";
}

std::string SlurmJob::arrayScriptPath() const
{
    return outDir + "/array.sbatch";
}

std::string SlurmJob::mergeScriptPath() const
{
    return outDir + "/merge.sbatch";
}

std::string SlurmJob::submitScriptPath() const
{
    return outDir + "/submit.sh";
}

std::string SlurmJob::arrayScript() const
{
    const std::string n = std::to_string(shards);
    std::string s = "#!/bin/bash\n"
                    "# Study '"
                    + study + "' in " + n
                    + " shards, one array task each (written by `frontier study slurm`;\n"
                      "# docs/scale-out.md). Submitting it again resumes every shard: trials "
                      "already\n# done are kept, so only failed or unfinished tasks compute.\n";
    s += "#SBATCH --job-name=" + jobName(study) + "\n";
    s += "#SBATCH --array=0-" + std::to_string(shards - 1) + "\n";
    s += "#SBATCH --output=" + outDir + "/logs/shard-%a-of-" + n + ".log\n";
    if (!partition.empty())
        s += "#SBATCH --partition=" + partition + "\n";
    if (!time.empty())
        s += "#SBATCH --time=" + time + "\n";
    if (cpusPerTask > 0)
        s += "#SBATCH --cpus-per-task=" + std::to_string(cpusPerTask) + "\n";
    s += "set -euo pipefail\n";
    if (!isa.empty())
        s += "# Every shard on one kernel path: `study merge` refuses a mix.\n"
             "export FRONTIER_ISA="
             + isa + "\n";
    s += "i=${SLURM_ARRAY_TASK_ID:?run as a task of the job array (sbatch), or set "
         "SLURM_ARRAY_TASK_ID}\n"
         "threads=()\n"
         "if [ -n \"${SLURM_CPUS_PER_TASK:-}\" ]; then threads=(--threads "
         "\"$SLURM_CPUS_PER_TASK\"); fi\n";
    s += "exec " + quoted(frontier) + " study run " + quoted(spec) + " \\\n    --project "
         + quoted(outDir) + "/shard-\"$i\"-of-" + n + ".frontier --shard \"$i\"/" + n
         + " \"${threads[@]}\"\n";
    return s;
}

std::string SlurmJob::mergeScript() const
{
    const std::string n = std::to_string(shards);
    std::string s = "#!/bin/bash\n"
                    "# Merges the "
                    + n + " shards of study '" + study
                    + "' into one project file once every array task\n"
                      "# has succeeded (written by `frontier study slurm`; "
                      "docs/scale-out.md).\n";
    s += "#SBATCH --job-name=" + jobName(study) + "-merge\n";
    s += "#SBATCH --output=" + outDir + "/logs/merge.log\n";
    if (!partition.empty())
        s += "#SBATCH --partition=" + partition + "\n";
    if (!time.empty())
        s += "#SBATCH --time=" + time + "\n";
    s += "set -euo pipefail\n";
    s += "exec " + quoted(frontier) + " study merge --into " + quoted(mergedPath()) + " \\\n    "
         + quoted(outDir) + "/shard-{0.." + std::to_string(shards - 1) + "}-of-" + n
         + ".frontier\n";
    return s;
}

std::string SlurmJob::submitScript() const
{
    const std::string n = std::to_string(shards);
    std::string s = "#!/bin/bash\n"
                    "# Submits study '"
                    + study + "': " + n
                    + " shards as one job array, then the merge once all of them have\n"
                      "# succeeded. Run it again after a failure: finished shards are kept. "
                      "$SBATCH\n# overrides the sbatch command.\n";
    s += "set -euo pipefail\n"
         "sbatch=${SBATCH:-sbatch}\n";
    s += "mkdir -p " + quoted(outDir + "/logs") + "\n";
    s += "array=$(\"$sbatch\" --parsable " + quoted(arrayScriptPath())
         + ")\n"
           "array=${array%%;*}\n";
    s += "merge=$(\"$sbatch\" --parsable --dependency=afterok:\"$array\" "
         + quoted(mergeScriptPath())
         + ")\n"
           "merge=${merge%%;*}\n";
    s += "echo \"submitted: shards as job array $array, merge as job $merge (after every shard "
         "succeeds)\"\n";
    s += "echo "
         + quoted("progress:  " + frontier + " study status --project '" + shardPattern() + "'")
         + "\n";
    s += "echo " + quoted("result:    " + mergedPath()) + "\n";
    return s;
}

void SlurmJob::write() const
{
    for (const auto &[name, path] : {std::pair<const char *, const std::string *>{"--out", &outDir},
                                     {"spec", &spec},
                                     {"frontier binary", &frontier}}) {
        if (path->empty() || path->front() != '/')
            throw Error(name, "'" + *path + "' is not an absolute path");
        if (!plainWord(*path))
            throw Error(name, "'" + *path
                                  + "' holds whitespace, quotes, '$' or '\\', which #SBATCH "
                                    "lines and the scripts cannot carry; use another path");
    }
    if (shards < 1 || shards > store::Shard::kMaxCount)
        throw Error("--shards", std::to_string(shards) + " is not 1 to "
                                    + std::to_string(store::Shard::kMaxCount));
    if (!partition.empty() && !matches(partition, "_.,-"))
        throw Error("--partition", "'" + partition + "' is not a partition name");
    if (!time.empty()
        && (time.find_first_not_of("0123456789:-") != std::string::npos || !std::isdigit(time[0])))
        throw Error("--time", "'" + time + "' is not a Slurm time (e.g. 30, 2:00:00, 1-12:00:00)");
    if (cpusPerTask < 0)
        throw Error("--cpus-per-task", "must be positive");
    if (!isa.empty() && isa != "portable" && isa != "avx2" && isa != "avx512")
        throw Error("--isa", "'" + isa + "' is not a kernel path (portable, avx2, avx512)");
    std::error_code ec;
    std::filesystem::create_directories(outDir + "/logs", ec);
    if (ec)
        throw Error(outDir, "cannot create the folder: " + ec.message());
    for (const auto &[path, text] :
         {std::pair{arrayScriptPath(), arrayScript()}, std::pair{mergeScriptPath(), mergeScript()},
          std::pair{submitScriptPath(), submitScript()}}) {
        writeFileAtomic(path, text.data(), text.size());
        std::filesystem::permissions(path,
                                     std::filesystem::perms::owner_exec
                                         | std::filesystem::perms::group_exec
                                         | std::filesystem::perms::others_exec,
                                     std::filesystem::perm_options::add, ec);
    }
}

} // namespace frontier::study
