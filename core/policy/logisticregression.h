#pragma once

#include <cstdint>
#include <vector>

namespace frontier::policy {

// HI's offload decision (REFERENCE.md §2): logistic regression on the local model's two
// largest softmax probabilities p1 >= p2. z = β + w1·p1 + w2·p2; the local answer is
// accepted when sigmoid(z) >= 0.5 (z >= 0), otherwise the sample is offloaded.
//
// Sign convention as in the DIME code the coefficients come from: sigmoid(z) estimates the
// probability that the local answer is RIGHT. fit() therefore uses the target
// y = 1 - [local prediction wrong]; fitting "wrong" instead would give the same decisions
// with every coefficient negated.
//
// Worked check, ResNet-8 int8 (-4.63391351, 5.93658349, -3.04197074):
// (0.80, 0.10) -> z ≈ -0.189 -> offload; (0.90, 0.05) -> z ≈ +0.557 -> accept.
class LogisticRegression
{
public:
    LogisticRegression() = default;
    LogisticRegression(double beta, double w1, double w2)
        : m_beta(beta)
        , m_w1(w1)
        , m_w2(w2)
    {}

    double beta() const { return m_beta; }
    double w1() const { return m_w1; }
    double w2() const { return m_w2; }

    double logit(double p1, double p2) const { return m_beta + m_w1 * p1 + m_w2 * p2; }
    double probability(double p1, double p2) const; // sigmoid(logit), in (0, 1)
    bool accepts(double p1, double p2) const { return probability(p1, p2) >= 0.5; }

    struct FitReport
    {
        int iterations = 0;
        bool converged = false;
        double logLikelihood = 0; // penalised, at the solution
    };

    // Newton's method (IRLS) on the L2-penalised log-likelihood
    //   sum_i [y_i z_i - log(1 + e^{z_i})] - (ridge / 2)(β² + w1² + w2²),
    // with step halving so that every step increases it. Deterministic: plain sums in
    // sample order, a closed-form 3x3 solve. The small ridge keeps the coefficients finite
    // when the classes are separable or one class is absent. Stops when no coefficient
    // moves by more than 1e-12 (relative) or after maxIterations.
    // Throws Error for sizes that disagree, no sample, or non-finite inputs.
    static LogisticRegression fit(const std::vector<double> &p1, const std::vector<double> &p2,
                                  const std::vector<uint8_t> &correct, double ridge = 1e-4,
                                  int maxIterations = 100, FitReport *report = nullptr);

private:
    double m_beta = 0;
    double m_w1 = 0;
    double m_w2 = 0;
};

} // namespace frontier::policy
