#pragma once

#include "studyspec.h"
#include "trialconfig.h"

#include <cstdint>
#include <vector>

namespace frontier::study {

// The most trials one study may resolve to (a guard against a mistyped range).
constexpr int64_t kMaxTrials = 5000000;

// Number of trials of the full grid (threshold ranges expanded to their `count` values).
int64_t gridSize(const StudySpec &spec);

// The study's trials, in a fixed order:
//   grid    every combination, per policy entry in spec order: model, variant (chain),
//           τ, decision module (with each of its thresholds), remote, device, link, server;
//   random  `search.trials` distinct trials (all of them when the grid is smaller), drawn
//           with frontier::Random(search.seed): a policy entry with probability in
//           proportion to its grid size, then every knob uniformly; a τ range gives a
//           uniform value in [from, to] instead of one of its grid points. Trials whose
//           knobs repeat are drawn again (at most 50 draws per trial).
// The same spec gives the same list on every platform and thread count.
// Throws Error(spec.path, ...) when the grid exceeds kMaxTrials.
std::vector<TrialConfig> resolveTrials(const StudySpec &spec);

} // namespace frontier::study
