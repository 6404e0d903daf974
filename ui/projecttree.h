#pragma once

#include <QTreeWidget>

namespace frontier::ui {

class ProjectDocument;

// The project tree: datasets (catalog and imported), models, studies (stored in the
// project file, with their status) and study specs (JSON files) of a ProjectDocument,
// refreshed when it changes. Activating an item (double click, Enter) emits the matching
// signal; the context menu offers the same and more.
class ProjectTree : public QTreeWidget
{
    Q_OBJECT

public:
    explicit ProjectTree(ProjectDocument *project, QWidget *parent = nullptr);

    int datasetCount() const;
    int modelCount() const;
    int studyCount() const;
    int specCount() const;
    // The item of a dataset (by spec), or nullptr; isMissing() when its files are not
    // found (the item is greyed, its tool tip says where they were searched).
    QTreeWidgetItem *datasetItem(const QString &spec) const;
    static bool isMissing(const QTreeWidgetItem *item);

Q_SIGNALS:
    void datasetActivated(const QString &spec);
    void modelActivated(const QString &path);
    void studyActivated(const QString &name); // a study of the project file: its results
    void specActivated(const QString &path);  // a spec file: the study editor
    void editStudyRequested(const QString &name);
    void exploreRequested(const QString &modelPath);
    void trainRequested(const QString &datasetSpec);

protected:
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void reload();
    void activate(QTreeWidgetItem *item);

    ProjectDocument *m_project;
    QTreeWidgetItem *m_datasets = nullptr;
    QTreeWidgetItem *m_models = nullptr;
    QTreeWidgetItem *m_studies = nullptr;
    QTreeWidgetItem *m_specs = nullptr;
};

} // namespace frontier::ui
