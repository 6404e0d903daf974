#include "preferences.h"

#include <QCoreApplication>
#include <QSettings>

namespace frontier::ui {

Preferences Preferences::load()
{
    QSettings s;
    Preferences p;
    const int theme = s.value(QStringLiteral("preferences/theme"), int(p.theme)).toInt();
    p.theme = theme >= 0 && theme <= 2 ? Theme(theme) : Theme::System;
    p.devicePreset = s.value(QStringLiteral("preferences/devicePreset"), p.devicePreset).toString();
    p.format = s.value(QStringLiteral("preferences/format"), p.format).toString();
    p.sampleCount = std::clamp(
        s.value(QStringLiteral("preferences/sampleCount"), p.sampleCount).toInt(), 24, 5000);
    p.jobThreads
        = std::clamp(s.value(QStringLiteral("preferences/jobThreads"), p.jobThreads).toInt(), 1, 8);
    p.errorDialogs = s.value(QStringLiteral("preferences/errorDialogs"), p.errorDialogs).toBool();
    return p;
}

void Preferences::save() const
{
    QSettings s;
    s.setValue(QStringLiteral("preferences/theme"), int(theme));
    s.setValue(QStringLiteral("preferences/devicePreset"), devicePreset);
    s.setValue(QStringLiteral("preferences/format"), format);
    s.setValue(QStringLiteral("preferences/sampleCount"), sampleCount);
    s.setValue(QStringLiteral("preferences/jobThreads"), jobThreads);
    s.setValue(QStringLiteral("preferences/errorDialogs"), errorDialogs);
}

QString Preferences::themeName(Theme theme)
{
    switch (theme) {
    case Theme::System:
        return QCoreApplication::translate("Preferences", "Follow the system");
    case Theme::Light:
        return QCoreApplication::translate("Preferences", "Light");
    case Theme::Dark:
        return QCoreApplication::translate("Preferences", "Dark");
    }
    return {};
}

} // namespace frontier::ui
