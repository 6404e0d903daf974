#pragma once

#include "pareto.h"

#include <span>
#include <vector>

namespace frontier::study {

// The hypervolume of a point set against a reference point: the measure of the region
// that the points dominate and that is bounded by the reference (for minimised
// objectives, the union of the boxes [p, reference]). Points are laid out as in
// pareto.h; reference has one value per objective, in the objectives' own units and
// sense (e.g. energy_pj:min with reference 1e6 counts points below 1e6 pJ). Points that
// are not strictly better than the reference in every objective add nothing.
//
// Exact for every k: k = 1 trivially; k = 2 by one sort and a sweep, O(n log n); k = 3 by
// a sweep over the third objective with an incrementally maintained 2-D staircase,
// O(n log n); k >= 4 by slicing along the last objective down to k = 3,
// O(n^(k-2) log n). Throws Error for non-finite values, NaN or size mismatches.
double hypervolume(std::span<const double> points, const std::vector<Sense> &senses,
                   const std::vector<double> &reference);

} // namespace frontier::study
