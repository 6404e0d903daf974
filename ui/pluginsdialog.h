#pragma once

#include <QDialog>

class QTableWidget;

namespace frontier::ui {

// Help > Plugins: every plugin file found on the plugin path (loaded, or refused with
// the reason), every extension with its provider, and the folders searched.
class PluginsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit PluginsDialog(QWidget *parent = nullptr);

    QTableWidget *pluginTable() const { return m_plugins; }
    QTableWidget *extensionTable() const { return m_extensions; }

private:
    QTableWidget *m_plugins = nullptr;
    QTableWidget *m_extensions = nullptr;
};

} // namespace frontier::ui
