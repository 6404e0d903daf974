#pragma once

#include "study/metricformat.h"

#include <QString>

#include <string>

namespace frontier::ui {

// How a metric of a trial is shown in the views: study::MetricFormat (the one rule the CLI
// and reports use too) with Qt strings. A title, the factor and unit that keep a column's
// values readable (pJ -> nJ/µJ, µs -> ms, bytes -> KiB, shares -> %), and whether more is
// better (the default objective sense).
struct MetricInfo
{
    QString name;
    QString title;      // "energy per inference": chart axes, tooltips
    QString shortTitle; // "energy": table columns
    QString unit;       // "nJ", "%", "" ...
    double scale = 1.0;
    bool maximize = false;
    study::MetricFormat rule;

    // `typical` picks the unit (the largest absolute value shown).
    static MetricInfo of(const std::string &metric, double typical = 0.0);
    QString axisTitle() const;        // "energy per inference (nJ)"
    QString columnHeader() const;     // "energy (nJ)"
    QString format(double raw) const; // "1.234 nJ"; "175× more"; "0⁺"; "–" for NaN
    QString number(double raw) const; // "1.234" in the column's unit; "" for NaN
};

} // namespace frontier::ui
