#pragma once

#include "explorerdata.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace frontier::ui {

// The form above the threshold explorer: which model, data, policy, tiers, device and
// link. Compute emits computeRequested() with the request; the explorer's owner runs it
// as a job. Formats are checked with core's parser before the request leaves.
class ExplorerSetup : public QWidget
{
    Q_OBJECT

public:
    explicit ExplorerSetup(QWidget *parent = nullptr);

    // Models of the project as (name, path); the first is selected unless `current`.
    void setModels(const QList<QPair<QString, QString>> &models, const QString &current = {});
    // Fills the form from a request (for tests and for re-opening a view).
    void setRequest(const ExplorerRequest &request);
    // The request as the form stands; false with *error set when a field is invalid.
    bool request(ExplorerRequest *request, QString *error) const;
    void setBusy(bool busy);

Q_SIGNALS:
    void computeRequested(const frontier::ui::ExplorerRequest &request);
    // Any field changed (the request as the form stands may differ from the last one).
    void changed();

private:
    void updateVisibility();
    void compute();

    QFormLayout *m_form = nullptr;
    QComboBox *m_model = nullptr;
    QComboBox *m_dataset = nullptr;
    QComboBox *m_policy = nullptr;
    QLineEdit *m_formats = nullptr;
    QLineEdit *m_full = nullptr;
    QComboBox *m_decision = nullptr;
    QComboBox *m_remote = nullptr;
    QDoubleSpinBox *m_remoteAccuracy = nullptr;
    QComboBox *m_device = nullptr;
    QComboBox *m_link = nullptr;
    QSpinBox *m_maxTest = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_compute = nullptr;
};

} // namespace frontier::ui
