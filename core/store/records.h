#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace frontier::store {

// The rows of the project file, as plain values. Timestamps are ISO 8601 UTC text
// ("2025-01-31T12:00:00.000Z"), empty when not set.

struct DatasetRecord
{
    int64_t id = 0;
    std::string name;
    std::string path;
    std::string contentHash;
    std::string added;
};

struct ModelRecord
{
    int64_t id = 0;
    std::string name;
    std::string contentHash; // SHA-256 of the .fmodel bytes (lower-case hex)
    int64_t bytes = 0;       // size of the stored weights blob
    std::string added;
};

enum class StudyStatus { Pending, Running, Done, Failed, Cancelled };
enum class TrialStatus { Pending, Running, Done, Failed };

std::string toString(StudyStatus status);
std::string toString(TrialStatus status);
StudyStatus studyStatusFromString(const std::string &text); // throws Error
TrialStatus trialStatusFromString(const std::string &text); // throws Error

struct StudyRecord
{
    int64_t id = 0;
    std::string name;
    std::string spec; // the study's JSON spec as given
    StudyStatus status = StudyStatus::Pending;
    std::string created;
    std::string updated;
};

// A trial to be: the hash of its resolved configuration (unique within its study) and
// that configuration as JSON.
struct TrialConfig
{
    std::string hash;
    std::string config;
};

struct TrialRecord
{
    int64_t id = 0;
    int64_t studyId = 0;
    std::string configHash;
    std::string config;
    TrialStatus status = TrialStatus::Pending;
    std::string error; // why it failed
    std::string started;
    std::string finished;
};

using MetricValues = std::vector<std::pair<std::string, double>>;

// A finished trial in one go (batch inserts, imports, the storage benchmark).
struct FinishedTrial
{
    TrialConfig trial;
    MetricValues metrics;
};

struct TrialCounts
{
    int64_t pending = 0;
    int64_t running = 0;
    int64_t done = 0;
    int64_t failed = 0;
    int64_t total() const { return pending + running + done + failed; }
};

// Chosen metrics of the done trials of a study, one row per trial in trial-id order;
// values row-major (row r, column c at r * columns.size() + c), NaN where a trial has no
// such metric. The shape pareto.h's functions take.
struct MetricTable
{
    std::vector<std::string> columns;
    std::vector<int64_t> trialIds;
    std::vector<double> values;

    int rows() const { return int(trialIds.size()); }
    double at(int row, int column) const
    {
        return values[size_t(row) * columns.size() + size_t(column)];
    }
};

// What identifies one cached inference: a stored model, a variant (its format name, or a
// per-layer assignment string), a dataset by content hash, a split, and an exit head
// (-1 = the final head).
struct OutputKey
{
    int64_t modelId = 0;
    std::string format;
    std::string datasetHash;
    std::string split;
    int head = -1;
};

// The per-sample outputs of that inference: scores [samples * classes] (float32),
// predictions [samples], margins [samples]. Stored as little-endian float32/int32 blobs.
struct OutputCache
{
    OutputKey key;
    int samples = 0;
    int classes = 0;
    std::vector<float> scores;
    std::vector<int32_t> predictions;
    std::vector<float> margins;
    std::string isa; // the instruction-set path that computed it ("" when not recorded)
};

// One run (or resume) of a study: which Frontier, instruction-set path and CPU computed it.
// Every path gives the same bits (docs/decisions/0007), so runs on different machines
// may share a project; the record says which ones did.
struct RunRecord
{
    int64_t id = 0;
    int64_t studyId = 0;
    std::string frontierVersion;
    std::string isa;     // "portable", "avx2" or "avx512"
    std::string kernels; // JSON object: kernel family -> variant, e.g. {"sgemm":"avx2",...}
    std::string cpu;     // the CPU's brand string
    int threads = 0;
    std::string started;
};

// A process computing the project (a study run): who it is and when it last said it
// lives (heartbeat, Unix seconds). See Project::registerWorker.
struct WorkerRecord
{
    int64_t id = 0;
    std::string host;
    int64_t pid = 0;
    int64_t processStart = 0; // the process's start time, clock ticks after boot; 0: unknown
    std::string started;
    int64_t heartbeat = 0;
};

// A worker's exclusive claim on an asset it computes, e.g. "model:mlp@0123456789abcdef".
struct LeaseRecord
{
    std::string resource;
    int64_t workerId = 0;
    std::string acquired;
};

// A trial a worker claimed for evaluation.
struct ClaimedTrial
{
    int64_t id = 0;
    std::string configHash;
};

struct FrontRecord
{
    int64_t id = 0;
    int64_t studyId = 0;
    std::string objectives;        // e.g. "energy_pj:min,accuracy:max"
    std::vector<int64_t> trialIds; // the front's members, ascending
    double hypervolume = 0;        // NaN when not computed
    int64_t kneeTrialId = 0;       // 0 when none
    std::string computed;
};

} // namespace frontier::store
