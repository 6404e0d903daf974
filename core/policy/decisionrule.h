#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace frontier::policy {

// A decision rule fitted on a calibration split: a sample's confidence from the local
// tier's softmax scores. HI accepts the local answer when confidence >= threshold.
class FittedDecision
{
public:
    virtual ~FittedDecision() = default;

    // `scores` holds `classes` probabilities. Must be deterministic and thread-safe.
    virtual double confidence(const float *scores, int classes) const = 0;
    virtual std::string describe() const = 0; // "T = 1.42"
};

// An offload decision module besides the built-in ones (DESIGN.md, Plugins; a plugin's,
// e.g. temperature-scaled max probability). Header-only and free of core symbols; fit()
// throws std::exception with a one-line reason.
class DecisionRule
{
public:
    virtual ~DecisionRule() = default;

    virtual std::string name() const = 0;        // "tempscale": the name in specs and --decision
    virtual std::string description() const = 0; // one line
    // Fits on the calibration split: `scores` [n * classes] softmax probabilities,
    // sample-major; `labels` n class indices.
    virtual std::shared_ptr<const FittedDecision> fit(const std::vector<float> &scores, int classes,
                                                      const std::vector<int> &labels) const = 0;
};

// The registered rules of plugins (the built-in modules are DecisionModule's kinds).
class DecisionRuleRegistry
{
public:
    struct Entry
    {
        std::shared_ptr<const DecisionRule> rule;
        std::string provider;
    };

    static DecisionRuleRegistry &instance();

    void add(std::shared_ptr<const DecisionRule> rule, const std::string &provider);
    // nullptr when no rule has that name.
    const Entry *find(const std::string &name) const;
    std::vector<Entry> rules() const;

private:
    DecisionRuleRegistry() = default;

    mutable std::mutex m_mutex;
    std::vector<Entry> m_rules; // never shrinks: find() hands out pointers
};

} // namespace frontier::policy
