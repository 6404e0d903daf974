#include "glyphs.h"

// Bit-reproducibility: a fused multiply-add rounds once where a multiply then an add
// round twice, so contraction would make the pixels depend on the CPU and the compiler.
// GCC 12's SLP vectoriser emits vfmaddsub for complex-multiply-like code even with
// -ffp-contract=off, hence no vectorisation either.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off", "no-tree-vectorize")
#endif

#include <cmath>

namespace frontier::data::synth {

namespace {

// Stroke kinds: 'L' polyline (x0 y0 x1 y1 ...), 'A' elliptic arc (cx cy rx ry a0 a1 in
// degrees, y down so 90 is the bottom), 'B' cubic Bezier (4 points). Lower-case 'l'
// and 'b' continue from the end of the previous stroke (their first point is omitted).
struct Stroke
{
    char kind;
    std::vector<double> v;
};

using Glyph = std::vector<Stroke>;

// clang-format off
const std::vector<std::vector<Glyph>> &templates()
{
    static const std::vector<std::vector<Glyph>> t = {
        // 0
        {{{'A', {0.5, 0.5, 0.27, 0.45, -90, 270}}},
         {{'A', {0.5, 0.5, 0.30, 0.44, -80, 292}}},
         {{'A', {0.5, 0.5, 0.21, 0.46, -95, 265}}}},
        // 1
        {{{'L', {0.5, 0.04, 0.5, 0.96}}},
         {{'L', {0.32, 0.22, 0.52, 0.04, 0.52, 0.96}}},
         {{'L', {0.34, 0.20, 0.52, 0.04, 0.52, 0.96}}, {'L', {0.32, 0.96, 0.72, 0.96}}}},
        // 2
        {{{'A', {0.5, 0.30, 0.27, 0.25, 195, 375}}, {'l', {0.20, 0.95, 0.82, 0.95}}},
         {{'B', {0.22, 0.25, 0.30, -0.05, 0.85, 0.0, 0.72, 0.40}}, {'l', {0.20, 0.95, 0.80, 0.95}}},
         {{'A', {0.5, 0.30, 0.27, 0.25, 195, 375}},
          {'l', {0.26, 0.86}},
          {'b', {0.16, 1.02, 0.42, 1.02, 0.36, 0.86}},
          {'l', {0.50, 0.95, 0.84, 0.94}}}},
        // 3
        {{{'A', {0.48, 0.27, 0.25, 0.23, 200, 450}}, {'A', {0.48, 0.73, 0.28, 0.25, 270, 515}}},
         {{'L', {0.24, 0.05, 0.76, 0.05, 0.44, 0.40}}, {'A', {0.48, 0.69, 0.28, 0.27, 245, 515}}},
         {{'A', {0.50, 0.27, 0.24, 0.23, 165, 450}}, {'A', {0.50, 0.73, 0.27, 0.25, 270, 555}}}},
        // 4
        {{{'L', {0.64, 0.04, 0.18, 0.66, 0.84, 0.66}}, {'L', {0.64, 0.30, 0.64, 0.97}}},
         {{'L', {0.28, 0.04, 0.22, 0.60, 0.80, 0.60}}, {'L', {0.66, 0.12, 0.66, 0.97}}},
         {{'L', {0.60, 0.04, 0.20, 0.64, 0.85, 0.64}}, {'L', {0.60, 0.04, 0.60, 0.97}}}},
        // 5
        {{{'L', {0.76, 0.05, 0.32, 0.05, 0.28, 0.46}}, {'A', {0.48, 0.68, 0.27, 0.27, 232, 505}}},
         {{'L', {0.30, 0.05, 0.28, 0.45}},
          {'b', {0.55, 0.30, 0.95, 0.55, 0.60, 0.92}},
          {'l', {0.25, 0.90}},
          {'L', {0.30, 0.05, 0.78, 0.07}}},
         {{'B', {0.76, 0.06, 0.50, 0.0, 0.26, 0.10, 0.27, 0.44}},
          {'A', {0.48, 0.68, 0.26, 0.27, 225, 520}}}},
        // 6
        {{{'B', {0.72, 0.05, 0.40, 0.15, 0.20, 0.45, 0.25, 0.72}},
          {'A', {0.5, 0.72, 0.25, 0.24, 180, 540}}},
         {{'L', {0.65, 0.04, 0.30, 0.55}}, {'A', {0.5, 0.72, 0.24, 0.24, 200, 560}}}},
        // 7
        {{{'L', {0.18, 0.06, 0.82, 0.06, 0.42, 0.96}}},
         {{'L', {0.18, 0.06, 0.82, 0.06, 0.42, 0.96}}, {'L', {0.36, 0.50, 0.76, 0.50}}},
         {{'L', {0.18, 0.18, 0.20, 0.06, 0.80, 0.06}}, {'b', {0.60, 0.40, 0.48, 0.70, 0.46, 0.96}}},
         {{'L', {0.36, 0.08, 0.66, 0.06, 0.52, 0.96}}}},
        // 8
        {{{'A', {0.5, 0.26, 0.22, 0.22, 0, 360}}, {'A', {0.5, 0.72, 0.27, 0.25, 0, 360}}},
         {{'B', {0.72, 0.16, 0.62, -0.02, 0.22, 0.0, 0.30, 0.25}},
          {'b', {0.36, 0.45, 0.78, 0.52, 0.76, 0.75}},
          {'b', {0.74, 1.0, 0.26, 1.0, 0.24, 0.76}},
          {'b', {0.22, 0.52, 0.70, 0.42, 0.72, 0.16}}}},
        // 9
        {{{'A', {0.48, 0.30, 0.25, 0.25, 0, 360}}, {'L', {0.73, 0.30, 0.70, 0.97}}},
         {{'A', {0.48, 0.30, 0.25, 0.25, 10, 370}},
          {'B', {0.73, 0.35, 0.74, 0.70, 0.62, 0.96, 0.35, 0.92}}},
         {{'A', {0.50, 0.30, 0.24, 0.24, -20, 340}}, {'L', {0.74, 0.22, 0.56, 0.97}}},
         {{'A', {0.46, 0.32, 0.24, 0.22, 20, 300}}, {'L', {0.70, 0.06, 0.70, 0.97}}}},
    };
    return t;
}
// clang-format on

double jittered(double v, double jitter, Random &rng)
{
    return v + (2.0 * rng.uniform() - 1.0) * jitter;
}

void appendArc(Polyline &line, double cx, double cy, double rx, double ry, double a0, double a1)
{
    const double sweep = std::abs(a1 - a0);
    int n = int(std::ceil(sweep / 12.0));
    n = n < 2 ? 2 : n;
    for (int k = 0; k <= n; ++k) {
        const double a = a0 + (a1 - a0) * (double(k) / double(n));
        double s, c;
        sinCosDeg(a, s, c);
        line.push_back({cx + rx * c, cy + ry * s});
    }
}

// The points are taken by value: p0 may be line.back(), which push_back invalidates.
void appendBezier(Polyline &line, Point p0, Point p1, Point p2, Point p3, bool skipFirst)
{
    const int n = 12;
    for (int k = skipFirst ? 1 : 0; k <= n; ++k) {
        const double t = double(k) / double(n);
        const double u = 1.0 - t;
        const double b0 = u * u * u;
        const double b1 = 3.0 * u * u * t;
        const double b2 = 3.0 * u * t * t;
        const double b3 = t * t * t;
        line.push_back({b0 * p0.x + b1 * p1.x + b2 * p2.x + b3 * p3.x,
                        b0 * p0.y + b1 * p1.y + b2 * p2.y + b3 * p3.y});
    }
}

} // namespace

void sinCosDeg(double degrees, double &s, double &c)
{
    // Reduce to [-45, 45] degrees and a quadrant, then Taylor series (|x| <= pi/4).
    const double q = std::floor(degrees / 90.0 + 0.5);
    const double r = (degrees - 90.0 * q) * (3.14159265358979323846 / 180.0);
    const double x2 = r * r;
    double sr = 1.0 / 6227020800.0; // 1/13!
    sr = 1.0 / 39916800.0 - x2 * sr;
    sr = 1.0 / 362880.0 - x2 * sr;
    sr = 1.0 / 5040.0 - x2 * sr;
    sr = 1.0 / 120.0 - x2 * sr;
    sr = 1.0 / 6.0 - x2 * sr;
    sr = r - r * x2 * sr;
    double cr = 1.0 / 87178291200.0; // 1/14!
    cr = 1.0 / 479001600.0 - x2 * cr;
    cr = 1.0 / 3628800.0 - x2 * cr;
    cr = 1.0 / 40320.0 - x2 * cr;
    cr = 1.0 / 720.0 - x2 * cr;
    cr = 1.0 / 24.0 - x2 * cr;
    cr = 0.5 - x2 * cr;
    cr = 1.0 - x2 * cr;
    const long long quadrant = ((long long)q % 4 + 4) % 4;
    switch (quadrant) {
    case 0:
        s = sr;
        c = cr;
        break;
    case 1:
        s = cr;
        c = -sr;
        break;
    case 2:
        s = -sr;
        c = -cr;
        break;
    default:
        s = -cr;
        c = sr;
        break;
    }
}

int glyphVariants(int digit)
{
    return int(templates().at(size_t(digit)).size());
}

std::vector<Polyline> glyphStrokes(int digit, int variant, double jitter, Random &rng)
{
    const Glyph &glyph = templates().at(size_t(digit)).at(size_t(variant));
    std::vector<Polyline> lines;
    for (const Stroke &stroke : glyph) {
        const bool cont = stroke.kind == 'l' || stroke.kind == 'b';
        if (!cont || lines.empty())
            lines.emplace_back();
        Polyline &line = lines.back();
        std::vector<Point> pts;
        for (size_t k = 0; k + 1 < stroke.v.size() && stroke.kind != 'A'; k += 2)
            pts.push_back(
                {jittered(stroke.v[k], jitter, rng), jittered(stroke.v[k + 1], jitter, rng)});
        switch (stroke.kind) {
        case 'L':
        case 'l':
            line.insert(line.end(), pts.begin(), pts.end());
            break;
        case 'B':
            appendBezier(line, pts[0], pts[1], pts[2], pts[3], false);
            break;
        case 'b':
            appendBezier(line, line.back(), pts[0], pts[1], pts[2], true);
            break;
        case 'A': {
            const std::vector<double> &v = stroke.v;
            const double cx = jittered(v[0], jitter, rng);
            const double cy = jittered(v[1], jitter, rng);
            const double rx = v[2] * jittered(1.0, 2.0 * jitter, rng);
            const double ry = v[3] * jittered(1.0, 2.0 * jitter, rng);
            const double a0 = jittered(v[4], 200.0 * jitter, rng);
            const double a1 = jittered(v[5], 200.0 * jitter, rng);
            appendArc(line, cx, cy, rx, ry, a0, a1);
            break;
        }
        default:
            break;
        }
    }
    return lines;
}

} // namespace frontier::data::synth
