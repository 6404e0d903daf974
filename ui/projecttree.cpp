#include "projecttree.h"

#include "projectdocument.h"

#include <QContextMenuEvent>
#include <QHeaderView>
#include <QMenu>
#include <QStyle>

namespace frontier::ui {

namespace {

enum Role { PathRole = Qt::UserRole + 1, KindRole, MissingRole };

} // namespace

ProjectTree::ProjectTree(ProjectDocument *project, QWidget *parent)
    : QTreeWidget(parent)
    , m_project(project)
{
    setHeaderLabels({tr("Project")});
    header()->setVisible(false);
    setUniformRowHeights(true);
    m_datasets = new QTreeWidgetItem(this, {tr("Datasets")});
    m_models = new QTreeWidgetItem(this, {tr("Models")});
    m_studies = new QTreeWidgetItem(this, {tr("Studies")});
    m_specs = new QTreeWidgetItem(this, {tr("Study specs")});
    for (QTreeWidgetItem *top : {m_datasets, m_models, m_studies, m_specs}) {
        QFont f = top->font(0);
        f.setBold(true);
        top->setFont(0, f);
        top->setFlags(Qt::ItemIsEnabled);
        top->setIcon(0, style()->standardIcon(QStyle::SP_DirIcon));
    }
    connect(this, &QTreeWidget::itemActivated, this, &ProjectTree::activate);
    connect(project, &ProjectDocument::changed, this, &ProjectTree::reload);
    reload();
}

int ProjectTree::datasetCount() const
{
    return m_datasets->childCount();
}

QTreeWidgetItem *ProjectTree::datasetItem(const QString &spec) const
{
    for (int i = 0; i < m_datasets->childCount(); ++i) {
        if (m_datasets->child(i)->data(0, PathRole).toString() == spec)
            return m_datasets->child(i);
    }
    return nullptr;
}

bool ProjectTree::isMissing(const QTreeWidgetItem *item)
{
    return item && !item->data(0, MissingRole).toString().isEmpty();
}

int ProjectTree::modelCount() const
{
    return m_models->childCount();
}

int ProjectTree::studyCount() const
{
    return m_studies->childCount();
}

int ProjectTree::specCount() const
{
    return m_specs->childCount();
}

void ProjectTree::activate(QTreeWidgetItem *item)
{
    const QString kind = item->data(0, KindRole).toString();
    const QString path = item->data(0, PathRole).toString();
    if (kind == QLatin1String("model"))
        Q_EMIT modelActivated(path);
    else if (kind == QLatin1String("dataset"))
        Q_EMIT datasetActivated(path);
    else if (kind == QLatin1String("study"))
        Q_EMIT studyActivated(path);
    else if (kind == QLatin1String("spec"))
        Q_EMIT specActivated(path);
}

void ProjectTree::contextMenuEvent(QContextMenuEvent *event)
{
    QTreeWidgetItem *item = itemAt(event->pos());
    if (!item)
        return;
    const QString kind = item->data(0, KindRole).toString();
    const QString path = item->data(0, PathRole).toString();
    QMenu menu(this);
    if (kind == QLatin1String("dataset")) {
        menu.addAction(tr("Open"), this, [this, path] { Q_EMIT datasetActivated(path); });
        menu.addAction(tr("Train a Model..."), this, [this, path] { Q_EMIT trainRequested(path); });
    } else if (kind == QLatin1String("model")) {
        menu.addAction(tr("Open"), this, [this, path] { Q_EMIT modelActivated(path); });
        menu.addAction(tr("Explore Thresholds"), this,
                       [this, path] { Q_EMIT exploreRequested(path); });
    } else if (kind == QLatin1String("study")) {
        menu.addAction(tr("Show Results"), this, [this, path] { Q_EMIT studyActivated(path); });
        menu.addAction(tr("Edit Spec..."), this, [this, path] { Q_EMIT editStudyRequested(path); });
    } else if (kind == QLatin1String("spec")) {
        menu.addAction(tr("Edit"), this, [this, path] { Q_EMIT specActivated(path); });
    } else {
        return;
    }
    menu.exec(event->globalPos());
}

void ProjectTree::reload()
{
    qDeleteAll(m_datasets->takeChildren());
    qDeleteAll(m_models->takeChildren());
    qDeleteAll(m_studies->takeChildren());
    qDeleteAll(m_specs->takeChildren());
    const auto fill = [this](QTreeWidgetItem *parent, const QList<ProjectDocument::Entry> &entries,
                             const QString &kind, QStyle::StandardPixmap icon) {
        for (const ProjectDocument::Entry &e : entries) {
            auto *item = new QTreeWidgetItem(parent, {e.name});
            item->setData(0, PathRole, e.path);
            item->setData(0, KindRole, kind);
            item->setToolTip(0, e.detail.isEmpty() ? e.path : e.detail);
            item->setIcon(0, style()->standardIcon(icon));
            if (!e.missing.isEmpty()) {
                // Still selectable (opening it says why it fails), but visibly not there.
                item->setForeground(0, palette().brush(QPalette::Disabled, QPalette::Text));
                item->setData(0, MissingRole, e.missing);
            }
        }
    };
    fill(m_datasets, m_project->datasets(), QStringLiteral("dataset"),
         QStyle::SP_FileDialogDetailedView);
    fill(m_models, m_project->models(), QStringLiteral("model"), QStyle::SP_FileIcon);
    fill(m_studies, m_project->studies(), QStringLiteral("study"), QStyle::SP_DialogApplyButton);
    fill(m_specs, m_project->specs(), QStringLiteral("spec"), QStyle::SP_FileDialogContentsView);
    expandAll();
}

} // namespace frontier::ui
