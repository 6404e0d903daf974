#include "recentfiles.h"

#include <QDir>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace frontier::ui {

RecentFiles::RecentFiles(QString key, int maximum, QObject *parent)
    : QObject(parent)
    , m_key(std::move(key))
    , m_maximum(maximum)
{}

QStringList RecentFiles::files() const
{
    return QSettings().value(m_key).toStringList();
}

void RecentFiles::add(const QString &path)
{
    const QString clean = QFileInfo(path).absoluteFilePath();
    QStringList list = files();
    list.removeAll(clean);
    list.prepend(clean);
    while (list.size() > m_maximum)
        list.removeLast();
    store(list);
}

void RecentFiles::remove(const QString &path)
{
    QStringList list = files();
    list.removeAll(path);
    store(list);
}

void RecentFiles::clear()
{
    store({});
}

void RecentFiles::store(const QStringList &files)
{
    QSettings().setValue(m_key, files);
    Q_EMIT changed();
}

void RecentFiles::fillMenu(QMenu *menu)
{
    menu->clear();
    const QStringList list = files();
    for (int i = 0; i < list.size(); ++i) {
        const QString path = list[i];
        QAction *action = menu->addAction(
            QStringLiteral("&%1  %2").arg(i + 1).arg(QDir::toNativeSeparators(path)), this,
            [this, path] { Q_EMIT triggered(path); });
        if (i < 9)
            action->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key(Qt::Key_1 + i)));
        action->setEnabled(QFileInfo::exists(path));
    }
    if (list.isEmpty())
        menu->addAction(tr("(none)"))->setEnabled(false);
    menu->addSeparator();
    menu->addAction(tr("Clear Recent Projects"), this, &RecentFiles::clear)
        ->setEnabled(!list.isEmpty());
}

} // namespace frontier::ui
