#pragma once

#include <QString>

#include <string>

namespace frontier::ui {

// How a metric of a trial (policy::Metrics::named() names, tau, decision_tau) is shown:
// a title, the factor and unit that keep typical values readable (pJ -> nJ/µJ, µs -> ms,
// bytes -> KiB, shares -> %), and whether more is better (the default objective sense).
struct MetricInfo
{
    QString name;
    QString title; // "energy per inference"
    QString unit;  // "nJ", "%", "" ...
    double scale = 1.0;
    bool maximize = false;

    // `typical` picks the unit (e.g. the largest absolute value shown).
    static MetricInfo of(const std::string &metric, double typical = 0.0);
    QString axisTitle() const;        // "energy per inference (nJ)"
    QString format(double raw) const; // "1.234 nJ"
};

} // namespace frontier::ui
