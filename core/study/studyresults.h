#pragma once

#include "pareto.h"
#include "trialconfig.h"

#include "store/records.h"

#include <QJsonObject>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace frontier::store {
class Project;
}

namespace frontier::study {

// A study's done trials as a table: every metric its trials have (sorted names), one
// row per trial in trial-id order, NaN where a trial lacks a metric, and each row's
// knobs. What `frontier study trials|front|best`, reports and the GUI read. A value.
class StudyResults
{
public:
    // Throws Error when the project has no study of that name. Without configs, config()
    // and hash() are not available (what fronts need is the table alone, much faster).
    static StudyResults load(store::Project &project, const std::string &studyName);
    static StudyResults load(store::Project &project, int64_t studyId, bool withConfigs = true);

    int64_t studyId() const { return m_studyId; }
    const store::MetricTable &table() const { return m_table; }
    int rows() const { return m_table.rows(); }
    const std::vector<std::string> &columns() const { return m_table.columns; }
    // Index of a metric column; -1 when no trial has it.
    int column(const std::string &metric) const;
    const TrialConfig &config(int row) const { return m_configs.at(size_t(row)); }
    bool hasConfigs() const { return !m_configs.empty() || m_table.rows() == 0; }
    // Whether the trial is a bound, not a deployable configuration: an offloading policy
    // whose decision module is the oracle (it knows which samples the device gets wrong).
    // False when the configs were not loaded.
    bool isBound(int row) const;
    // The value of a grouping column for a row: any knob column of TrialConfig::knobColumns()
    // ("device", "policy", "decision", "link", ...), or "model" (the first tier's model).
    // Throws Error naming the column when it is not one of those.
    std::string groupValue(int row, const std::string &column) const;
    const std::string &hash(int row) const { return m_hashes.at(size_t(row)); }

    // Rows meeting every constraint ("accuracy>=0.98", comma- or "and"-separated texts).
    // Throws Error for a constraint on a metric no trial has.
    std::vector<int> feasibleRows(const std::vector<std::string> &constraints) const;

private:
    int64_t m_studyId = 0;
    store::MetricTable m_table;
    std::vector<TrialConfig> m_configs;
    std::vector<std::string> m_hashes;
};

// The Pareto front of some objectives over the rows meeting the constraints (rows with a
// NaN objective are left out). Hypervolume against the worst feasible value of each
// objective (so it measures the front within the feasible region); the knee as
// pareto.h's kneePoint. Rows index StudyResults' table.
struct FrontResult
{
    std::vector<Objective> objectives;
    std::string group;             // the group's value when fronts are grouped, else ""
    std::vector<int> rows;         // on the front, ascending
    std::vector<double> reference; // one per objective: the worst feasible value
    std::vector<double> ideal;     // one per objective: the best feasible value
    double hypervolume = 0;
    // hypervolume / the volume of the box between ideal and reference: the fraction of
    // that box the front dominates, in [0, 1] (NaN when the box is empty).
    double normalisedHypervolume = NAN;
    int knee = -1;      // a row, or -1
    int candidates = 0; // feasible rows considered (bounds excluded unless asked for)

    std::vector<int64_t> trialIds(const StudyResults &results) const;
};

// Which rows a front considers: all (or `rows` when set), meeting the constraints, bounds
// (oracle trials) only when includeBounds.
struct FrontScope
{
    std::vector<std::string> constraints;
    bool includeBounds = false;
    const std::vector<int> *rows = nullptr;
};

// Throws Error naming an objective or constraint metric that no trial has.
FrontResult computeFront(const StudyResults &results, const std::vector<Objective> &objectives,
                         const std::vector<std::string> &constraints = {});
FrontResult computeFront(const StudyResults &results, const std::vector<Objective> &objectives,
                         const FrontScope &scope);

// One front per value of a grouping column (StudyResults::groupValue), groups in order of
// first appearance in the table; groupBy "" gives one front of everything.
std::vector<FrontResult> computeGroupedFronts(const StudyResults &results,
                                              const std::vector<Objective> &objectives,
                                              const FrontScope &scope, const std::string &groupBy);

// The bound curve: the front of the bound (oracle) trials alone, for drawing beside the
// deployable front; empty when there are none.
FrontResult computeBoundFront(const StudyResults &results, const std::vector<Objective> &objectives,
                              const FrontScope &scope);

// Metric columns in a fixed, readable order: the policy metrics as knownMetrics() lists
// them, then anything else the trials have.
std::vector<std::string> orderedMetrics(const StudyResults &results);

// A text as one CSV field: quoted (quotes doubled) when it holds a comma, quote or newline.
std::string csvCell(const std::string &text);

// One trial as JSON: {trial, hash, each set knob, metrics {name: value}} (NaN metrics left
// out); what `study front|best --json` and reports print.
QJsonObject trialJson(const StudyResults &results, int row);

// The rows as CSV, one line per trial: trial id, hash, every knob column, every metric
// (raw values, numberText()); what `frontier study trials|front --csv` print and reports
// write. Text cells with commas or quotes are quoted.
std::string trialsCsv(const StudyResults &results, const std::vector<int> &rows);

// Computes the front and stores it in the project file (store::Project::putFront).
FrontResult storeFront(store::Project &project, int64_t studyId,
                       const std::vector<Objective> &objectives,
                       const std::vector<std::string> &constraints);

} // namespace frontier::study
