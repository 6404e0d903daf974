#include "studydata.h"

#include "common/error.h"

namespace frontier::study {

namespace {

[[noreturn]] void missing(const std::string &what)
{
    throw Error("study data", "no " + what + " (not prepared)");
}

} // namespace

const std::vector<policy::TierOutputs> &StudyData::heads(const std::string &model,
                                                         const std::string &format,
                                                         const std::string &split) const
{
    const auto it = outputs.find({model, format, split});
    if (it == outputs.end() || it->second.empty())
        missing("outputs of " + model + "/" + format + " on the " + split + " split");
    return it->second;
}

const policy::TierOutputs &StudyData::output(const std::string &model, const std::string &format,
                                             const std::string &split) const
{
    return heads(model, format, split).back();
}

const VariantStageCosts &StudyData::cost(const std::string &model, const std::string &format,
                                         const std::string &device) const
{
    const auto it = costs.find({model, format, device});
    if (it == costs.end())
        missing("cost of " + model + "/" + format + " on " + device);
    return it->second;
}

const policy::StageCost &StudyData::offload(const std::string &model, const std::string &link,
                                            const std::string &server,
                                            const std::string &device) const
{
    const auto it = offloads.find({model, link, server, device});
    if (it == offloads.end())
        missing("offload cost of " + model + " over " + link + " from " + device);
    return it->second;
}

const policy::LogisticRegression &StudyData::logisticFit(const std::string &model,
                                                         const std::string &format) const
{
    const auto it = logisticFits.find({model, format});
    if (it == logisticFits.end())
        missing("logistic-regression fit for " + model + "/" + format);
    return it->second;
}

const policy::DecisionModule &StudyData::customFit(const std::string &model,
                                                   const std::string &format,
                                                   const std::string &rule) const
{
    const auto it = customFits.find({model, format, rule});
    if (it == customFits.end())
        missing("decision module " + rule + " fit for " + model + "/" + format);
    return it->second;
}

} // namespace frontier::study
