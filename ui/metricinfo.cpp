#include "metricinfo.h"

#include "units.h"

#include <QCoreApplication>
#include <QLocale>

#include <cmath>

namespace frontier::ui {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("MetricInfo", text);
}

bool endsWith(const std::string &s, const char *suffix)
{
    const std::string t(suffix);
    return s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0;
}

} // namespace

MetricInfo MetricInfo::of(const std::string &metric, double typical)
{
    MetricInfo m;
    m.name = QString::fromStdString(metric);
    const double v = std::abs(typical);
    if (endsWith(metric, "_pj")) {
        std::tie(m.scale, m.unit) = Units::energyScale(v);
        m.title = metric == "energy_pj"              ? tr("energy per inference")
                  : metric == "device_energy_pj"     ? tr("device energy per inference")
                  : metric == "energy_p95_pj"        ? tr("p95 energy per inference")
                  : metric == "device_energy_p95_pj" ? tr("p95 device energy per inference")
                                                     : m.name;
    } else if (endsWith(metric, "_us")) {
        m.scale = v >= 1e6 ? 1e-6 : v >= 1e3 ? 1e-3 : 1.0;
        m.unit = v >= 1e6   ? QStringLiteral("s")
                 : v >= 1e3 ? QStringLiteral("ms")
                            : QStringLiteral("µs");
        m.title = metric == "latency_us"       ? tr("mean latency")
                  : metric == "latency_p95_us" ? tr("p95 latency")
                                               : m.name;
    } else if (endsWith(metric, "_bytes")) {
        m.scale = v >= 1048576 ? 1.0 / 1048576 : v >= 1024 ? 1.0 / 1024 : 1.0;
        m.unit = v >= 1048576 ? QStringLiteral("MiB")
                 : v >= 1024  ? QStringLiteral("KiB")
                              : QStringLiteral("B");
        m.title = metric == "memory_bytes" ? tr("resident memory") : m.name;
    } else if (metric == "accuracy" || metric == "fidelity" || metric == "escalated"
               || metric == "offloaded" || endsWith(metric, "_saving")
               || metric.rfind("reached_", 0) == 0) {
        m.scale = 100.0;
        m.unit = QStringLiteral("%");
        m.title = metric == "accuracy"               ? tr("accuracy")
                  : metric == "fidelity"             ? tr("fidelity to the full model")
                  : metric == "escalated"            ? tr("escalated")
                  : metric == "offloaded"            ? tr("offloaded")
                  : metric == "energy_saving"        ? tr("energy saving")
                  : metric == "device_energy_saving" ? tr("device energy saving")
                  : metric == "latency_saving"       ? tr("latency saving")
                                                     : m.name;
    } else {
        m.title = m.name;
    }
    m.maximize = metric == "accuracy" || metric == "fidelity" || endsWith(metric, "_saving");
    return m;
}

QString MetricInfo::axisTitle() const
{
    return unit.isEmpty() ? title : QStringLiteral("%1 (%2)").arg(title, unit);
}

QString MetricInfo::format(double raw) const
{
    if (std::isnan(raw))
        return QStringLiteral("–");
    // A saving below zero is a cost above the baseline's: "2.5× more", not "-150 %".
    if (raw < 0 && name.endsWith(QLatin1String("saving")))
        return QStringLiteral("%1× more").arg(QLocale().toString(1.0 - raw, 'g', 3));
    // Rule M's bound 0 is stored as the next double above it.
    if ((name == QLatin1String("tau") || name == QLatin1String("decision_tau")) && raw > 0
        && raw < 1e-300)
        return QStringLiteral("0⁺");
    const double v = raw * scale;
    const QString number = unit == QLatin1String("%") ? QLocale().toString(v, 'f', 2)
                                                      : QLocale().toString(v, 'g', 4);
    return unit.isEmpty() ? number : QStringLiteral("%1 %2").arg(number, unit);
}

} // namespace frontier::ui
