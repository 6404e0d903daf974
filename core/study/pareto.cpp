#include "pareto.h"

#include "common/error.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <numeric>

namespace frontier::study {

namespace {

std::string trimmed(const std::string &s)
{
    size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a])))
        ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1])))
        --b;
    return s.substr(a, b - a);
}

// The points as minimisation problems (maximised objectives negated), checked.
std::vector<double> minimised(std::span<const double> points, const std::vector<Sense> &senses)
{
    const size_t k = senses.size();
    if (k == 0)
        throw Error("pareto", "no objective given");
    if (points.size() % k != 0)
        throw Error("pareto", std::to_string(points.size()) + " values is not a multiple of "
                                  + std::to_string(k) + " objectives");
    std::vector<double> out(points.begin(), points.end());
    for (size_t i = 0; i < out.size(); ++i) {
        if (std::isnan(out[i]))
            throw Error("pareto", "point " + std::to_string(i / k)
                                      + " has no value (NaN) in "
                                        "objective "
                                      + std::to_string(i % k));
        if (senses[i % k] == Sense::Maximize)
            out[i] = -out[i];
    }
    return out;
}

// a dominates b, both minimised.
bool dominatesMin(const double *a, const double *b, size_t k)
{
    bool strict = false;
    for (size_t d = 0; d < k; ++d) {
        if (a[d] > b[d])
            return false;
        strict = strict || a[d] < b[d];
    }
    return strict;
}

std::vector<int> front2d(const std::vector<double> &p)
{
    const int n = int(p.size() / 2);
    std::vector<int> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        const double *pa = &p[size_t(a) * 2], *pb = &p[size_t(b) * 2];
        if (pa[0] != pb[0])
            return pa[0] < pb[0];
        if (pa[1] != pb[1])
            return pa[1] < pb[1];
        return a < b;
    });
    // Groups of equal x, each sorted by y: within a group only the smallest y can survive,
    // and it survives unless an earlier group (smaller x) reached y <= it.
    std::vector<int> out;
    double bestY = std::numeric_limits<double>::infinity();
    bool any = false;
    for (size_t g = 0; g < order.size();) {
        const double x = p[size_t(order[g]) * 2];
        const double y0 = p[size_t(order[g]) * 2 + 1];
        size_t end = g;
        while (end < order.size() && p[size_t(order[end]) * 2] == x)
            ++end;
        if (!any || y0 < bestY) {
            for (size_t j = g; j < end && p[size_t(order[j]) * 2 + 1] == y0; ++j)
                out.push_back(order[j]);
        }
        if (!any || y0 < bestY)
            bestY = y0;
        any = true;
        g = end;
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<int> frontKd(const std::vector<double> &p, size_t k)
{
    const int n = int(p.size() / k);
    std::vector<int> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    // Whatever dominates a point comes before it in lexicographic order, and so does the
    // front point at the end of any chain of dominations: checking each point against the
    // front found so far is enough.
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        const double *pa = &p[size_t(a) * k], *pb = &p[size_t(b) * k];
        for (size_t d = 0; d < k; ++d) {
            if (pa[d] != pb[d])
                return pa[d] < pb[d];
        }
        return a < b;
    });
    std::vector<int> out;
    for (int i : order) {
        const double *pi = &p[size_t(i) * k];
        bool dominated = false;
        for (int f : out) {
            if (dominatesMin(&p[size_t(f) * k], pi, k)) {
                dominated = true;
                break;
            }
        }
        if (!dominated)
            out.push_back(i);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

std::vector<Objective> parseObjectives(const std::string &spec)
{
    std::vector<Objective> out;
    size_t start = 0;
    while (start <= spec.size()) {
        size_t comma = spec.find(',', start);
        if (comma == std::string::npos)
            comma = spec.size();
        const std::string part = trimmed(spec.substr(start, comma - start));
        const size_t colon = part.rfind(':');
        if (part.empty() || colon == std::string::npos || colon == 0)
            throw Error("objectives", "'" + part + "' is not <name>:min or <name>:max");
        std::string sense = trimmed(part.substr(colon + 1));
        std::transform(sense.begin(), sense.end(), sense.begin(),
                       [](unsigned char c) { return char(std::tolower(c)); });
        Objective o;
        o.name = trimmed(part.substr(0, colon));
        if (sense == "min" || sense == "minimize" || sense == "minimise")
            o.sense = Sense::Minimize;
        else if (sense == "max" || sense == "maximize" || sense == "maximise")
            o.sense = Sense::Maximize;
        else
            throw Error("objectives", "'" + part + "': the direction must be min or max");
        for (const Objective &seen : out) {
            if (seen.name == o.name)
                throw Error("objectives", "'" + o.name + "' is given twice");
        }
        out.push_back(o);
        start = comma + 1;
    }
    return out;
}

std::string objectivesToString(const std::vector<Objective> &objectives)
{
    std::string s;
    for (const Objective &o : objectives) {
        if (!s.empty())
            s += ',';
        s += o.name + (o.sense == Sense::Minimize ? ":min" : ":max");
    }
    return s;
}

std::vector<Sense> sensesOf(const std::vector<Objective> &objectives)
{
    std::vector<Sense> out;
    for (const Objective &o : objectives)
        out.push_back(o.sense);
    return out;
}

bool dominates(const double *a, const double *b, const std::vector<Sense> &senses)
{
    bool strict = false;
    for (size_t d = 0; d < senses.size(); ++d) {
        const double x = senses[d] == Sense::Minimize ? a[d] : -a[d];
        const double y = senses[d] == Sense::Minimize ? b[d] : -b[d];
        if (x > y)
            return false;
        strict = strict || x < y;
    }
    return strict;
}

std::vector<int> paretoFront(std::span<const double> points, const std::vector<Sense> &senses)
{
    const std::vector<double> p = minimised(points, senses);
    if (senses.size() == 2)
        return front2d(p);
    return frontKd(p, senses.size());
}

std::vector<int> paretoFrontNaive(std::span<const double> points, const std::vector<Sense> &senses)
{
    const std::vector<double> p = minimised(points, senses);
    const size_t k = senses.size();
    const int n = int(p.size() / k);
    std::vector<int> out;
    for (int i = 0; i < n; ++i) {
        bool dominated = false;
        for (int j = 0; j < n && !dominated; ++j)
            dominated = j != i && dominatesMin(&p[size_t(j) * k], &p[size_t(i) * k], k);
        if (!dominated)
            out.push_back(i);
    }
    return out;
}

int kneePoint(std::span<const double> points, const std::vector<Sense> &senses)
{
    const std::vector<int> front = paretoFront(points, senses);
    if (front.empty())
        return -1;
    const std::vector<double> p = minimised(points, senses);
    const size_t k = senses.size();
    std::vector<double> lo(k, std::numeric_limits<double>::infinity());
    std::vector<double> hi(k, -std::numeric_limits<double>::infinity());
    for (int i : front) {
        for (size_t d = 0; d < k; ++d) {
            lo[d] = std::min(lo[d], p[size_t(i) * k + d]);
            hi[d] = std::max(hi[d], p[size_t(i) * k + d]);
        }
    }
    int best = -1;
    double bestSum = std::numeric_limits<double>::infinity();
    for (int i : front) {
        double sum = 0;
        for (size_t d = 0; d < k; ++d) {
            const double range = hi[d] - lo[d];
            if (range > 0 && std::isfinite(range))
                sum += (p[size_t(i) * k + d] - lo[d]) / range;
        }
        if (sum < bestSum) {
            bestSum = sum;
            best = i;
        }
    }
    return best;
}

} // namespace frontier::study
