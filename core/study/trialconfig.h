#pragma once

#include "studyspec.h"

#include <QJsonObject>

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace frontier::study {

// One device tier of a trial: a model of the study in one number format.
struct TierRef
{
    std::string model;
    std::string format;

    std::string label() const { return model + "/" + format; } // "mlp/int4"
    bool operator==(const TierRef &) const = default;
};

// What the hash of a trial covers besides its knobs: the identity of the data, of every
// model and of every preset it uses, so that a changed dataset file, model file, recipe
// setting or preset gives new trials instead of stale results.
struct StudyIdentity
{
    std::string dataset;                        // hash of the dataset spec and its content
    std::map<std::string, std::string> models;  // model name -> hash of its spec or file
    std::map<std::string, std::string> presets; // preset name -> SHA-256 of its file
};

// One resolved configuration of a study: a policy with every knob fixed. A value type.
struct TrialConfig
{
    int policyIndex = 0; // which entry of StudySpec::policies it came from
    policy::PolicyKind kind = policy::PolicyKind::Single;
    std::vector<TierRef> tiers; // device tiers in cascade order (ARI: reduced..., full;
                                // EE: one model/format whose heads are the stages)
    std::string tauRule;        // canonical rule or value text; "" = none
    DecisionSpec decision;      // offloading policies
    double decisionTau = NAN;   // maxprob / margin / entropy threshold; NaN = none
    RemoteSpec remote;          // offloading policies
    std::string device;
    std::string link;               // offloading policies
    std::string server;             // "" = none
    IntermittentKnobs intermittent; // policies on harvested power (see `harvested`)
    bool harvested = false;         // kind intermittent, or ari / ee on an intermittent device

    bool offloads() const;
    // The knobs as a JSON object (what `study trials` prints; canonical key order).
    QJsonObject knobs() const;
    // The knobs under their column names, as text: policy, tiers, tau_rule, decision,
    // decision_tau, remote, device, link, server, intermittent (empty where they do not
    // apply).
    std::vector<std::pair<std::string, std::string>> knobColumns() const;
    // One line, e.g. "ari mlp/int4>mlp/fp32 tau=M on asic45".
    std::string label() const;
    // Every model the trial reads outputs of (device tiers and a remote model).
    std::vector<std::string> modelsUsed() const;
    std::vector<std::string> presetsUsed() const;

    // The knobs with the identities of what they use; its canonical hash is the key.
    QJsonObject resolved(const StudyIdentity &identity) const;
    // canonicalJson(resolved(identity)), with "policy_index" added when asked (what the
    // project file stores), written directly: the runner keys many thousands of trials.
    std::string resolvedJson(const StudyIdentity &identity, bool withPolicyIndex = false) const;
    std::string key(const StudyIdentity &identity) const;

    // Reads knobs() back (for trials stored in a project file). Throws Error.
    static TrialConfig fromKnobs(const QJsonObject &knobs);
};

} // namespace frontier::study
