#pragma once

#include "preferences.h"

#include <QColor>
#include <QPalette>

namespace frontier::ui {

// Light and dark palettes. System follows the platform's palette (a dark desktop gives a
// dark window); Light and Dark force Fusion palettes. Charts follow through
// ChartView::applyPalette on QEvent::PaletteChange.
class Theme
{
public:
    static void apply(Preferences::Theme theme);
    static QPalette darkPalette();
    static QPalette lightPalette();
    static bool isDark();

    // Colours for data series that read on both light and dark backgrounds: index i of
    // a qualitative palette (Okabe-Ito), cycling.
    static QColor seriesColor(int i);
};

} // namespace frontier::ui
