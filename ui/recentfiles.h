#pragma once

#include <QObject>
#include <QStringList>

class QMenu;

namespace frontier::ui {

// Most-recently-used paths kept in QSettings under `key`, newest first, at most
// `maximum`, without duplicates. fillMenu() lists them (Ctrl+1..9 shortcuts) with a
// "Clear" entry; choosing one emits triggered(path).
class RecentFiles : public QObject
{
    Q_OBJECT

public:
    RecentFiles(QString key, int maximum, QObject *parent = nullptr);

    QStringList files() const;
    void add(const QString &path);
    void remove(const QString &path);
    void clear();
    void fillMenu(QMenu *menu);

Q_SIGNALS:
    void triggered(const QString &path);
    void changed();

private:
    void store(const QStringList &files);

    QString m_key;
    int m_maximum;
};

} // namespace frontier::ui
