#pragma once

#include "preset.h"

#include "numeric/formatspec.h"

namespace frontier::cost {

// Energy per arithmetic operation from an ArithmeticSpec (e.g. Horowitz 45 nm), with the
// interpolation rules of docs/cost-model.md for widths the table lacks. Each operation
// has a feature f: int add f = bits, int multiply f = a·b (b² when square), float add
// f = (M + 1) + E, float multiply f = (M + 1)² + E, sc stream generation f = k. The
// energy is the anchor's where f matches one, linear in f between the two neighbouring
// anchors, and proportional to f from the nearest anchor outside their range.
// All results in pJ per operation; widths must be >= 1.
class EnergyTable
{
public:
    explicit EnergyTable(const ArithmeticSpec &spec);

    double intAdd_pj(int bits) const;
    double intMul_pj(int bitsA, int bitsB) const;
    double floatAdd_pj(int exponentBits, int mantissaBits) const;
    double floatMul_pj(int exponentBits, int mantissaBits) const;
    double scGenerate_pj(int k) const; // per generated stream bit

    // A comparison costs one integer addition of the operand width (float operands are
    // compared as sign-magnitude integers of their total width).
    double compare_pj(const numeric::FormatSpec &format) const;

    // Element-wise operations in a format's arithmetic: float formats in the format,
    // integer, fixed point and sc at the accumulator width.
    double add_pj(const numeric::FormatSpec &format) const;
    double mul_pj(const numeric::FormatSpec &format) const;

    // One MAC: a multiply of the weight and activation widths plus an add in the
    // accumulator (int, fixed point), or in the format itself (floats; fp32 for
    // minifloats when accumulateFp32). Not for sc (see CostModel).
    double mac_pj(const numeric::FormatSpec &format, bool accumulateFp32 = false) const;

    const ArithmeticSpec &spec() const { return m_spec; }

private:
    ArithmeticSpec m_spec;
};

// Exponent and mantissa widths of a float format (fp32: 8/23, fp64: 11/52, minifloats
// from the spec).
void floatWidths(const numeric::FormatSpec &format, int &exponentBits, int &mantissaBits);

// The interpolation features of anchors, as above.
double intAddFeature(const EnergyAnchor &anchor);   // bits
double intMulFeature(const EnergyAnchor &anchor);   // bits²
double floatAddFeature(const EnergyAnchor &anchor); // (M + 1) + E
double floatMulFeature(const EnergyAnchor &anchor); // (M + 1)² + E

// The energy at feature value f (> 0) by the rule above; anchors need not be sorted.
// Throws Error when there is no anchor.
double interpolateEnergy(const std::vector<EnergyAnchor> &anchors,
                         double (*feature)(const EnergyAnchor &), double f);

} // namespace frontier::cost
