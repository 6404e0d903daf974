#pragma once

#include "constraint.h"
#include "intermittentknobs.h"
#include "pareto.h"

#include "policy/decisionrule.h"
#include "policy/policies.h"

#include "data/catalog.h"

#include <QByteArray>
#include <QJsonObject>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace frontier::study {

// A study spec: what to evaluate (dataset, models, variants, policies and their knob
// ranges, cost presets) and how to look at it (objectives, constraints). The JSON schema
// is documented in docs/study-spec.md, with examples in resources/studies/.
//
// parseStudySpec() validates everything that can be checked without data: JSON syntax,
// unknown or missing keys, types, ranges of knobs, format names (numeric::parseFormat),
// threshold rules, recipe names, model files, preset names and types, metric names. Every
// problem throws frontier::Error("<spec file>", "key '<key path>': <problem>") — one line.
// What needs the data (a model without exit heads in an EE policy, a format a device has
// no timing for) is reported by the runner, also naming the spec and key.

constexpr int kStudySpecSchema = 1;

struct DatasetSpec
{
    std::string name = "synth-digits"; // catalog name or path (absolute once parsed)
    uint64_t seed = 1;                 // generator and random splits
    int samples = 0;                   // synth-digits: samples to generate (0 = default)
    double testFraction = 0.2;
    double calibrationFraction = 0.1;
    std::string normalization; // "" = the data kind's default
    std::string labelColumn;   // CSV files
    int maxCalibration = 0;    // use the first N calibration samples (0 = all)
    int maxTest = 0;           // use the first N test samples (0 = all)

    data::LoadOptions loadOptions() const;
};

struct ModelSpec
{
    std::string name;        // unique within the study; [A-Za-z0-9_.+-]
    std::string recipe;      // trained by recipe on the train split, or ...
    std::string path;        // ... loaded from a .fmodel or .onnx file (absolute)
    std::vector<int> widths; // recipe widths (empty = the recipe's defaults)
    int epochs = -1;         // -1 = the recipe's tuned default
    uint64_t seed = 1;       // initialisation and shuffling
    // Training method (core/train/quanttraining.h): "" trains with the recipe's trainer;
    // "fp32", "qat" or "rct" with that method, whose accounting (train_energy_pj,
    // train_gemm_energy_pj, param_memory_bytes on each study device) then joins the trials.
    std::string method;
    int bits = 8; // qat: int<bits>; rct: the initial bitwidth

    bool trained() const { return !recipe.empty(); }
};

// A threshold knob value: a rule text ("M", "PDF 0.99", "fidelity>=0.99", "0.25"), or a
// range of plain values (grid: `count` values from `from` to `to`; random search: uniform
// in [from, to]).
struct TauOption
{
    std::string rule;
    bool isRange = false;
    double from = 0;
    double to = 1;
    int count = 1;

    int gridSize() const { return isRange ? count : 1; }
};

// HI's decision module: "lr" (fitted on the calibration split), "maxprob", "margin",
// "entropy", "oracle", or "fixed" logistic regression with β, w1, w2.
struct DecisionSpec
{
    std::string kind;
    double beta = 0;
    double w1 = 0;
    double w2 = 0;

    bool takesThreshold() const
    {
        return kind == "maxprob" || kind == "margin" || kind == "entropy" || isCustom();
    }
    std::string label() const; // "lr", "fixed(-4.63,5.94,-3.04)"
    // A plugin's rule (policy::DecisionRuleRegistry), fitted on the calibration split.
    bool isCustom() const { return policy::DecisionRuleRegistry::instance().find(kind) != nullptr; }
};

// HI's remote: a model of the study in a format, or an ideal remote of given accuracy.
struct RemoteSpec
{
    std::string model; // empty: ideal
    std::string format = "fp32";
    double accuracy = -1; // ideal remote: share of samples it answers right
    uint64_t seed = 1;    // ideal remote: which samples

    bool ideal() const { return model.empty(); }
    std::string label() const; // "lenet/fp32", "ideal(0.99)"
};

struct PolicySpec
{
    policy::PolicyKind kind = policy::PolicyKind::Single;
    std::vector<std::string> models; // the device models, each giving its own trials
    // single, hi, ee, ee-hi: one format per entry. ari, ari-hi: the reduced tiers, each a
    // chain of one or more formats in cascade order; the full tier `full` follows them.
    std::vector<std::vector<std::string>> variants;
    std::string full = "fp32";
    std::vector<TauOption> taus;         // ari, ari-hi: margin rules/values; ee, ee-hi: values
    std::vector<DecisionSpec> decisions; // hi, ee-hi, ari-hi
    std::vector<TauOption> decisionTaus; // thresholds of maxprob / margin / entropy
    std::vector<RemoteSpec> remotes;     // hi, ee-hi, ari-hi
    IntermittentSpec intermittent;       // intermittent; ari, ee with an "intermittent" section
    bool harvested = false; // on an intermittently powered device (kind intermittent, or an
                            // ari / ee policy with an "intermittent" section)

    bool offloads() const;
    bool hasTaus() const;
};

struct SearchSpec
{
    enum class Kind { Grid, Random };
    Kind kind = Kind::Grid;
    int trials = 0;    // random: how many distinct trials to draw (at most the grid's size)
    uint64_t seed = 1; // random: the draw
};

struct StudySpec
{
    std::string name; // [A-Za-z0-9_.+-], the study's key in the project file
    std::string description;
    std::string path; // the file it was read from ("" when parsed from text)
    DatasetSpec dataset;
    std::vector<ModelSpec> models;
    std::vector<PolicySpec> policies;
    std::vector<std::string> devices;     // device presets: every trial runs on each
    std::vector<std::string> links;       // link presets for offloading policies
    std::vector<std::string> servers;     // server presets ("" = none); default {""}
    int offloadInputBits = 8;             // bits per input element sent when offloading
    int offloadAnswerBytes = 4;           // bytes of the remote's answer
    std::vector<Objective> objectives;    // default energy_pj:min, accuracy:max
    std::vector<std::string> constraints; // canonical texts, e.g. "accuracy>=0.98"
    SearchSpec search;

    const ModelSpec *model(const std::string &name) const; // nullptr if absent
    // The normalised spec (absolute paths, canonical format names and rules, defaults
    // written out); parseStudySpec(toJson()) gives the same spec. What the project file
    // keeps, so that `study resume` needs no spec file.
    QJsonObject toJson() const;
};

// Parses and validates; relative paths (dataset, models) are taken relative to baseDir
// first (when the file exists there), then as given (catalog names, search path).
StudySpec parseStudySpec(const QByteArray &json, const std::string &where,
                         const std::string &baseDir = {});
StudySpec parseStudySpec(const QJsonObject &json, const std::string &where,
                         const std::string &baseDir = {});

// Reads a spec file (relative paths from its folder). Throws Error("<path>", ...).
StudySpec loadStudySpec(const std::string &path);

// Metric names a spec may use in objectives and constraints: those of
// policy::Metrics::named(), reached_<s>, tau, tau_<s> and decision_tau.
bool isKnownMetric(const std::string &name);
// The same as a list (reached_<s> and tau_<s> for s up to 9), for parseConstraints().
std::vector<std::string> knownMetrics();

} // namespace frontier::study
