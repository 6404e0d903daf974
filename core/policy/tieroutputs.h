#pragma once

#include <string>
#include <utility>
#include <vector>

namespace frontier::policy {

// The cached per-sample outputs of one tier (a reduced-precision variant, an exit head or
// a remote model) on one split. Policies are evaluated from these alone: nothing here
// runs a network.
//
// classes is the number of scores per sample; 1 means a single sigmoid output p of a
// binary task, which is read as the two probabilities (1 - p, p): prediction p >= 0.5,
// margin |2p - 1|. scores may be empty when only predictions and margins are cached;
// then the decision modules that need probabilities (max probability, entropy, logistic
// regression) and exit heads cannot use this tier (they throw Error).
struct TierOutputs
{
    int classes = 0;
    std::vector<float> scores;    // [n * classes], softmax probabilities, sample-major
    std::vector<int> predictions; // [n]
    std::vector<float> margins;   // [n], top-1 minus top-2 score (>= 0)

    int size() const { return int(predictions.size()); }
    bool hasScores() const { return !scores.empty(); }

    // Predictions (arg-max, the lowest index on ties) and margins from softmax scores.
    // Throws Error when scores.size() is not a multiple of classes or classes < 1.
    static TierOutputs fromScores(std::vector<float> scores, int classes);

    // From logits: the scores become softmax(logits); the margins are taken on the
    // softmax scores, or on the logits themselves when marginOnLogits (DESIGN.md's option).
    static TierOutputs fromLogits(const std::vector<float> &logits, int classes,
                                  bool marginOnLogits = false);

    // Cached without scores (classes stays 0).
    static TierOutputs fromPredictions(std::vector<int> predictions, std::vector<float> margins);

    // The two largest probabilities p1 >= p2 of sample i. Needs scores.
    std::pair<float, float> topTwo(int i) const;
    // Per sample: the largest probability; 1 - H / ln K (1 = certain, 0 = uniform).
    std::vector<float> maxProbabilities() const;
    std::vector<float> entropyConfidences() const;

    // Throws Error("<where>", ...) when the arrays disagree in size, a margin is negative
    // or not finite, or a prediction is negative.
    void validate(const std::string &where) const;
};

// Row helpers on one sample's k scores (k = 1: one sigmoid output, see above).
int argMax(const float *row, int k);
float marginOf(const float *row, int k);
float maxProbabilityOf(const float *row, int k);
float entropyConfidenceOf(const float *row, int k);
// Numerically stable softmax of n rows of k logits (k = 1: the logistic function).
std::vector<float> softmax(const std::vector<float> &logits, int classes);

} // namespace frontier::policy
