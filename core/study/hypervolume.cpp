#include "hypervolume.h"

#include "common/error.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <map>
#include <numeric>

namespace frontier::study {

namespace {

// All points here are minimised, shifted so that the reference is the origin of the
// upper corner, and strictly below it in every objective.

double volume2d(std::vector<std::array<double, 2>> pts, double rx, double ry)
{
    std::sort(pts.begin(), pts.end());
    double area = 0;
    double yMin = ry;
    // Each point lower than every point before it (all of which have x <= its x) adds
    // the horizontal strip [x, rx] x [y, yMin].
    for (const auto &p : pts) {
        if (p[1] < yMin) {
            area += (rx - p[0]) * (yMin - p[1]);
            yMin = p[1];
        }
    }
    return area;
}

// The region dominated by a set of 2-D points within [., rx] x [., ry], kept as a
// staircase (x increasing, y strictly decreasing) with its area.
class Staircase
{
public:
    Staircase(double rx, double ry)
        : m_rx(rx)
        , m_ry(ry)
    {}

    double area() const { return m_area; }

    void insert(double x, double y)
    {
        auto first = m_steps.lower_bound(x); // first step with x_i >= x
        double h = m_ry;                     // the staircase height just left of x
        if (first != m_steps.begin()) {
            const auto pred = std::prev(first);
            if (pred->second <= y)
                return; // dominated
            h = pred->second;
        }
        if (first != m_steps.end() && first->first == x && first->second <= y)
            return; // dominated by a step at the same x
        // Steps with x_i >= x and y_i >= y are dominated by the new point; the region it
        // adds is the area between the old staircase and y, from x to the first step
        // that stays.
        double added = 0;
        double left = x;
        auto it = first;
        while (it != m_steps.end() && it->second >= y) {
            added += (it->first - left) * (h - y);
            left = it->first;
            h = it->second;
            it = m_steps.erase(it);
        }
        const double right = it == m_steps.end() ? m_rx : it->first;
        added += (right - left) * (h - y);
        m_area += added;
        m_steps.emplace(x, y);
    }

private:
    std::map<double, double> m_steps;
    double m_rx;
    double m_ry;
    double m_area = 0;
};

double volume3d(std::vector<std::array<double, 3>> pts, const double *ref)
{
    std::sort(pts.begin(), pts.end(), [](const auto &a, const auto &b) { return a[2] < b[2]; });
    Staircase stairs(ref[0], ref[1]);
    double volume = 0;
    for (size_t i = 0; i < pts.size(); ++i) {
        stairs.insert(pts[i][0], pts[i][1]);
        const double next = i + 1 < pts.size() ? pts[i + 1][2] : ref[2];
        volume += stairs.area() * (next - pts[i][2]);
    }
    return volume;
}

// Rows of k values; slices along the last objective.
double volumeKd(const std::vector<double> &pts, size_t k, const double *ref)
{
    const size_t n = pts.size() / k;
    if (n == 0)
        return 0;
    if (k == 1) {
        double mn = ref[0];
        for (double v : pts)
            mn = std::min(mn, v);
        return ref[0] - mn;
    }
    if (k == 2) {
        std::vector<std::array<double, 2>> p(n);
        for (size_t i = 0; i < n; ++i)
            p[i] = {pts[i * 2], pts[i * 2 + 1]};
        return volume2d(std::move(p), ref[0], ref[1]);
    }
    if (k == 3) {
        std::vector<std::array<double, 3>> p(n);
        for (size_t i = 0; i < n; ++i)
            p[i] = {pts[i * 3], pts[i * 3 + 1], pts[i * 3 + 2]};
        return volume3d(std::move(p), ref);
    }
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t(0));
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return pts[a * k + k - 1] < pts[b * k + k - 1]; });
    double volume = 0;
    std::vector<double> prefix;
    for (size_t j = 0; j < n; ++j) {
        const double *p = &pts[order[j] * k];
        prefix.insert(prefix.end(), p, p + k - 1);
        const double next = j + 1 < n ? pts[order[j + 1] * k + k - 1] : ref[k - 1];
        const double depth = next - p[k - 1];
        if (depth > 0)
            volume += volumeKd(prefix, k - 1, ref) * depth;
    }
    return volume;
}

} // namespace

double hypervolume(std::span<const double> points, const std::vector<Sense> &senses,
                   const std::vector<double> &reference)
{
    const size_t k = senses.size();
    if (k == 0)
        throw Error("hypervolume", "no objective given");
    if (reference.size() != k)
        throw Error("hypervolume", "the reference point has " + std::to_string(reference.size())
                                       + " values for " + std::to_string(k) + " objectives");
    if (points.size() % k != 0)
        throw Error("hypervolume", std::to_string(points.size()) + " values is not a multiple of "
                                       + std::to_string(k) + " objectives");
    std::vector<double> ref(k);
    for (size_t d = 0; d < k; ++d) {
        if (!std::isfinite(reference[d]))
            throw Error("hypervolume", "the reference point must be finite");
        ref[d] = senses[d] == Sense::Minimize ? reference[d] : -reference[d];
    }
    std::vector<double> kept;
    const size_t n = points.size() / k;
    for (size_t i = 0; i < n; ++i) {
        bool inside = true;
        for (size_t d = 0; d < k; ++d) {
            const double v = points[i * k + d];
            if (!std::isfinite(v))
                throw Error("hypervolume", "point " + std::to_string(i) + " is not finite");
            const double m = senses[d] == Sense::Minimize ? v : -v;
            inside = inside && m < ref[d];
        }
        if (!inside)
            continue;
        for (size_t d = 0; d < k; ++d) {
            const double v = points[i * k + d];
            kept.push_back(senses[d] == Sense::Minimize ? v : -v);
        }
    }
    return volumeKd(kept, k, ref.data());
}

} // namespace frontier::study
