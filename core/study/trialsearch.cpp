#include "trialsearch.h"

#include "canonicaljson.h"
#include "specreader.h"

#include "common/error.h"
#include "common/random.h"
#include "policy/thresholdsweep.h"

#include <set>

namespace frontier::study {

using policy::PolicyKind;

namespace {

// A decision module with one of its thresholds (NaN when it takes none).
struct DecisionChoice
{
    DecisionSpec decision;
    double tau = NAN;
};

std::vector<std::string> expandTaus(const std::vector<TauOption> &options)
{
    std::vector<std::string> out;
    for (const TauOption &t : options) {
        if (!t.isRange) {
            out.push_back(t.rule);
            continue;
        }
        for (double v : policy::tauGrid(t.from, t.to, t.count))
            out.push_back(numberText(v));
    }
    return out;
}

std::vector<double> expandValues(const std::vector<TauOption> &options)
{
    std::vector<double> out;
    for (const std::string &s : expandTaus(options))
        out.push_back(std::stod(s));
    return out;
}

std::vector<DecisionChoice> decisionChoices(const PolicySpec &p)
{
    std::vector<DecisionChoice> out;
    for (const DecisionSpec &d : p.decisions) {
        if (!d.takesThreshold()) {
            out.push_back({d, NAN});
            continue;
        }
        for (double tau : expandValues(p.decisionTaus))
            out.push_back({d, tau});
    }
    return out;
}

// The knob lists of one policy entry.
struct Axes
{
    const PolicySpec *policy = nullptr;
    int index = 0;
    std::vector<std::string> taus;         // grid values ("" when the policy has none)
    std::vector<DecisionChoice> decisions; // one NaN entry when the policy does not offload
    std::vector<RemoteSpec> remotes;
    std::vector<std::string> links;
    std::vector<std::string> servers;
    std::vector<IntermittentKnobs> intermittent; // one default entry for other policies
    int64_t size = 0;
};

Axes axesOf(const StudySpec &spec, int index)
{
    Axes a;
    a.policy = &spec.policies[size_t(index)];
    a.index = index;
    const PolicySpec &p = *a.policy;
    a.taus = p.hasTaus() ? expandTaus(p.taus) : std::vector<std::string>{std::string()};
    if (p.offloads()) {
        a.decisions = decisionChoices(p);
        a.remotes = p.remotes;
        a.links = spec.links;
        a.servers = spec.servers;
    } else {
        a.decisions = {DecisionChoice{}};
        a.remotes = {RemoteSpec{}};
        a.links = {std::string()};
        a.servers = {std::string()};
    }
    a.intermittent = p.harvested ? p.intermittent.expand() : std::vector<IntermittentKnobs>(1);
    double size = double(p.models.size()) * double(p.variants.size()) * double(a.taus.size())
                  * double(a.decisions.size()) * double(a.remotes.size())
                  * double(spec.devices.size()) * double(a.links.size()) * double(a.servers.size())
                  * double(a.intermittent.size());
    a.size = size > double(kMaxTrials) ? kMaxTrials + 1 : int64_t(size);
    return a;
}

TrialConfig makeTrial(const Axes &a, const std::string &model,
                      const std::vector<std::string> &chain, const std::string &tau,
                      const DecisionChoice &decision, const RemoteSpec &remote,
                      const std::string &device, const std::string &link, const std::string &server,
                      const IntermittentKnobs &intermittent)
{
    const PolicySpec &p = *a.policy;
    TrialConfig t;
    t.policyIndex = a.index;
    t.kind = p.kind;
    for (const std::string &f : chain)
        t.tiers.push_back({model, f});
    if (p.kind == PolicyKind::Ari || p.kind == PolicyKind::AriHi)
        t.tiers.push_back({model, p.full});
    t.tauRule = tau;
    if (p.offloads()) {
        t.decision = decision.decision;
        t.decisionTau = decision.tau;
        t.remote = remote;
        t.link = link;
        t.server = server;
    }
    t.device = device;
    t.harvested = p.harvested;
    if (p.harvested)
        t.intermittent = intermittent;
    return t;
}

void appendGrid(const StudySpec &spec, const Axes &a, std::vector<TrialConfig> &out)
{
    const PolicySpec &p = *a.policy;
    for (const std::string &model : p.models)
        for (const std::vector<std::string> &chain : p.variants)
            for (const std::string &tau : a.taus)
                for (const DecisionChoice &d : a.decisions)
                    for (const RemoteSpec &r : a.remotes)
                        for (const std::string &device : spec.devices)
                            for (const std::string &link : a.links)
                                for (const std::string &server : a.servers)
                                    for (const IntermittentKnobs &k : a.intermittent)
                                        out.push_back(makeTrial(a, model, chain, tau, d, r, device,
                                                                link, server, k));
}

template<typename T>
const T &pick(const std::vector<T> &v, Random &random)
{
    return v[size_t(random.below(int64_t(v.size())))];
}

std::string drawTau(const std::vector<TauOption> &options, Random &random)
{
    int64_t total = 0;
    for (const TauOption &t : options)
        total += t.gridSize();
    int64_t at = random.below(total);
    for (const TauOption &t : options) {
        if (at < t.gridSize()) {
            if (!t.isRange)
                return t.rule;
            return numberText(t.count == 1 ? t.from : random.uniform(t.from, t.to));
        }
        at -= t.gridSize();
    }
    return options.back().rule;
}

TrialConfig drawTrial(const StudySpec &spec, const Axes &a, Random &random)
{
    const PolicySpec &p = *a.policy;
    const std::string &model = pick(p.models, random);
    const std::vector<std::string> &chain = pick(p.variants, random);
    const std::string tau = p.hasTaus() ? drawTau(p.taus, random) : std::string();
    DecisionChoice d;
    if (p.offloads()) {
        d.decision = pick(p.decisions, random);
        if (d.decision.takesThreshold()) {
            const std::string text = drawTau(p.decisionTaus, random);
            d.tau = std::stod(text);
        }
    }
    const RemoteSpec &remote = pick(a.remotes, random);
    const std::string &device = pick(spec.devices, random);
    const std::string &link = pick(a.links, random);
    const std::string &server = pick(a.servers, random);
    const IntermittentKnobs &k = pick(a.intermittent, random);
    return makeTrial(a, model, chain, tau, d, remote, device, link, server, k);
}

} // namespace

int64_t gridSize(const StudySpec &spec)
{
    int64_t total = 0;
    for (int i = 0; i < int(spec.policies.size()); ++i)
        total = std::min(kMaxTrials + 1, total + axesOf(spec, i).size);
    return total;
}

std::vector<TrialConfig> resolveTrials(const StudySpec &spec)
{
    std::vector<Axes> axes;
    int64_t total = 0;
    for (int i = 0; i < int(spec.policies.size()); ++i) {
        axes.push_back(axesOf(spec, i));
        total = std::min(kMaxTrials + 1, total + axes.back().size);
    }
    const bool random = spec.search.kind == SearchSpec::Kind::Random;
    if (total > kMaxTrials && !random)
        throw Error(spec.path, "the grid has more than " + std::to_string(kMaxTrials)
                                   + " trials; narrow the ranges or use a random search");
    std::vector<TrialConfig> out;
    if (!random || spec.search.trials >= total) {
        out.reserve(size_t(total));
        for (const Axes &a : axes)
            appendGrid(spec, a, out);
        if (!random)
            return out;
        // A random search at least as large as the grid is the grid.
        return out;
    }
    Random rng(spec.search.seed);
    std::set<std::string> seen;
    const int64_t wanted = spec.search.trials;
    for (int64_t draw = 0; int64_t(out.size()) < wanted && draw < wanted * 50; ++draw) {
        int64_t at = rng.below(total);
        size_t block = 0;
        while (at >= axes[block].size) {
            at -= axes[block].size;
            ++block;
        }
        TrialConfig t = drawTrial(spec, axes[block], rng);
        if (seen.insert(canonicalJson(t.knobs())).second)
            out.push_back(std::move(t));
    }
    return out;
}

} // namespace frontier::study
