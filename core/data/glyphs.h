#pragma once

#include "common/random.h"

#include <vector>

// Stroke templates of the synth-digits generator (internal to core/data).
//
// Everything here uses plain IEEE double arithmetic in a fixed order, with floating-point
// contraction (FMA) disabled in the .cpp, so that a seed gives the same strokes on every
// machine: no libm transcendental functions, no std distributions.

namespace frontier::data::synth {

struct Point
{
    double x = 0;
    double y = 0;
};

using Polyline = std::vector<Point>;

// sin and cos of an angle in degrees, to within ~1e-15, bit-reproducible.
void sinCosDeg(double degrees, double &s, double &c);

// Number of template variants of a digit 0..9.
int glyphVariants(int digit);

// The strokes of one variant of `digit`, flattened to polylines in the unit box
// (x to the right, y down; a digit spans about [0.15, 0.85] x [0, 1], centred on 0.5).
// Each control point moves by up to +-jitter, arc radii scale by up to +-2*jitter and arc
// ends turn by up to +-200*jitter degrees; strokes marked as continuing the previous one
// stay attached to it. Draws from `rng` in a fixed order.
std::vector<Polyline> glyphStrokes(int digit, int variant, double jitter, Random &rng);

} // namespace frontier::data::synth
