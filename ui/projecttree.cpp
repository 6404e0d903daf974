#include "projecttree.h"

#include "data/catalog.h"

#include <QDir>
#include <QFileInfo>
#include <QHeaderView>

namespace frontier::ui {

namespace {

enum Role { PathRole = Qt::UserRole + 1, KindRole };

} // namespace

ProjectTree::ProjectTree(QWidget *parent)
    : QTreeWidget(parent)
{
    setHeaderLabels({tr("Project")});
    header()->setVisible(false);
    setUniformRowHeights(true);
    m_datasets = new QTreeWidgetItem(this, {tr("Datasets")});
    m_models = new QTreeWidgetItem(this, {tr("Models")});
    m_studies = new QTreeWidgetItem(this, {tr("Studies")});
    for (QTreeWidgetItem *top : {m_datasets, m_models, m_studies}) {
        QFont f = top->font(0);
        f.setBold(true);
        top->setFont(0, f);
        top->setFlags(Qt::ItemIsEnabled);
    }
    connect(this, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        const QString kind = item->data(0, KindRole).toString();
        if (kind == QLatin1String("model"))
            Q_EMIT modelActivated(item->data(0, PathRole).toString());
        else if (kind == QLatin1String("dataset"))
            Q_EMIT datasetActivated(item->text(0));
    });
    reload();
}

void ProjectTree::setProjectFolder(const QString &folder)
{
    m_folder = folder;
    reload();
}

int ProjectTree::datasetCount() const
{
    return m_datasets->childCount();
}

int ProjectTree::modelCount() const
{
    return m_models->childCount();
}

void ProjectTree::reload()
{
    qDeleteAll(m_datasets->takeChildren());
    qDeleteAll(m_models->takeChildren());
    qDeleteAll(m_studies->takeChildren());
    try {
        for (const std::string &name : data::catalogNames()) {
            auto *item = new QTreeWidgetItem(m_datasets, {QString::fromStdString(name)});
            item->setData(0, KindRole, QStringLiteral("dataset"));
        }
    } catch (const std::exception &e) {
        auto *item = new QTreeWidgetItem(m_datasets, {tr("catalog unavailable")});
        item->setToolTip(0, QString::fromUtf8(e.what()));
        item->setFlags(Qt::ItemIsEnabled);
    }
    if (!m_folder.isEmpty()) {
        const QDir dir(m_folder);
        const QFileInfoList files = dir.entryInfoList({QStringLiteral("*.fmodel"), QStringLiteral("*.onnx")}, QDir::Files,
                                                      QDir::Name);
        for (const QFileInfo &file : files) {
            auto *item = new QTreeWidgetItem(m_models, {file.completeBaseName()});
            item->setData(0, PathRole, file.absoluteFilePath());
            item->setData(0, KindRole, QStringLiteral("model"));
            item->setToolTip(0, file.absoluteFilePath());
        }
    }
    expandAll();
}

} // namespace frontier::ui
