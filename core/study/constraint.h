#pragma once

#include "pareto.h"

#include <span>
#include <string>
#include <vector>

namespace frontier::study {

// A constraint on one column of a table of results, such as "accuracy>=0.98".
struct Constraint
{
    enum class Op { Less, LessEqual, Greater, GreaterEqual, Equal };

    int column = 0;
    Op op = Op::GreaterEqual;
    double value = 0;

    bool holds(double v) const; // false for NaN
    std::string toString(const std::vector<std::string> &columns) const;

    // "<name><op><number>" with op one of >=, <=, >, <, ==, = and spaces allowed; name
    // must be one of `columns`. Throws Error("constraint", ...) quoting the text.
    static Constraint parse(const std::string &text, const std::vector<std::string> &columns);
};

// Several constraints separated by commas or "and" ("accuracy>=0.98, latency_us<=50").
std::vector<Constraint> parseConstraints(const std::string &text,
                                         const std::vector<std::string> &columns);

// The constraint query "least energy_pj with accuracy >= a": among the rows (row-major,
// `columns` values each) that satisfy every constraint, the one with the best value in
// `column` (smallest for Minimize, largest for Maximize); ties and NaN as in the order of
// rows (the first wins, NaN never). Returns the row index, or -1 when no row qualifies.
int bestRow(std::span<const double> rows, int columns, int column, Sense sense,
            const std::vector<Constraint> &constraints);

} // namespace frontier::study
