#include "thresholdrule.h"

#include "common/detmath.h"
#include "common/error.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <numeric>

namespace frontier::policy {

namespace {

double mean(double sum, size_t count)
{
    return sum / double(count);
}

} // namespace

namespace {

const char *kWhere = "threshold rule";

std::string squeeze(const std::string &text)
{
    std::string s;
    for (unsigned char c : text) {
        if (!std::isspace(c))
            s += char(std::tolower(c));
    }
    return s;
}

// A whole-string number, or NaN.
double number(const std::string &s)
{
    if (s.empty())
        return NAN;
    size_t used = 0;
    double v = NAN;
    try {
        v = std::stod(s, &used);
    } catch (const std::exception &) {
        return NAN;
    }
    return used == s.size() ? v : NAN;
}

std::string shortest(double v)
{
    char buf[32];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, v);
        if (std::strtod(buf, nullptr) == v)
            break;
    }
    return buf;
}

void checkSizes(size_t margins, size_t reduced, size_t full)
{
    if (margins != reduced || reduced != full)
        throw Error(kWhere, "calibration margins (" + std::to_string(margins) + "), reduced ("
                                + std::to_string(reduced) + ") and full (" + std::to_string(full)
                                + ") predictions differ in length");
}

} // namespace

ThresholdRule ThresholdRule::value(double tau)
{
    if (!std::isfinite(tau))
        throw Error(kWhere, "the threshold must be a finite number");
    return ThresholdRule(Kind::Value, tau);
}

ThresholdRule ThresholdRule::maxMismatch()
{
    return ThresholdRule(Kind::MaxMismatch, 0);
}

ThresholdRule ThresholdRule::pdf(double q)
{
    if (!(q > 0 && q < 1))
        throw Error(kWhere, "PDF quantile must be between 0 and 1 (exclusive), not " + shortest(q));
    return ThresholdRule(Kind::Pdf, q);
}

ThresholdRule ThresholdRule::fidelity(double share)
{
    if (!(share >= 0 && share <= 1))
        throw Error(kWhere, "fidelity must be between 0 and 1, not " + shortest(share));
    return ThresholdRule(Kind::Fidelity, share);
}

ThresholdRule ThresholdRule::parse(const std::string &text)
{
    const std::string s = squeeze(text);
    if (s == "m")
        return maxMismatch();
    if (s.rfind("pdf", 0) == 0) {
        std::string rest = s.substr(3);
        if (!rest.empty() && (rest[0] == ':' || rest[0] == '='))
            rest.erase(0, 1);
        double q = NAN;
        if (!rest.empty() && rest.back() == '%') {
            rest.pop_back();
            q = number(rest) / 100.0;
        } else {
            q = number(rest);
        }
        if (std::isnan(q))
            throw Error(kWhere, "'" + text + "': PDF needs a quantile, e.g. 'PDF 0.99'");
        return pdf(q);
    }
    if (s.rfind("fidelity>=", 0) == 0) {
        const double x = number(s.substr(10));
        if (std::isnan(x))
            throw Error(kWhere, "'" + text + "': expected fidelity>=<share>, e.g. fidelity>=0.99");
        return fidelity(x);
    }
    const double v = number(s);
    if (std::isnan(v))
        throw Error(kWhere, "'" + text + "' is not a number, M, PDF q or fidelity>=x");
    return value(v);
}

std::string ThresholdRule::toString() const
{
    switch (m_kind) {
    case Kind::Value:
        return shortest(m_parameter);
    case Kind::MaxMismatch:
        return "M";
    case Kind::Pdf:
        return "PDF " + shortest(m_parameter);
    case Kind::Fidelity:
        return "fidelity>=" + shortest(m_parameter);
    }
    return "?";
}

double ThresholdRule::resolve(const std::vector<float> &margins, const std::vector<int> &reduced,
                              const std::vector<int> &full) const
{
    checkSizes(margins.size(), reduced.size(), full.size());
    const size_t n = margins.size();
    switch (m_kind) {
    case Kind::Value:
        return m_parameter;
    case Kind::MaxMismatch:
    case Kind::Pdf: {
        double mn = INFINITY, mx = 0, sum = 0;
        size_t count = 0;
        for (size_t i = 0; i < n; ++i) {
            if (reduced[i] == full[i])
                continue;
            const double m = margins[i];
            mn = std::min(mn, m);
            mx = std::max(mx, m);
            sum += m;
            ++count;
        }
        if (count == 0)
            return 0;
        // A sample escalates when margin < τ; the rules name the largest margin that must
        // still escalate, so τ is the next double above it. With quantised scores the
        // mismatches often tie at exactly that margin (e.g. 0), and τ = margin would
        // escalate none of them.
        const double bound = m_kind == Kind::MaxMismatch
                                 ? mx
                                 : mn - (mean(sum, count) - mn) * dmath::log(1.0 - m_parameter);
        return std::min(1.0, std::nextafter(bound, INFINITY));
    }
    case Kind::Fidelity: {
        if (n == 0)
            return 0;
        std::vector<size_t> order(n);
        std::iota(order.begin(), order.end(), size_t(0));
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
            return margins[a] < margins[b] || (margins[a] == margins[b] && a < b);
        });
        // agreeFrom[k]: samples k.. (in margin order) whose reduced answer agrees.
        std::vector<int64_t> agreeFrom(n + 1, 0);
        for (size_t k = n; k-- > 0;)
            agreeFrom[k] = agreeFrom[k + 1] + (reduced[order[k]] == full[order[k]] ? 1 : 0);
        // Escalating the k smallest margins (whole groups of equal margins at a time):
        // the escalated samples take the full model's answer and agree.
        for (size_t k = 0; k <= n; ++k) {
            if (k > 0 && k < n && margins[order[k]] == margins[order[k - 1]])
                continue;
            const double fid = double(int64_t(k) + agreeFrom[k]) / double(n);
            if (fid >= m_parameter) {
                if (k == 0)
                    return 0;
                return std::nextafter(double(margins[order[k - 1]]),
                                      std::numeric_limits<double>::infinity());
            }
        }
        return std::nextafter(double(margins[order[n - 1]]),
                              std::numeric_limits<double>::infinity());
    }
    }
    return 0;
}

std::vector<double> resolveAriThresholds(const std::vector<ThresholdRule> &rules,
                                         const std::vector<TierOutputs> &calibration)
{
    if (calibration.size() < 2)
        throw Error(kWhere, "an ARI cascade needs at least two tiers");
    const size_t reducedTiers = calibration.size() - 1;
    if (rules.size() != reducedTiers && rules.size() != 1)
        throw Error(kWhere, std::to_string(rules.size()) + " rules for "
                                + std::to_string(reducedTiers) + " reduced tiers");
    const std::vector<int> &full = calibration.back().predictions;
    std::vector<double> taus;
    for (size_t t = 0; t < reducedTiers; ++t) {
        const ThresholdRule &rule = rules.size() == 1 ? rules[0] : rules[t];
        taus.push_back(rule.resolve(calibration[t].margins, calibration[t].predictions, full));
    }
    return taus;
}

} // namespace frontier::policy
