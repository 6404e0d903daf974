#include "pluginsdialog.h"

#include "plugin/registry.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace frontier::ui {

namespace {

QTableWidget *makeTable(const QStringList &headers, QWidget *parent)
{
    auto *t = new QTableWidget(0, int(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    t->setWordWrap(false);
    return t;
}

void addRow(QTableWidget *t, const QStringList &cells, const QString &tip = {})
{
    const int row = t->rowCount();
    t->insertRow(row);
    for (int c = 0; c < cells.size(); ++c) {
        auto *item = new QTableWidgetItem(cells.at(c));
        item->setToolTip(tip.isEmpty() ? cells.at(c) : tip);
        t->setItem(row, c, item);
    }
}

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

} // namespace

PluginsDialog::PluginsDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Plugins"));
    const plugin::Registry &registry = plugin::Registry::instance();
    auto *layout = new QVBoxLayout(this);

    layout->addWidget(new QLabel(tr("<b>Plugin files</b>"), this));
    m_plugins
        = makeTable({tr("Plugin"), tr("Version"), tr("Provides"), tr("Status"), tr("File")}, this);
    for (const plugin::PluginRecord &r : registry.records()) {
        QStringList provides;
        for (const std::string &p : r.provides)
            provides << qs(p);
        const QString status = r.loaded ? tr("loaded") : tr("refused: %1").arg(qs(r.error));
        addRow(m_plugins,
               {r.name.empty() ? QStringLiteral("?") : qs(r.name), qs(r.version),
                provides.join(QStringLiteral(", ")), status, qs(r.file)},
               r.loaded ? qs(r.description) : status);
    }
    if (m_plugins->rowCount() == 0)
        addRow(m_plugins, {tr("(none found)"), {}, {}, {}, {}});
    m_plugins->resizeColumnsToContents();
    layout->addWidget(m_plugins);

    layout->addWidget(new QLabel(tr("<b>Extensions</b>"), this));
    m_extensions = makeTable({tr("Kind"), tr("Name"), tr("Provider"), tr("Description")}, this);
    for (const plugin::Extension &e : registry.extensions())
        addRow(m_extensions, {qs(e.kind), qs(e.name), qs(e.provider), qs(e.description)});
    m_extensions->resizeColumnsToContents();
    layout->addWidget(m_extensions, 1);

    QStringList folders;
    for (const std::string &f : registry.searched())
        folders << qs(f).toHtmlEscaped();
    auto *path = new QLabel(
        tr("Plugin folders searched (FRONTIER_PLUGIN_PATH, then the application's): %1")
            .arg(folders.isEmpty() ? tr("none") : folders.join(QStringLiteral("; "))),
        this);
    path->setWordWrap(true);
    path->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(path);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(900, 520);
}

} // namespace frontier::ui
