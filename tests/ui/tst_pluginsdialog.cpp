// Help > Plugins: the dialog lists the plugins that loaded, the ones refused with their
// reason, and every extension with its provider.

#include "pluginsdialog.h"

#include "plugin/pluginloader.h"

#include "testutil.h"

#include <QApplication>
#include <QTableWidget>

using namespace frontier;

class TestPluginsDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void listsLoadedAndRefusedPlugins();
};

namespace {

QStringList column(const QTableWidget *t, int c)
{
    QStringList out;
    for (int r = 0; r < t->rowCount(); ++r)
        out << (t->item(r, c) ? t->item(r, c)->text() : QString());
    return out;
}

} // namespace

void TestPluginsDialog::listsLoadedAndRefusedPlugins()
{
    plugin::Registry::instance().setSearched({FRONTIER_PLUGINS_DIR, FRONTIER_BAD_PLUGINS});
    plugin::loadPluginsFrom({FRONTIER_PLUGINS_DIR, FRONTIER_BAD_PLUGINS});
    ui::PluginsDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    const QStringList names = column(dialog.pluginTable(), 0);
    const QStringList status = column(dialog.pluginTable(), 3);
    QVERIFY2(names.contains(QStringLiteral("posit")), qPrintable(names.join(',')));
    QCOMPARE(status.at(int(names.indexOf(QStringLiteral("posit")))), QStringLiteral("loaded"));
    const int bad = int(names.indexOf(QStringLiteral("throws")));
    QVERIFY(bad >= 0);
    QVERIFY2(status.at(bad).startsWith(QStringLiteral("refused: threw while registering")),
             qPrintable(status.at(bad)));
    const QStringList extensions = column(dialog.extensionTable(), 1);
    const QStringList providers = column(dialog.extensionTable(), 2);
    const int posit = int(extensions.indexOf(QStringLiteral("posit<n>es<es>")));
    QVERIFY(posit >= 0);
    QCOMPARE(providers.at(posit), QStringLiteral("posit"));
    QCOMPARE(providers.at(int(extensions.indexOf(QStringLiteral("csv")))),
             QStringLiteral("built-in"));
    const QString out = QString::fromLocal8Bit(qgetenv("FRONTIER_SCREENSHOT_DIR"));
    if (!out.isEmpty())
        QVERIFY(dialog.grab().save(out + QStringLiteral("/plugins-dialog.png")));
}

QTEST_MAIN(TestPluginsDialog)
#include "tst_pluginsdialog.moc"
