#pragma once

#include "policy/cascade.h"
#include "policy/decisionmodule.h"
#include "policy/policies.h"
#include "policy/tieroutputs.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace frontier::ui {

class JobContext;

// What the threshold explorer evaluates: one policy over the tiers of a model (and, for
// HI, a remote), on a dataset's calibration and test splits, with costs from a device
// preset (and a link for HI).
struct ExplorerRequest
{
    enum class Policy { Ari, Hi, Ee };

    Policy policy = Policy::Ari;
    std::string dataset;   // data::prepare spec; "" = the model's metadata["dataset"]
    std::string modelPath; // the device model (.fmodel or .onnx)
    // ARI: the reduced tiers in cascade order ({"int4"} or {"int2", "int6"}); HI: the
    // local tier's format (one entry); EE: the format of every head (one entry).
    std::vector<std::string> formats = {"int4"};
    std::string fullFormat = "fp32"; // ARI's last tier
    std::string remoteModelPath;     // HI: "" = an ideal remote of remoteAccuracy
    double remoteAccuracy = 0.99;
    // HI: margin, maxprob, entropy, lr (logistic regression fitted on the calibration
    // split) or a plugin's decision rule (policy::DecisionRuleRegistry), fitted likewise.
    std::string decision = "margin";
    std::string device = "asic45";
    std::string link = "wifi";
    std::string server;     // HI: "" = no server energy
    int maxTest = 0;        // use the first N test samples (0 = all)
    int maxCalibration = 0; // and the first N calibration samples
};

// Everything the explorer needs, computed once by computeExplorerData() on a worker
// thread: per-sample outputs of every tier on both splits (the cache), their costs, and
// the labels. Every threshold is then evaluated from these alone, on the GUI thread,
// through core/policy (Cascade, ThresholdSweep, ThresholdRule). Value type.
struct ExplorerData
{
    ExplorerRequest request;
    std::string description; // one line: data, tiers, device
    std::string dataset;     // the spec actually used
    std::vector<int> testLabels;
    std::vector<int> calibrationLabels;
    std::vector<policy::Tier> tiers;              // test split: outputs and stage costs
    std::vector<policy::TierOutputs> calibration; // per tier, calibration split
    std::vector<int> fullPredictions;             // test: the reference model's answers
    std::vector<int> fullCalibrationPredictions;
    policy::Cascade::Reference reference; // the reference model for every sample
    // HI: the decision module, fitted on the calibration split when it learns (lr, a
    // plugin's rule); cascade() sets its threshold.
    std::optional<policy::DecisionModule> hiDecision;

    // Stages that carry a threshold (ARI: tiers - 1; HI: 1; EE: heads - 1).
    int thresholdCount() const;
    // The policy's cascade on the test split with one τ per thresholded stage.
    // Throws Error (as the builders do).
    policy::Cascade cascade(const std::vector<double> &taus) const;
    // What stage s's confidence is ("margin", "max probability", ...), for labels.
    std::string confidenceName() const;
    // τ chosen by each rule that applies to stage s (ARI: M, PDF q, fidelity >= x on the
    // calibration split against the full tier; none for HI and EE), as (label, τ).
    std::vector<std::pair<std::string, double>> ruleThresholds(int stage, double pdfQ,
                                                               double fidelity) const;
};

// Prepares the data, builds the variants (numeric::makeVariant, calibrated on the
// calibration split), runs every tier on the calibration and test splits, and prices
// every stage with core/cost. Worker thread; progress and cancellation through `ctx`.
// Throws frontier::Error with a one-line reason, or frontier::Cancelled.
ExplorerData computeExplorerData(const ExplorerRequest &request, JobContext &ctx);

} // namespace frontier::ui
