#pragma once

#include <QString>

#include <utility>

namespace frontier::ui {

// Number formatting shared by the views: energies in pJ shown in the unit that keeps the
// value between 1 and 1000, shares as percentages, times in µs/ms/s.
class Units
{
public:
    // (factor from pJ, unit name) for values up to maxPj.
    static std::pair<double, QString> energyScale(double maxPj);
    static QString energy(double pj);                       // "1.234 nJ"
    static QString percent(double share, int decimals = 2); // 0.9785 -> "97.85 %"
    static QString time(double us);                         // "12.3 µs", "4.5 ms", "1.2 s"
    static QString bytes(double bytes);                     // "12.3 KiB"
};

} // namespace frontier::ui
