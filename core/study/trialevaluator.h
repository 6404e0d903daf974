#pragma once

#include "intermittentknobs.h"
#include "studydata.h"
#include "trialconfig.h"

#include "policy/cascade.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace frontier::study {

// The outcome of one trial: its metrics under their plain names (policy::Metrics::named(),
// then the thresholds actually used: tau, tau_2 ... for further reduced tiers, and
// decision_tau), or the one-line reason it could not be evaluated.
struct TrialResult
{
    bool ok = false;
    std::string error;
    std::vector<std::pair<std::string, double>> metrics;

    double metric(const std::string &name, double fallback = 0) const;
};

// Evaluates trials from a StudyData's caches; runs no network. Policies are built with
// core/policy's builders:
//   single  the tier answers everything
//   ari     tiers in order, the full format last; τ a value, or a rule (M, PDF q,
//           fidelity>=x) resolved on the calibration split for every reduced tier
//   hi      the tier, then the remote behind the decision module (lr: fitted on the
//           calibration split; fixed: the given coefficients; maxprob, margin, entropy:
//           the trial's decision_tau; oracle)
//   ee      the model's exit heads in the format; τ for every head but the last
//   ee-hi   EE, then HI on the last head; ari-hi: ARI, then HI on the full tier
// Reference ("the full model", the base of fidelity and of the savings): the `full` tier
// for ari and ari-hi, the model in fp32 for the others, run for every sample on the
// trial's device. The remote's stage costs the offload (device: radio and waiting;
// total: plus the server's energy per inference).
//
// Const and thread-safe: any number of threads may evaluate trials at once.
class TrialEvaluator
{
public:
    explicit TrialEvaluator(const StudyData &data)
        : m_data(data)
        , m_cascades(std::make_shared<CascadeCache>())
    {}

    // The trial's cascade with its thresholds set; `thresholds` receives the named
    // thresholds used (tau, tau_2, ..., decision_tau). Throws Error.
    policy::Cascade build(const TrialConfig &trial,
                          std::vector<std::pair<std::string, double>> *thresholds = nullptr) const;

    // Never throws for a bad trial: errors come back in TrialResult::error.
    TrialResult evaluate(const TrialConfig &trial) const;

    // Trials whose threshold can be swept on its own (a two-tier ARI or two-head EE with a
    // plain τ value, or HI with a thresholded decision module) share a family key: the
    // knobs without that threshold. "" for the others.
    std::string familyKey(const TrialConfig &trial) const;

    // Trials of one family (equal familyKey, non-empty): one cascade, one
    // policy::ThresholdSweep, a binary search per trial. Equal, to the bit, to evaluate()
    // on each trial.
    std::vector<TrialResult> evaluateFamily(const std::vector<const TrialConfig *> &trials) const;

private:
    // Appends train_energy_pj, train_gemm_energy_pj and param_memory_bytes when the trial's
    // first tier is a model trained with a method (StudyData::training).
    void addTrainingMetrics(const TrialConfig &trial, TrialResult &result) const;

    const StudyData &m_data;
    std::shared_ptr<CascadeCache> m_cascades; // ARI / EE on harvested power
};

} // namespace frontier::study
