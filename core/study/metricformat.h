#pragma once

#include <string>
#include <vector>

namespace frontier::study {

// The one rule by which Frontier shows a trial metric, shared by the CLI's tables, the
// GUI's table, chart axes and tooltips, and reports: a human name, one unit per column
// chosen from the values it shows (pJ → nJ/µJ/mJ/J, µs → ms/s, bytes → KiB/MiB, shares
// as %), savings below zero as "N× more", rule M's bound as "0⁺". Raw metric units are
// the stored ones: energies in pJ (`_pj`), times in µs (`_us`) or s (`_s`), memory in
// bytes (`_bytes`), shares in [0, 1]. A value; UTF-8 strings.
struct MetricFormat
{
    enum class Kind { Energy, Time, Bytes, Share, Saving, Threshold, Count, Other };

    std::string metric;     // the stored name, e.g. "energy_pj"
    std::string title;      // "energy per inference"
    std::string shortTitle; // "energy": table columns
    std::string unit;       // "µJ", "%", "ms", "KiB" or ""
    double scale = 1.0;     // shown value = raw × scale
    Kind kind = Kind::Other;
    bool maximize = false; // more is better (the default objective sense)

    // The unit that suits values up to |typical| (the largest magnitude a column shows).
    static MetricFormat of(const std::string &metric, double typical = 0.0);
    // The unit that suits a column of values (the largest finite magnitude; NaNs ignored).
    static MetricFormat forValues(const std::string &metric, const std::vector<double> &values);

    // "energy per inference (µJ)"; the title alone for unitless metrics. Headers of tables
    // and CSV files and chart axes all use it.
    std::string header() const;
    // "energy (µJ)": the header of a table column (CLI tables, the results table, CSV).
    std::string columnHeader() const;
    // The number in this column's unit without the unit ("1.234"; shares "97.25"); ""
    // for NaN. Savings below zero as "175× more", thresholds at the smallest double as
    // "0⁺".
    std::string number(double raw) const;
    // The number with its unit ("1.234 µJ", "97.25 %"); "–" for NaN.
    std::string text(double raw) const;
    // A human name for any metric, including the ones only some trials have.
    static std::string titleOf(const std::string &metric);
    static std::string shortTitleOf(const std::string &metric);
};

} // namespace frontier::study
