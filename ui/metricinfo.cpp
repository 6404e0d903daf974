#include "metricinfo.h"

namespace frontier::ui {

MetricInfo MetricInfo::of(const std::string &metric, double typical)
{
    MetricInfo m;
    m.rule = study::MetricFormat::of(metric, typical);
    m.name = QString::fromStdString(metric);
    m.title = QString::fromStdString(m.rule.title);
    m.shortTitle = QString::fromStdString(m.rule.shortTitle);
    m.unit = QString::fromStdString(m.rule.unit);
    m.scale = m.rule.scale;
    m.maximize = m.rule.maximize;
    return m;
}

QString MetricInfo::axisTitle() const
{
    return QString::fromStdString(rule.header());
}

QString MetricInfo::columnHeader() const
{
    return QString::fromStdString(rule.columnHeader());
}

QString MetricInfo::format(double raw) const
{
    return QString::fromStdString(rule.text(raw));
}

QString MetricInfo::number(double raw) const
{
    return QString::fromStdString(rule.number(raw));
}

} // namespace frontier::ui
