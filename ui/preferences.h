#pragma once

#include <QString>

namespace frontier::ui {

// The user's preferences, stored in QSettings under "preferences/". Value type.
struct Preferences
{
    enum class Theme { System, Light, Dark };

    Theme theme = Theme::System;
    QString devicePreset;                    // cost preset for model views; "" = the first device
    QString format = QStringLiteral("int8"); // format shown first in model views
    int sampleCount = 240;                   // thumbnails shown in a dataset view (24..5000)
    int jobThreads = 2;                      // concurrent background jobs (1..8)
    bool errorDialogs = true;                // show failed jobs as message boxes (else status bar)

    static Preferences load();
    void save() const;

    static QString themeName(Theme theme);
};

} // namespace frontier::ui
