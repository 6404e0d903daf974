#include "synthdigits.h"

#include "contenthash.h"
#include "glyphs.h"

#include "common/error.h"
#include "common/random.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

// See glyphs.cpp: no fused multiply-add, so that the pixels are the same on every CPU.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off", "no-tree-vectorize")
#endif

#include <algorithm>
#include <cmath>

namespace frontier::data {

namespace {

using synth::Point;
using synth::Polyline;

constexpr int kSide = 28;
constexpr int kPixels = kSide * kSide;

// The ranges of the random variations (documented in datasets/README.md).
constexpr double kJitter = 0.055;     // control points, in digit heights
constexpr double kDigitHeight = 19.0; // pixels, before scaling
constexpr double kRotation = 20.0;    // +- degrees
constexpr double kScaleXMin = 0.72, kScaleXMax = 1.15;
constexpr double kScaleYMin = 0.85, kScaleYMax = 1.10;
constexpr double kShear = 0.30;                            // +- (x += shear * y)
constexpr double kShift = 2.0;                             // +- pixels
constexpr double kHalfWidthMin = 0.6, kHalfWidthMax = 1.7; // pixels
constexpr double kClutterChance = 0.45;
constexpr double kEraseChance = 0.25;
constexpr double kNoiseMax = 0.10; // standard deviation, fraction of full scale

double between(Random &rng, double lo, double hi)
{
    return lo + (hi - lo) * rng.uniform();
}

// Anti-aliased stroke: coverage falls linearly from 1 to 0 over the pixel straddling the
// stroke's edge. Paints with max(), or erases with (1 - coverage).
void drawSegment(double *img, Point a, Point b, double halfWidth, double intensity, bool erase)
{
    const double reach = halfWidth + 0.5;
    const int x0 = std::max(0, int(std::floor(std::min(a.x, b.x) - reach)));
    const int x1 = std::min(kSide - 1, int(std::floor(std::max(a.x, b.x) + reach)));
    const int y0 = std::max(0, int(std::floor(std::min(a.y, b.y) - reach)));
    const int y1 = std::min(kSide - 1, int(std::floor(std::max(a.y, b.y) + reach)));
    const double dx = b.x - a.x;
    const double dy = b.y - a.y;
    const double len2 = dx * dx + dy * dy;
    const double invLen2 = len2 > 0.0 ? 1.0 / len2 : 0.0;
    const double outer2 = reach * reach;
    const double inner2 = reach > 1.0 ? (reach - 1.0) * (reach - 1.0) : -1.0;
    for (int row = y0; row <= y1; ++row) {
        const double py = double(row) + 0.5;
        for (int col = x0; col <= x1; ++col) {
            const double px = double(col) + 0.5;
            double t = ((px - a.x) * dx + (py - a.y) * dy) * invLen2;
            t = t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
            const double ex = px - (a.x + t * dx);
            const double ey = py - (a.y + t * dy);
            const double d2 = ex * ex + ey * ey;
            if (d2 >= outer2)
                continue;
            // Full coverage inside the inner radius; no square root needed there.
            double cover = d2 <= inner2 ? 1.0 : reach - std::sqrt(d2);
            cover = cover > 1.0 ? 1.0 : cover;
            double &v = img[row * kSide + col];
            if (erase)
                v = v * (1.0 - cover);
            else if (cover * intensity > v)
                v = cover * intensity;
        }
    }
}

void drawPolyline(double *img, const Polyline &line, double halfWidth, double intensity)
{
    for (size_t k = 0; k + 1 < line.size(); ++k)
        drawSegment(img, line[k], line[k + 1], halfWidth, intensity, false);
    if (line.size() == 1)
        drawSegment(img, line[0], line[0], halfWidth, intensity, false);
}

// A random stroke of `length` pixels around (cx, cy).
void randomBar(Random &rng, double cx, double cy, double length, Point &a, Point &b)
{
    double s, c;
    synth::sinCosDeg(between(rng, 0.0, 360.0), s, c);
    a = {cx - 0.5 * length * c, cy - 0.5 * length * s};
    b = {cx + 0.5 * length * c, cy + 0.5 * length * s};
}

// Renders one image; the draws from `rng` happen in a fixed order.
void renderOne(int digit, Random &rng, uint8_t *out)
{
    double img[kPixels] = {};
    const int variant = int(rng.below(synth::glyphVariants(digit)));
    std::vector<Polyline> strokes = synth::glyphStrokes(digit, variant, kJitter, rng);

    const double rotation = between(rng, -kRotation, kRotation);
    const double sx = between(rng, kScaleXMin, kScaleXMax) * kDigitHeight;
    const double sy = between(rng, kScaleYMin, kScaleYMax) * kDigitHeight;
    const double shear = between(rng, -kShear, kShear);
    const double tx = between(rng, -kShift, kShift) + 0.5 * kSide;
    const double ty = between(rng, -kShift, kShift) + 0.5 * kSide;
    const double halfWidth = between(rng, kHalfWidthMin, kHalfWidthMax);
    const double gain = between(rng, 0.75, 1.0);
    const double noise = between(rng, 0.0, kNoiseMax);
    double s, c;
    synth::sinCosDeg(rotation, s, c);
    for (Polyline &line : strokes) {
        for (Point &p : line) {
            double u = (p.x - 0.5) * sx;
            const double v = (p.y - 0.5) * sy;
            u = u + shear * v;
            p = {c * u - s * v + tx, s * u + c * v + ty};
        }
        const double pressure = between(rng, 0.8, 1.0);
        const double width = halfWidth * between(rng, 0.85, 1.15);
        drawPolyline(img, line, width, pressure);
    }

    if (rng.uniform() < kClutterChance) {
        const int bars = 1 + int(rng.below(2));
        for (int k = 0; k < bars; ++k) {
            Point a, b;
            const double cx = between(rng, 2.0, kSide - 2.0);
            const double cy = between(rng, 2.0, kSide - 2.0);
            randomBar(rng, cx, cy, between(rng, 3.0, 10.0), a, b);
            const double width = between(rng, 0.4, 1.0);
            drawSegment(img, a, b, width, between(rng, 0.3, 0.85), false);
        }
    }
    if (rng.uniform() < kEraseChance) {
        Point a, b;
        const double cx = 0.5 * kSide + between(rng, -5.0, 5.0);
        const double cy = 0.5 * kSide + between(rng, -5.0, 5.0);
        randomBar(rng, cx, cy, between(rng, 8.0, 16.0), a, b);
        drawSegment(img, a, b, between(rng, 0.8, 1.6), 1.0, true);
    }

    // Pixel noise: approximately normal (sum of four 16-bit uniforms from one draw).
    const double unit = 1.0 / 65536.0;
    for (int i = 0; i < kPixels; ++i) {
        const uint64_t r = rng.next();
        const uint32_t sum = uint32_t(r & 0xffff) + uint32_t((r >> 16) & 0xffff)
                             + uint32_t((r >> 32) & 0xffff) + uint32_t(r >> 48);
        const double z = (double(sum) * unit - 2.0) * 1.7320508075688772; // unit variance
        double v = img[i] * gain + noise * z;
        v = v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
        out[i] = uint8_t(int(v * 255.0 + 0.5)); // v >= 0: truncation rounds half up
    }
}

SynthDigitsImages prepareOutput(int samples, uint64_t seed)
{
    if (samples < 1 || samples > 10000000) {
        throw Error("synth-digits",
                    "number of samples must be 1..10000000, got " + std::to_string(samples));
    }
    SynthDigitsImages out;
    out.pixels.resize(size_t(samples) * kPixels);
    out.labels.resize(size_t(samples));
    for (int i = 0; i < samples; ++i)
        out.labels[size_t(i)] = uint8_t(i % 10);
    Random labelRng = Random(seed).split(0xffffffffULL);
    labelRng.shuffle(out.labels);
    return out;
}

void renderBlock(SynthDigitsImages &out, uint64_t seed, int block)
{
    Random rng = Random(seed).split(uint64_t(block));
    const int samples = int(out.labels.size());
    const int end = std::min(samples, (block + 1) * kSynthBlock);
    for (int i = block * kSynthBlock; i < end; ++i)
        renderOne(out.labels[size_t(i)], rng, out.pixels.data() + size_t(i) * kPixels);
}

int blockCount(int samples)
{
    return (samples + kSynthBlock - 1) / kSynthBlock;
}

} // namespace

SynthDigitsImages renderSynthDigits(int samples, uint64_t seed)
{
    SynthDigitsImages out = prepareOutput(samples, seed);
    tbb::parallel_for(tbb::blocked_range<int>(0, blockCount(samples), 1),
                      [&](const tbb::blocked_range<int> &range) {
                          for (int block = range.begin(); block != range.end(); ++block)
                              renderBlock(out, seed, block);
                      });
    return out;
}

SynthDigitsImages renderSynthDigitsSerial(int samples, uint64_t seed)
{
    SynthDigitsImages out = prepareOutput(samples, seed);
    for (int block = 0; block < blockCount(samples); ++block)
        renderBlock(out, seed, block);
    return out;
}

Dataset generateSynthDigits(int samples, uint64_t seed)
{
    const SynthDigitsImages images = renderSynthDigits(samples, seed);
    Dataset set;
    set.name = "synth-digits";
    set.source = "synth-digits(samples=" + std::to_string(samples)
                 + ", seed=" + std::to_string(seed) + ")";
    set.shape = {1, kSide, kSide};
    set.x.assign(images.pixels.begin(), images.pixels.end());
    set.y.assign(images.labels.begin(), images.labels.end());
    for (int i = 0; i < 10; ++i)
        set.classNames.push_back(std::to_string(i));
    ContentHash hash;
    hash.add(images.pixels.data(), images.pixels.size());
    hash.add(images.labels.data(), images.labels.size());
    set.contentHash = hash.hex();
    return set;
}

} // namespace frontier::data
