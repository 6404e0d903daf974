#pragma once

#include <QJsonObject>
#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QListWidget;
class QSpinBox;
class QTableWidget;

namespace frontier::ui {

// A form over a study spec (docs/study-spec.md): name, dataset, models, policies with
// their knob ranges, presets, objectives, constraints and search. Table cells hold the
// spec's lists as comma-separated text, with these spellings for the structured values:
//   reduced tiers   "int4>int8" is one longer cascade (an array element)
//   taus            "M", "PDF 0.99", "fidelity>=0.99", "0.25", ranges "0:0.5:11"
//   decisions       "lr", "maxprob", ..., "fixed:β:w1:w2"
//   remotes         "lenet" (fp32), "lenet/fp16", "ideal:0.99" or "ideal:0.99:seed"
// setSpec() fills the form from JSON (keys it does not show are kept); spec() writes the
// form's keys back over them. changed() on every edit. Validation is the editor's.
class StudyForm : public QWidget
{
    Q_OBJECT

public:
    explicit StudyForm(QWidget *parent = nullptr);

    void setSpec(const QJsonObject &spec);
    QJsonObject spec() const;

    QLineEdit *nameEdit() const { return m_name; }
    QTableWidget *policyTable() const { return m_policies; }
    QTableWidget *modelTable() const { return m_models; }

Q_SIGNALS:
    void changed();

private:
    QWidget *buildGeneral();
    QWidget *buildTables();
    QWidget *buildPresets();
    void addModelRow(const QJsonObject &model);
    void addPolicyRow(const QJsonObject &policy);
    QJsonObject policyAt(int row) const;
    QJsonObject modelAt(int row) const;
    void emitChanged();

    QJsonObject m_base;
    bool m_filling = false;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_description = nullptr;
    QComboBox *m_dataset = nullptr;
    QSpinBox *m_samples = nullptr;
    QSpinBox *m_dataSeed = nullptr;
    QDoubleSpinBox *m_testFraction = nullptr;
    QSpinBox *m_maxTest = nullptr;
    QSpinBox *m_maxCalibration = nullptr;
    QTableWidget *m_models = nullptr;
    QTableWidget *m_policies = nullptr;
    QListWidget *m_devices = nullptr;
    QListWidget *m_links = nullptr;
    QListWidget *m_servers = nullptr;
    QLineEdit *m_objectives = nullptr;
    QLineEdit *m_constraints = nullptr;
    QComboBox *m_search = nullptr;
    QSpinBox *m_trials = nullptr;
    QSpinBox *m_searchSeed = nullptr;
};

} // namespace frontier::ui
