#include "preferencesdialog.h"

#include "cost/presetlibrary.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QSpinBox>

namespace frontier::ui {

PreferencesDialog::PreferencesDialog(const Preferences &p, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Preferences"));
    m_theme = new QComboBox;
    for (auto theme :
         {Preferences::Theme::System, Preferences::Theme::Light, Preferences::Theme::Dark})
        m_theme->addItem(Preferences::themeName(theme), int(theme));
    m_theme->setCurrentIndex(m_theme->findData(int(p.theme)));
    m_device = new QComboBox;
    m_device->addItem(tr("(first device preset)"), QString());
    try {
        for (const cost::PresetEntry &e : cost::listPresets()) {
            if (e.type == "device" && e.error.empty())
                m_device->addItem(QString::fromStdString(e.name), QString::fromStdString(e.name));
        }
    } catch (const std::exception &) {
    }
    m_device->setCurrentIndex(std::max(0, m_device->findData(p.devicePreset)));
    m_format = new QLineEdit(p.format);
    m_samples = new QSpinBox;
    m_samples->setRange(24, 5000);
    m_samples->setValue(p.sampleCount);
    m_threads = new QSpinBox;
    m_threads->setRange(1, 8);
    m_threads->setValue(p.jobThreads);
    m_dialogs = new QCheckBox(tr("Show failed jobs in a message box"));
    m_dialogs->setChecked(p.errorDialogs);

    auto *form = new QFormLayout(this);
    form->addRow(tr("Appearance:"), m_theme);
    form->addRow(tr("Default device preset:"), m_device);
    form->addRow(tr("Default number format:"), m_format);
    form->addRow(tr("Samples shown per dataset:"), m_samples);
    form->addRow(tr("Concurrent jobs:"), m_threads);
    form->addRow(m_dialogs);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

Preferences PreferencesDialog::preferences() const
{
    Preferences p;
    p.theme = Preferences::Theme(m_theme->currentData().toInt());
    p.devicePreset = m_device->currentData().toString();
    p.format = m_format->text().trimmed().isEmpty() ? QStringLiteral("int8")
                                                    : m_format->text().trimmed();
    p.sampleCount = m_samples->value();
    p.jobThreads = m_threads->value();
    p.errorDialogs = m_dialogs->isChecked();
    return p;
}

} // namespace frontier::ui
