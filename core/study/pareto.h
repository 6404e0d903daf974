#pragma once

#include <span>
#include <string>
#include <vector>

namespace frontier::study {

// Pareto fronts over any chosen objectives.
//
// Points are n rows of k values, row-major (point i is values[i*k .. i*k + k-1]); k is
// the number of senses given. a dominates b when a is at least as good in every objective
// and strictly better in one ("good" = smaller for Minimize, larger for Maximize). Equal
// points do not dominate each other, so duplicates on the front are all kept. Values must
// not be NaN (Error); infinities are allowed. All functions are pure and thread-safe.

enum class Sense { Minimize, Maximize };

struct Objective
{
    std::string name;
    Sense sense = Sense::Minimize;
};

// "energy_pj:min,accuracy:max" (also "minimize"/"maximize"; spaces allowed).
// Throws Error("objectives", ...) quoting the bad part.
std::vector<Objective> parseObjectives(const std::string &spec);
std::string objectivesToString(const std::vector<Objective> &objectives);
std::vector<Sense> sensesOf(const std::vector<Objective> &objectives);

bool dominates(const double *a, const double *b, const std::vector<Sense> &senses);

// Indices of the non-dominated points, ascending. k = 2: sort and sweep, O(n log n);
// k > 2: lexicographic sort, then each point against the front found so far,
// O(n log n + n·f·k) for a front of f points. Throws Error for NaN or a size that is not
// a multiple of k, or k = 0.
std::vector<int> paretoFront(std::span<const double> points, const std::vector<Sense> &senses);

// The serial twin: every pair, O(n² k). For tests.
std::vector<int> paretoFrontNaive(std::span<const double> points, const std::vector<Sense> &senses);

// The knee of the front: every objective of the front is normalised to [0, 1] (0 = best
// on the front, a constant objective maps to 0), and the knee is the front point with the
// smallest sum of normalised values (ties: the lowest index). In 2-D that is exactly the
// point farthest below the line through the two extremes, (0, 1) and (1, 0). Returns the
// index into points, or -1 when there is none.
int kneePoint(std::span<const double> points, const std::vector<Sense> &senses);

} // namespace frontier::study
