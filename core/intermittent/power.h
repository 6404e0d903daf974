#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace frontier::intermittent {

// The energy store of a battery-less device: a capacitor that turns the device on when it
// reaches V_on and off when it falls to V_off (the iNAS power model, REFERENCE.md §3).
// SI units throughout: F, V, J. A value type; validate() throws Error naming `where`.
struct Capacitor
{
    double capacitance_F = 5e-3;
    double vOn_V = 2.99;
    double vOff_V = 2.8;
    double vMax_V = 3.0; // the voltage the harvester cannot charge beyond (its supply)
    double margin = 1.0; // safety margin the planner applies to the energy of one cycle

    // ½·C·V²
    double energyAt(double v) const { return 0.5 * capacitance_F * v * v; }
    // The voltage holding `energy_J`: √(2E/C).
    double voltageAt(double energy_J) const;
    // ½·C·(V_on² − V_off²): what one power cycle delivers from V_on down to V_off.
    double cycleEnergy_J() const;
    // cycleEnergy_J() × margin: what the planner lets one atomic task (with its reboot) use.
    double usableEnergy_J() const;
    // The voltage left after drawing `used_J` from V_on: √(V_on² − 2E/C) (the iNAS formula
    // √(2(E_av − E)/C + V_off²) with E_av the whole cycle's energy). Below V_off: NaN.
    double voltageAfter(double used_J) const;

    // Throws Error(where, "key '<prefix>capacitor_mf': ...") for C <= 0, V_off >= V_on, a
    // margin outside (0, 1] and V_on above V_max.
    void validate(const std::string &where, const std::string &keyPrefix = {}) const;
};

// Where the energy comes from.
//   Rc     a supply V_sup behind the harvester's equivalent resistance R (the iNAS model):
//          the capacitor charges as V(t) = V_sup − (V_sup − V0)·e^(−t/RC) while the device
//          is off; as in iNAS, nothing is harvested while it runs.
//   Power  a harvested power P(t) (constant, or a trace read from CSV) that charges the
//          capacitor at all times, also while the device runs, up to V_max (the surplus is
//          lost). A trace is sample-and-hold: power_W[i] from times_s[i] to times_s[i+1],
//          the last value for ever after; power_W[0] before times_s[0].
struct Harvester
{
    enum class Kind { Rc, Power };

    Kind kind = Kind::Rc;
    double supply_V = 3.0;        // Rc
    double resistance_Ohm = 1000; // Rc
    std::vector<double> times_s;  // Power: ascending (strictly), first >= 0
    std::vector<double> power_W;  // Power: >= 0, one per time
    std::string description;      // "R = 1000 Ω from 3 V", "2 mW", "<trace file>"

    static Harvester rc(double supply_V, double resistance_Ohm);
    static Harvester constant(double power_W);
    // Reads a CSV trace: a header naming a time column (time_s, time_ms or time_us) and a
    // power column (power_w, power_mw or power_uw), then one sample per line; '#' starts a
    // comment line. Throws Error("<path>", "line N: key '<column>': ...") for negative or
    // non-finite power, time that does not increase, a missing column or an empty trace.
    static Harvester loadTrace(const std::string &path);

    bool constantFrom(double t) const; // the power does not change any more after t
    double powerAt(double t) const;    // Power: the sample holding at t
    // Power: index of the segment holding t (the last sample at or before t; 0 before the
    // first), and the time that segment ends (+inf for the last).
    size_t segmentAt(double t) const;
    double segmentEnd(size_t segment) const;
    double meanPower_W() const; // Power: time-weighted mean over the trace (constant: P)

    void validate(const std::string &where) const;
};

// The iNAS recharge time from `v_V` up to V_on through R from V_sup:
// −R·C·ln((V_on − V_sup)/(V − V_sup)). Zero when v_V >= V_on; +inf when V_sup <= V_on.
double rechargeTime_s(const Capacitor &capacitor, const Harvester &rcHarvester, double v_V);

// Power harvester: the time from `t_s` for the capacitor to gather `energy_J` with the
// device off (walks the trace); +inf when the power stays zero.
double gatherTime_s(const Harvester &powerHarvester, double t_s, double energy_J);

} // namespace frontier::intermittent
