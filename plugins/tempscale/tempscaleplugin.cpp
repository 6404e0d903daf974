#include "tempscaleplugin.h"

#include "tempscale.h"

#include <cstdio>

namespace frontier::tempscale {

namespace {

class Fitted : public policy::FittedDecision
{
public:
    explicit Fitted(double t)
        : m_t(t)
    {}

    double confidence(const float *scores, int classes) const override
    {
        return scaledMaxProbability(scores, classes, m_t);
    }
    std::string describe() const override
    {
        char text[32];
        std::snprintf(text, sizeof text, "T = %.4g", m_t);
        return text;
    }

private:
    double m_t;
};

class TempScale : public policy::DecisionRule
{
public:
    std::string name() const override { return "tempscale"; }
    std::string description() const override
    {
        return "temperature-scaled max probability, T fitted on the calibration split by "
               "negative log-likelihood (Guo et al. 2017)";
    }
    std::shared_ptr<const policy::FittedDecision> fit(const std::vector<float> &scores, int classes,
                                                      const std::vector<int> &labels) const override
    {
        return std::make_shared<Fitted>(fitTemperature(scores, classes, labels));
    }
};

} // namespace

std::vector<std::shared_ptr<const policy::DecisionRule>> TempScalePlugin::decisionRules() const
{
    return {std::make_shared<TempScale>()};
}

} // namespace frontier::tempscale
