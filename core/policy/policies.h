#pragma once

#include "cascade.h"
#include "decisionmodule.h"
#include "tieroutputs.h"

#include <string>
#include <vector>

namespace frontier::policy {

// One tier of a policy: its cached outputs on the evaluated split and what running it
// costs per sample (filled in by the study runner from the cost model):
//   device variant / exit head: deviceEnergy_pj, latency_us of that inference (for an exit
//     head: the segment from the previous head, plus the head itself), memory_bytes
//     resident (for heads: the segment's parameters), remoteEnergy_pj = 0; add the
//     decision module's cost to the tier it decides on;
//   remote: deviceEnergy_pj = offload energy on the device (transmit + wait), remoteEnergy_pj
//     = the server's inference, latency_us = transmit + round trip + server, memory 0.
struct Tier
{
    std::string name;
    TierOutputs outputs;
    StageCost cost;
};

// Intermittent: one tier answering everything (as Single) on a battery-less device, whose
// latency on harvested energy comes from core/intermittent (study/intermittentknobs.h).
enum class PolicyKind { Single, Ari, Hi, Ee, EeHi, AriHi, Intermittent };

// "single", "ari", "hi", "ee", "ee-hi", "ari-hi", "intermittent". Throws Error for others.
PolicyKind policyKindFromName(const std::string &name);
std::string policyName(PolicyKind kind);

// Builders. Every one returns a Cascade ready for evaluate() or ThresholdSweep; labels
// are the evaluated split's, fullPredictions the full model's answers on it for fidelity
// (empty = the last tier's answers: the full model for ARI, the remote for HI). `taus`
// holds one threshold per tier that has one, or a single value used for all of them.
// Throws Error for sizes that disagree, too few tiers, or a decision module that needs
// probabilities on a tier cached without scores.

// One tier answers everything.
Cascade singlePolicy(const Tier &tier, const std::vector<int> &labels,
                     const std::vector<int> &fullPredictions = {});

// ARI: tiers ordered by cost, the full model last (>= 2 tiers); stop at the first tier
// whose margin >= τ_i. τ from ThresholdRule / resolveAriThresholds on the calibration split.
Cascade ariPolicy(const std::vector<Tier> &tiers, const std::vector<double> &taus,
                  const std::vector<int> &labels, const std::vector<int> &fullPredictions = {});

// HI: the local tier answers unless the decision module offloads to the remote.
Cascade hiPolicy(const Tier &local, const DecisionModule &decision, const Tier &remote,
                 const std::vector<int> &labels, const std::vector<int> &fullPredictions = {});

// EE: exit heads in order (>= 2); exit at the first head whose max probability >= τ_k; the
// last head always answers. Needs scores.
Cascade eePolicy(const std::vector<Tier> &heads, const std::vector<double> &taus,
                 const std::vector<int> &labels, const std::vector<int> &fullPredictions = {});

// EE-HI: EE over the heads (τ for all heads but the last), then HI on the last head.
Cascade eeHiPolicy(const std::vector<Tier> &heads, const std::vector<double> &taus,
                   const DecisionModule &decision, const Tier &remote,
                   const std::vector<int> &labels, const std::vector<int> &fullPredictions = {});

// ARI-HI: ARI over the device tiers (τ for all but the last), then HI on the last device
// tier for what is still uncertain: three or more tiers in all.
Cascade ariHiPolicy(const std::vector<Tier> &tiers, const std::vector<double> &taus,
                    const DecisionModule &decision, const Tier &remote,
                    const std::vector<int> &labels, const std::vector<int> &fullPredictions = {});

} // namespace frontier::policy
