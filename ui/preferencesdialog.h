#pragma once

#include "preferences.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QSpinBox;

namespace frontier::ui {

// Edits Preferences; the caller saves and applies what preferences() returns on accept.
class PreferencesDialog : public QDialog
{
    Q_OBJECT

public:
    explicit PreferencesDialog(const Preferences &preferences, QWidget *parent = nullptr);

    Preferences preferences() const;

private:
    QComboBox *m_theme = nullptr;
    QComboBox *m_device = nullptr;
    QLineEdit *m_format = nullptr;
    QSpinBox *m_samples = nullptr;
    QSpinBox *m_threads = nullptr;
    QCheckBox *m_dialogs = nullptr;
};

} // namespace frontier::ui
