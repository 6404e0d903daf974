#include "energytable.h"

#include "common/error.h"

#include <algorithm>

namespace frontier::cost {

using numeric::FormatSpec;

double intAddFeature(const EnergyAnchor &anchor)
{
    return anchor.bits;
}

double intMulFeature(const EnergyAnchor &anchor)
{
    return double(anchor.bits) * anchor.bits;
}

double floatAddFeature(const EnergyAnchor &anchor)
{
    return anchor.mantissaBits + 1.0 + anchor.exponentBits;
}

double floatMulFeature(const EnergyAnchor &anchor)
{
    const double significand = anchor.mantissaBits + 1.0;
    return significand * significand + anchor.exponentBits;
}

double interpolateEnergy(const std::vector<EnergyAnchor> &anchors,
                         double (*feature)(const EnergyAnchor &), double f)
{
    if (anchors.empty())
        throw Error("energy table", "no anchor to interpolate from");
    std::vector<std::pair<double, double>> points; // (feature, pJ), sorted
    for (const EnergyAnchor &a : anchors)
        points.emplace_back(feature(a), a.energy_pj.value);
    std::sort(points.begin(), points.end());
    for (const auto &[x, e] : points) {
        if (x == f)
            return e;
    }
    if (f < points.front().first)
        return points.front().second * (f / points.front().first);
    if (f > points.back().first)
        return points.back().second * (f / points.back().first);
    for (size_t i = 1; i < points.size(); ++i) {
        const auto [x0, e0] = points[i - 1];
        const auto [x1, e1] = points[i];
        if (f < x1)
            return e0 + (e1 - e0) * (f - x0) / (x1 - x0);
    }
    return points.back().second;
}

void floatWidths(const FormatSpec &format, int &exponentBits, int &mantissaBits)
{
    switch (format.kind) {
    case FormatSpec::Kind::Float64:
        exponentBits = 11;
        mantissaBits = 52;
        return;
    case FormatSpec::Kind::Minifloat:
        exponentBits = format.exponentBits;
        mantissaBits = format.mantissaBits;
        return;
    case FormatSpec::Kind::Custom:
        exponentBits = format.custom ? format.custom->cost().exponentBits : 8;
        mantissaBits = format.custom ? format.custom->cost().mantissaBits : 23;
        return;
    default:
        exponentBits = 8;
        mantissaBits = 23;
        return;
    }
}

namespace {

bool isFloat(const FormatSpec &format)
{
    return format.kind == FormatSpec::Kind::Float32 || format.kind == FormatSpec::Kind::Float64
           || format.kind == FormatSpec::Kind::Minifloat || format.kind == FormatSpec::Kind::Custom;
}

// A custom format's factor over the float datapath it is priced as (1 for the others).
double overhead(const FormatSpec &format)
{
    return format.kind == FormatSpec::Kind::Custom && format.custom ? format.custom->cost().overhead
                                                                    : 1.0;
}

EnergyAnchor intQuery(int bits)
{
    EnergyAnchor a;
    a.bits = bits;
    return a;
}

EnergyAnchor floatQuery(int exponentBits, int mantissaBits)
{
    EnergyAnchor a;
    a.exponentBits = exponentBits;
    a.mantissaBits = mantissaBits;
    return a;
}

void checkWidth(int bits, const char *what)
{
    if (bits < 1)
        throw Error("energy table",
                    std::string(what) + " width " + std::to_string(bits) + " is not >= 1");
}

} // namespace

EnergyTable::EnergyTable(const ArithmeticSpec &spec)
    : m_spec(spec)
{}

double EnergyTable::intAdd_pj(int bits) const
{
    checkWidth(bits, "integer add");
    return interpolateEnergy(m_spec.intAdd_pj, intAddFeature, intAddFeature(intQuery(bits)));
}

double EnergyTable::intMul_pj(int bitsA, int bitsB) const
{
    checkWidth(std::min(bitsA, bitsB), "integer multiply");
    return interpolateEnergy(m_spec.intMul_pj, intMulFeature, double(bitsA) * bitsB);
}

double EnergyTable::floatAdd_pj(int exponentBits, int mantissaBits) const
{
    checkWidth(exponentBits, "float exponent");
    return interpolateEnergy(m_spec.floatAdd_pj, floatAddFeature,
                             floatAddFeature(floatQuery(exponentBits, mantissaBits)));
}

double EnergyTable::floatMul_pj(int exponentBits, int mantissaBits) const
{
    checkWidth(exponentBits, "float exponent");
    return interpolateEnergy(m_spec.floatMul_pj, floatMulFeature,
                             floatMulFeature(floatQuery(exponentBits, mantissaBits)));
}

double EnergyTable::scGenerate_pj(int k) const
{
    checkWidth(k, "sc resolution");
    return interpolateEnergy(m_spec.scGenerate_pj, intAddFeature, k);
}

double EnergyTable::compare_pj(const FormatSpec &format) const
{
    if (isFloat(format)) {
        int e = 0, m = 0;
        floatWidths(format, e, m);
        return intAdd_pj(1 + e + m);
    }
    return intAdd_pj(format.activationBits);
}

double EnergyTable::add_pj(const FormatSpec &format) const
{
    if (isFloat(format)) {
        int e = 0, m = 0;
        floatWidths(format, e, m);
        return floatAdd_pj(e, m) * overhead(format);
    }
    return intAdd_pj(format.accumulatorBits);
}

double EnergyTable::mul_pj(const FormatSpec &format) const
{
    if (isFloat(format)) {
        int e = 0, m = 0;
        floatWidths(format, e, m);
        return floatMul_pj(e, m) * overhead(format);
    }
    return intMul_pj(format.accumulatorBits, format.accumulatorBits);
}

double EnergyTable::mac_pj(const FormatSpec &format, bool accumulateFp32) const
{
    if (format.kind == FormatSpec::Kind::Stochastic)
        throw Error("format '" + format.name + "'", "an sc MAC has no binary multiply-add");
    if (isFloat(format)) {
        int e = 0, m = 0;
        floatWidths(format, e, m);
        const bool fp32Add = format.kind == FormatSpec::Kind::Minifloat && accumulateFp32
                             && !format.accumulateInFormat;
        return (floatMul_pj(e, m) + (fp32Add ? floatAdd_pj(8, 23) : floatAdd_pj(e, m)))
               * overhead(format);
    }
    return intMul_pj(format.weightBits, format.activationBits) + intAdd_pj(format.accumulatorBits);
}

} // namespace frontier::cost
