#pragma once

#include <QTreeWidget>

namespace frontier::ui {

// The project tree: datasets (the catalog), models (.fmodel files in the project
// folder) and studies. Emits modelActivated() when a model is double-clicked.
class ProjectTree : public QTreeWidget
{
    Q_OBJECT

public:
    explicit ProjectTree(QWidget *parent = nullptr);

    // Re-reads the catalog and the .fmodel files of `folder` (empty: no models).
    void setProjectFolder(const QString &folder);
    QString projectFolder() const { return m_folder; }

    int datasetCount() const;
    int modelCount() const;

Q_SIGNALS:
    void modelActivated(const QString &path);
    void datasetActivated(const QString &name);

private:
    void reload();

    QString m_folder;
    QTreeWidgetItem *m_datasets = nullptr;
    QTreeWidgetItem *m_models = nullptr;
    QTreeWidgetItem *m_studies = nullptr;
};

} // namespace frontier::ui
