// Every policy's metrics against a brute-force, sample-by-sample evaluation written
// independently of Cascade: walk the tiers of each sample, add up its costs, then
// aggregate (means by summing, p95 by sorting). Table-driven over policies and seeds.

#include "common/error.h"
#include "policy/idealremote.h"
#include "policy/policies.h"

#include "randomtiers.h"
#include "testutil.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <optional>

using namespace frontier;
using namespace frontier::policy;

namespace {

// "prefix<i>" (GCC 12 warns falsely about "literal" + std::string at -O3).
std::string numbered(const char *prefix, int64_t i)
{
    std::string s(prefix);
    s += std::to_string(i);
    return s;
}

enum class Conf { Margin, MaxProb };

// The decision module of a brute-force plan, computed from the raw scores.
struct BruteDecision
{
    std::string kind; // maxprob, margin, entropy, lr, oracle
    double threshold = 0;
    double beta = 0, w1 = 0, w2 = 0;
};

struct Plan
{
    std::vector<Tier> device; // in order; all but the last have a threshold
    Conf conf = Conf::Margin;
    std::vector<double> taus; // device.size() - 1
    std::optional<BruteDecision> decision;
    std::optional<Tier> remote;
};

std::vector<float> row(const TierOutputs &t, int i)
{
    return std::vector<float>(t.scores.begin() + i * t.classes,
                              t.scores.begin() + (i + 1) * t.classes);
}

double bruteConfidence(const Tier &tier, int i, Conf conf)
{
    if (conf == Conf::Margin) {
        std::vector<float> r = row(tier.outputs, i);
        std::sort(r.begin(), r.end(), std::greater<float>());
        return double(r[0] - r[1]);
    }
    std::vector<float> r = row(tier.outputs, i);
    return double(*std::max_element(r.begin(), r.end()));
}

double bruteDecision(const BruteDecision &d, const Tier &tier, int i, int label)
{
    std::vector<float> r = row(tier.outputs, i);
    std::sort(r.begin(), r.end(), std::greater<float>());
    if (d.kind == "maxprob")
        return r[0];
    if (d.kind == "margin")
        return double(r[0] - r[1]);
    if (d.kind == "entropy") {
        double h = 0;
        for (float p : r) {
            if (p > 0)
                h -= double(p) * std::log(double(p));
        }
        return double(float(1.0 - h / std::log(double(r.size()))));
    }
    if (d.kind == "lr")
        return 1.0 / (1.0 + std::exp(-(d.beta + d.w1 * double(r[0]) + d.w2 * double(r[1]))));
    return tier.outputs.predictions[size_t(i)] == label ? 1.0 : 0.0; // oracle
}

double p95(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t rank = (95 * v.size() + 99) / 100;
    return v[rank - 1];
}

Metrics bruteForce(const Plan &plan, const std::vector<int> &labels, const std::vector<int> &full)
{
    const int n = int(labels.size());
    std::vector<double> dev(static_cast<size_t>(n)), tot(static_cast<size_t>(n)),
        lat(static_cast<size_t>(n));
    int64_t correct = 0, agree = 0, first = 0, off = 0;
    for (int i = 0; i < n; ++i) {
        double d = 0, t = 0, l = 0;
        int answer = -1;
        bool offloaded = false;
        for (size_t k = 0; k < plan.device.size(); ++k) {
            const Tier &tier = plan.device[k];
            d += tier.cost.deviceEnergy_pj;
            t += tier.cost.deviceEnergy_pj + tier.cost.remoteEnergy_pj;
            l += tier.cost.latency_us;
            const bool last = k + 1 == plan.device.size();
            if (!last) {
                if (bruteConfidence(tier, i, plan.conf) >= plan.taus[k]) {
                    answer = tier.outputs.predictions[size_t(i)];
                    first += k == 0;
                    break;
                }
                continue;
            }
            if (plan.remote
                && bruteDecision(*plan.decision, tier, i, labels[size_t(i)])
                       < plan.decision->threshold) {
                d += plan.remote->cost.deviceEnergy_pj;
                t += plan.remote->cost.deviceEnergy_pj + plan.remote->cost.remoteEnergy_pj;
                l += plan.remote->cost.latency_us;
                answer = plan.remote->outputs.predictions[size_t(i)];
                offloaded = true;
            } else {
                answer = tier.outputs.predictions[size_t(i)];
                first += k == 0;
            }
        }
        correct += answer == labels[size_t(i)];
        agree += answer == full[size_t(i)];
        off += offloaded;
        dev[size_t(i)] = d;
        tot[size_t(i)] = t;
        lat[size_t(i)] = l;
    }
    Metrics m;
    m.samples = n;
    m.accuracy = double(correct) / n;
    m.fidelity = double(agree) / n;
    m.escalated = double(n - first) / n;
    m.offloaded = double(off) / n;
    double sd = 0, st = 0, sl = 0;
    for (int i = 0; i < n; ++i) {
        sd += dev[size_t(i)];
        st += tot[size_t(i)];
        sl += lat[size_t(i)];
    }
    m.deviceEnergy_pj = sd / n;
    m.energy_pj = st / n;
    m.latency_us = sl / n;
    m.deviceEnergyP95_pj = p95(dev);
    m.energyP95_pj = p95(tot);
    m.latencyP95_us = p95(lat);
    for (const Tier &t : plan.device)
        m.memory_bytes += t.cost.memory_bytes;
    const StageCost ref = plan.remote ? plan.remote->cost : plan.device.back().cost;
    m.energySaving = 1.0 - m.energy_pj / (ref.deviceEnergy_pj + ref.remoteEnergy_pj);
    m.deviceEnergySaving = 1.0 - m.deviceEnergy_pj / ref.deviceEnergy_pj;
    m.latencySaving = 1.0 - m.latency_us / ref.latency_us;
    return m;
}

} // namespace

class TestPolicies : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesBruteForce_data();
    void matchesBruteForce();
    void singleTierOutputs();
    void binaryAndLogitMargins();
    void idealRemoteAccuracy();
    void badInputIsAnError();
};

void TestPolicies::matchesBruteForce_data()
{
    QTest::addColumn<QString>("policy");
    QTest::addColumn<QString>("decision");
    QTest::addColumn<int>("seed");
    const struct
    {
        const char *policy;
        const char *decision;
    } cases[] = {
        {"single", ""},       {"ari", "2"},         {"ari", "3"},         {"hi", "maxprob"},
        {"hi", "margin"},     {"hi", "entropy"},    {"hi", "lr"},         {"hi", "lr-fit"},
        {"hi", "oracle"},     {"hi", "ideal"},      {"ee", ""},           {"ee-hi", "lr-fit"},
        {"ee-hi", "maxprob"}, {"ari-hi", "margin"}, {"ari-hi", "lr-fit"},
    };
    for (const auto &c : cases) {
        for (int seed : {1, 2, 3}) {
            QTest::addRow("%s/%s/%d", c.policy, c.decision, seed)
                << QString::fromLatin1(c.policy) << QString::fromLatin1(c.decision) << seed;
        }
    }
}

void TestPolicies::matchesBruteForce()
{
    QFETCH(QString, policy);
    QFETCH(QString, decision);
    QFETCH(int, seed);
    const std::string p = policy.toStdString();
    const std::string d = decision.toStdString();

    Random r(uint64_t(seed) * 7919u + uint64_t(qHash(policy + decision)));
    const int n = 400 + int(r.below(400));
    const int classes = 2 + int(r.below(9));
    const std::vector<int> labels = test::randomLabels(r, n, classes);
    const std::vector<int> full = test::randomTier(r, labels, classes, 3.0).predictions;
    auto tier = [&](const std::string &name, double skill, bool remote = false) {
        return Tier{name, test::randomTier(r, labels, classes, skill), test::randomCost(r, remote)};
    };
    // A threshold equal to one of the values (a tie), between their 20th and 80th percentile.
    auto tau = [&](std::vector<float> values) {
        std::sort(values.begin(), values.end());
        const size_t lo = values.size() / 5, hi = values.size() * 4 / 5;
        return double(values[lo + size_t(r.below(int64_t(hi - lo)))]);
    };

    // The decision module and its brute-force twin.
    auto decide = [&](const Tier &local, double skill) -> std::pair<DecisionModule, BruteDecision> {
        if (d == "maxprob" || d == "ideal") {
            const double t = tau(local.outputs.maxProbabilities());
            return {DecisionModule::maxProbability(t), {"maxprob", t}};
        }
        if (d == "margin") {
            const double t = tau(local.outputs.margins);
            return {DecisionModule::margin(t), {"margin", t}};
        }
        if (d == "entropy") {
            const double t = tau(local.outputs.entropyConfidences());
            return {DecisionModule::entropy(t), {"entropy", t}};
        }
        if (d == "oracle")
            return {DecisionModule::oracle(), {"oracle", 0.5}};
        DecisionModule m
            = DecisionModule::logistic(LogisticRegression(-4.63391351, 5.93658349, -3.04197074));
        if (d == "lr-fit") {
            // Fitted on a calibration split of the same kind of tier.
            const std::vector<int> calLabels = test::randomLabels(r, n, classes);
            m = DecisionModule::fitLogistic(test::randomTier(r, calLabels, classes, skill),
                                            calLabels);
        }
        const LogisticRegression &lr = m.logisticModel();
        return {m, {"lr", m.threshold(), lr.beta(), lr.w1(), lr.w2()}};
    };
    auto remoteTier = [&]() {
        if (d == "ideal") {
            Random cost{uint64_t(seed)};
            return Tier{"ideal", idealRemote(labels, classes, 0.95, uint64_t(seed)),
                        test::randomCost(cost, true)};
        }
        return tier("remote", 4.0, true);
    };

    Plan plan;
    std::optional<Cascade> cascade;
    if (p == "single") {
        plan.device = {tier("only", 1.0)};
        cascade = singlePolicy(plan.device[0], labels, full);
    } else if (p == "ari" || p == "ee") {
        const int tiers = p == "ee" ? 3 : std::stoi(d);
        for (int t = 0; t < tiers; ++t)
            plan.device.push_back(tier(numbered("t", t), 0.5 + t));
        for (int t = 0; t + 1 < tiers; ++t)
            plan.taus.push_back(p == "ee" ? tau(plan.device[size_t(t)].outputs.maxProbabilities())
                                          : tau(plan.device[size_t(t)].outputs.margins));
        plan.conf = p == "ee" ? Conf::MaxProb : Conf::Margin;
        cascade = p == "ee" ? eePolicy(plan.device, plan.taus, labels, full)
                            : ariPolicy(plan.device, plan.taus, labels, full);
    } else {
        const int tiers = p == "hi" ? 1 : 2;
        for (int t = 0; t < tiers; ++t)
            plan.device.push_back(tier(numbered("t", t), 1.5 + t));
        for (int t = 0; t + 1 < tiers; ++t)
            plan.taus.push_back(p == "ee-hi"
                                    ? tau(plan.device[size_t(t)].outputs.maxProbabilities())
                                    : tau(plan.device[size_t(t)].outputs.margins));
        plan.conf = p == "ee-hi" ? Conf::MaxProb : Conf::Margin;
        auto [module, brute] = decide(plan.device.back(), 1.5 + (tiers - 1));
        plan.decision = brute;
        plan.remote = remoteTier();
        if (p == "hi")
            cascade = hiPolicy(plan.device[0], module, *plan.remote, labels, full);
        else if (p == "ee-hi")
            cascade = eeHiPolicy(plan.device, plan.taus, module, *plan.remote, labels, full);
        else
            cascade = ariHiPolicy(plan.device, plan.taus, module, *plan.remote, labels, full);
    }

    const Metrics got = cascade->evaluate();
    const Metrics want = bruteForce(plan, labels, full);
    QCOMPARE(got.samples, want.samples);
    QCOMPARE(got.accuracy, want.accuracy);
    QCOMPARE(got.fidelity, want.fidelity);
    QCOMPARE(got.escalated, want.escalated);
    QCOMPARE(got.offloaded, want.offloaded);
    FRONTIER_COMPARE_REL(got.deviceEnergy_pj, want.deviceEnergy_pj, 1e-12);
    FRONTIER_COMPARE_REL(got.energy_pj, want.energy_pj, 1e-12);
    FRONTIER_COMPARE_REL(got.latency_us, want.latency_us, 1e-12);
    QCOMPARE(got.deviceEnergyP95_pj, want.deviceEnergyP95_pj);
    QCOMPARE(got.energyP95_pj, want.energyP95_pj);
    QCOMPARE(got.latencyP95_us, want.latencyP95_us);
    QCOMPARE(got.memory_bytes, want.memory_bytes);
    FRONTIER_COMPARE_REL(got.energySaving, want.energySaving, 1e-12);
    FRONTIER_COMPARE_REL(got.deviceEnergySaving, want.deviceEnergySaving, 1e-12);
    FRONTIER_COMPARE_REL(got.latencySaving, want.latencySaving, 1e-12);

    // Per-stage shares are consistent, and the data is not degenerate.
    QCOMPARE(got.reached.at(0), 1.0);
    double answered = 0;
    for (double a : got.answered)
        answered += a;
    FRONTIER_COMPARE_REL(answered, 1.0, 1e-12);
    if (p != "single") {
        QVERIFY2(got.escalated > 0 && got.escalated < 1,
                 qPrintable(QString::number(got.escalated)));
    }
    // The per-sample view agrees with the counts.
    const std::vector<int> stops = cascade->stopStages();
    QCOMPARE(int(std::count(stops.begin(), stops.end(), 0)),
             int(std::lround((1.0 - got.escalated) * n)));
    QCOMPARE(int(got.named().size()), 14 + cascade->stageCount() - 1);
}

void TestPolicies::singleTierOutputs()
{
    const TierOutputs t = TierOutputs::fromScores(
        {0.1f, 0.7f, 0.2f, 0.4f, 0.4f, 0.2f, 1.0f / 3, 1.0f / 3, 1.0f / 3, 0, 1, 0}, 3);
    QCOMPARE(t.size(), 4);
    QCOMPARE(t.predictions, (std::vector<int>{1, 0, 0, 1}));
    QCOMPARE(t.margins[0], 0.7f - 0.2f);
    QCOMPARE(t.margins[1], 0.0f); // a tie: arg-max takes the lowest index
    QCOMPARE(t.margins[3], 1.0f);
    const std::vector<float> mp = t.maxProbabilities();
    QCOMPARE(mp[0], 0.7f);
    const std::vector<float> ec = t.entropyConfidences();
    QVERIFY(std::abs(ec[2]) < 1e-6f); // uniform: no confidence
    QCOMPARE(ec[3], 1.0f);            // one-hot: certain
    QVERIFY(ec[0] > 0 && ec[0] < 1);
    QCOMPARE(t.topTwo(0), std::make_pair(0.7f, 0.2f));
}

void TestPolicies::binaryAndLogitMargins()
{
    // One sigmoid output p reads as (1 - p, p): prediction p >= 0.5, margin |2p - 1|.
    const TierOutputs one = TierOutputs::fromScores({0.8f, 0.3f, 0.5f}, 1);
    QCOMPARE(one.predictions, (std::vector<int>{1, 0, 1}));
    FRONTIER_COMPARE_REL(one.margins[0], 0.6, 1e-6);
    FRONTIER_COMPARE_REL(one.margins[1], 0.4, 1e-6);
    QCOMPARE(one.margins[2], 0.0f);
    // Two softmax outputs give the same margin: top-1 - top-2 = |2p - 1|.
    const TierOutputs two = TierOutputs::fromScores({0.2f, 0.8f}, 2);
    FRONTIER_COMPARE_REL(two.margins[0], 0.6, 1e-6);
    QCOMPARE(one.topTwo(0).first, 0.8f);

    // Logits: margins on softmax scores by default, on the logits when asked.
    const std::vector<float> logits{2.0f, 0.0f, -1.0f};
    const TierOutputs soft = TierOutputs::fromLogits(logits, 3);
    const TierOutputs raw = TierOutputs::fromLogits(logits, 3, true);
    const double e2 = std::exp(2.0), sum = e2 + 1.0 + std::exp(-1.0);
    FRONTIER_COMPARE_REL(soft.margins[0], (e2 - 1.0) / sum, 1e-6);
    QCOMPARE(raw.margins[0], 2.0f);
    QCOMPARE(raw.predictions[0], 0);
    FRONTIER_COMPARE_REL(raw.scores[0], e2 / sum, 1e-6);
}

void TestPolicies::idealRemoteAccuracy()
{
    Random r(3);
    const std::vector<int> labels = test::randomLabels(r, 1000, 10);
    const TierOutputs a = idealRemote(labels, 10, 0.9, 11);
    const TierOutputs b = idealRemote(labels, 10, 0.9, 11);
    const TierOutputs c = idealRemote(labels, 10, 0.9, 12);
    int right = 0;
    for (size_t i = 0; i < labels.size(); ++i) {
        QVERIFY(a.predictions[i] >= 0 && a.predictions[i] < 10);
        right += a.predictions[i] == labels[i];
    }
    QCOMPARE(right, 900);
    QCOMPARE(a.predictions, b.predictions);
    QVERIFY(a.predictions != c.predictions);
    QCOMPARE(idealRemote(labels, 10, 1.0, 1).predictions, labels);
    QVERIFY_THROWS_EXCEPTION(Error, idealRemote(labels, 1, 0.9, 1));
    QVERIFY_THROWS_EXCEPTION(Error, idealRemote(labels, 10, 1.5, 1));
}

void TestPolicies::badInputIsAnError()
{
    Random r(9);
    const std::vector<int> labels = test::randomLabels(r, 50, 4);
    const Tier a{"a", test::randomTier(r, labels, 4, 1.0), test::randomCost(r)};
    Tier b{"b", test::randomTier(r, labels, 4, 2.0), test::randomCost(r)};
    QVERIFY_THROWS_EXCEPTION(Error, ariPolicy({a}, {0.1}, labels));
    QVERIFY_THROWS_EXCEPTION(Error, ariPolicy({a, b, b}, {0.1, 0.2, 0.3}, labels));
    QVERIFY_THROWS_EXCEPTION(Error, ariPolicy({a, b}, {0.1}, std::vector<int>(49, 0)));
    QVERIFY_THROWS_EXCEPTION(Error, ariPolicy({a, b}, {NAN}, labels));
    QVERIFY_THROWS_EXCEPTION(Error, policyKindFromName("cascade"));
    QCOMPARE(policyName(policyKindFromName("ari-hi")), std::string("ari-hi"));

    Tier negative = b;
    negative.cost.latency_us = -1;
    try {
        ariPolicy({a, negative}, {0.1}, labels);
        QFAIL("a negative latency was accepted");
    } catch (const Error &e) {
        const std::string what = e.what();
        QVERIFY2(what.find("'b'") != std::string::npos, e.what());
        QVERIFY(what.find('\n') == std::string::npos);
    }

    // Probability-based modules need scores; margins alone are enough for the margin one.
    Tier bare{"bare", TierOutputs::fromPredictions(a.outputs.predictions, a.outputs.margins),
              a.cost};
    QVERIFY_THROWS_EXCEPTION(Error, hiPolicy(bare, DecisionModule::maxProbability(0.5), b, labels));
    QVERIFY_THROWS_EXCEPTION(Error, eePolicy({bare, b}, {0.5}, labels));
    const Cascade ok = hiPolicy(bare, DecisionModule::margin(0.2), b, labels);
    QCOMPARE(ok.stageCount(), 2);
    QVERIFY_THROWS_EXCEPTION(Error, Cascade({}, labels));
    Cascade c = ok;
    QVERIFY_THROWS_EXCEPTION(Error, c.setThreshold(1, 0.5));
}

QTEST_GUILESS_MAIN(TestPolicies)
#include "tst_policies.moc"
