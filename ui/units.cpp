#include "units.h"

#include <QLocale>

#include <cmath>

namespace frontier::ui {

std::pair<double, QString> Units::energyScale(double maxPj)
{
    const double v = std::abs(maxPj);
    if (v >= 1e12)
        return {1e-12, QStringLiteral("J")};
    if (v >= 1e9)
        return {1e-9, QStringLiteral("mJ")};
    if (v >= 1e6)
        return {1e-6, QStringLiteral("µJ")};
    if (v >= 1e3)
        return {1e-3, QStringLiteral("nJ")};
    return {1.0, QStringLiteral("pJ")};
}

QString Units::energy(double pj)
{
    if (std::isnan(pj))
        return QStringLiteral("–");
    const auto [scale, unit] = energyScale(pj);
    return QStringLiteral("%1 %2").arg(QLocale().toString(pj * scale, 'f', 3), unit);
}

QString Units::percent(double share, int decimals)
{
    if (std::isnan(share))
        return QStringLiteral("–");
    return QStringLiteral("%1 %").arg(QLocale().toString(share * 100.0, 'f', decimals));
}

QString Units::time(double us)
{
    if (std::isnan(us))
        return QStringLiteral("–");
    if (std::abs(us) >= 1e6)
        return QStringLiteral("%1 s").arg(QLocale().toString(us * 1e-6, 'f', 3));
    if (std::abs(us) >= 1e3)
        return QStringLiteral("%1 ms").arg(QLocale().toString(us * 1e-3, 'f', 3));
    return QStringLiteral("%1 µs").arg(QLocale().toString(us, 'f', 3));
}

QString Units::bytes(double bytes)
{
    if (bytes >= 1024.0 * 1024.0)
        return QStringLiteral("%1 MiB").arg(QLocale().toString(bytes / 1048576.0, 'f', 2));
    if (bytes >= 1024.0)
        return QStringLiteral("%1 KiB").arg(QLocale().toString(bytes / 1024.0, 'f', 1));
    return QStringLiteral("%1 B").arg(QLocale().toString(qlonglong(bytes)));
}

} // namespace frontier::ui
