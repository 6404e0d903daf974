#include "explorersetup.h"

#include "cost/presetlibrary.h"
#include "data/catalog.h"
#include "numeric/formatassignment.h"
#include "policy/decisionrule.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>

namespace frontier::ui {

ExplorerSetup::ExplorerSetup(QWidget *parent)
    : QWidget(parent)
{
    m_model = new QComboBox;
    m_model->setObjectName(QStringLiteral("explorerModel"));
    m_dataset = new QComboBox;
    m_dataset->setObjectName(QStringLiteral("explorerDataset"));
    m_dataset->setEditable(true);
    m_dataset->addItem(tr("(the model's dataset)"), QString());
    try {
        for (const std::string &name : data::catalogNames())
            m_dataset->addItem(QString::fromStdString(name), QString::fromStdString(name));
    } catch (const std::exception &) {
    }
    m_policy = new QComboBox;
    m_policy->setObjectName(QStringLiteral("explorerPolicy"));
    m_policy->addItem(tr("ARI: reduced precision, then full"), int(ExplorerRequest::Policy::Ari));
    m_policy->addItem(tr("HI: on device, else offload"), int(ExplorerRequest::Policy::Hi));
    m_policy->addItem(tr("EE: early exits"), int(ExplorerRequest::Policy::Ee));
    m_formats = new QLineEdit(QStringLiteral("int4"));
    m_formats->setObjectName(QStringLiteral("explorerFormats"));
    m_formats->setToolTip(tr("ARI: reduced tiers in cascade order, comma-separated "
                             "(\"int2,int4\" gives three tiers and two sliders)"));
    m_full = new QLineEdit(QStringLiteral("fp32"));
    m_decision = new QComboBox;
    m_decision->setObjectName(QStringLiteral("explorerDecision"));
    m_decision->addItem(tr("margin"), QStringLiteral("margin"));
    m_decision->addItem(tr("max probability"), QStringLiteral("maxprob"));
    m_decision->addItem(tr("entropy"), QStringLiteral("entropy"));
    m_decision->addItem(tr("logistic regression (fitted)"), QStringLiteral("lr"));
    for (const policy::DecisionRuleRegistry::Entry &e :
         policy::DecisionRuleRegistry::instance().rules()) {
        const QString name = QString::fromStdString(e.rule->name());
        m_decision->addItem(tr("%1 (plugin %2)").arg(name, QString::fromStdString(e.provider)),
                            name);
        m_decision->setItemData(m_decision->count() - 1,
                                QString::fromStdString(e.rule->description()), Qt::ToolTipRole);
    }
    m_remote = new QComboBox;
    m_remote->addItem(tr("ideal remote"), QString());
    m_remoteAccuracy = new QDoubleSpinBox;
    m_remoteAccuracy->setRange(0.5, 1.0);
    m_remoteAccuracy->setDecimals(3);
    m_remoteAccuracy->setSingleStep(0.005);
    m_remoteAccuracy->setValue(0.99);
    m_device = new QComboBox;
    m_device->setObjectName(QStringLiteral("explorerDevice"));
    m_link = new QComboBox;
    try {
        for (const cost::PresetEntry &e : cost::listPresets()) {
            if (!e.error.empty())
                continue;
            if (e.type == "device")
                m_device->addItem(QString::fromStdString(e.name));
            else if (e.type == "link")
                m_link->addItem(QString::fromStdString(e.name));
        }
    } catch (const std::exception &) {
    }
    m_maxTest = new QSpinBox;
    m_maxTest->setRange(0, 1000000);
    m_maxTest->setSpecialValueText(tr("all"));
    m_maxTest->setToolTip(tr("Use the first N test samples (all: the whole test split)"));
    m_error = new QLabel;
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #d55e00"));
    m_error->hide();
    m_compute = new QPushButton(tr("Compute outputs"));
    m_compute->setObjectName(QStringLiteral("explorerCompute"));
    m_compute->setDefault(true);
    m_compute->setToolTip(tr("Run every tier once on the calibration and test splits (a "
                             "job); thresholds are then explored from these outputs"));

    m_form = new QFormLayout(this);
    m_form->setContentsMargins(0, 0, 0, 0);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->addRow(tr("Model:"), m_model);
    m_form->addRow(tr("Dataset:"), m_dataset);
    m_form->addRow(tr("Policy:"), m_policy);
    m_form->addRow(tr("Reduced tiers:"), m_formats);
    m_form->addRow(tr("Full tier:"), m_full);
    m_form->addRow(tr("Decision:"), m_decision);
    m_form->addRow(tr("Remote:"), m_remote);
    m_form->addRow(tr("Remote accuracy:"), m_remoteAccuracy);
    m_form->addRow(tr("Device:"), m_device);
    m_form->addRow(tr("Link:"), m_link);
    m_form->addRow(tr("Test samples:"), m_maxTest);
    m_form->addRow(m_error);
    m_form->addRow(m_compute);

    connect(m_policy, &QComboBox::currentIndexChanged, this, &ExplorerSetup::updateVisibility);
    connect(m_remote, &QComboBox::currentIndexChanged, this, &ExplorerSetup::updateVisibility);
    connect(m_compute, &QPushButton::clicked, this, &ExplorerSetup::compute);
    for (QComboBox *box : {m_model, m_policy, m_decision, m_remote, m_device, m_link})
        connect(box, &QComboBox::currentIndexChanged, this, &ExplorerSetup::changed);
    connect(m_dataset, &QComboBox::currentTextChanged, this, &ExplorerSetup::changed);
    for (QLineEdit *edit : {m_formats, m_full})
        connect(edit, &QLineEdit::textChanged, this, &ExplorerSetup::changed);
    connect(m_remoteAccuracy, &QDoubleSpinBox::valueChanged, this, &ExplorerSetup::changed);
    connect(m_maxTest, &QSpinBox::valueChanged, this, &ExplorerSetup::changed);
    updateVisibility();
}

void ExplorerSetup::setModels(const QList<QPair<QString, QString>> &models, const QString &current)
{
    // One changed() once the lists are refilled, not one per step.
    const QSignalBlocker blockModel(m_model);
    const QSignalBlocker blockRemote(m_remote);
    m_model->clear();
    while (m_remote->count() > 1)
        m_remote->removeItem(1);
    for (const auto &[name, path] : models) {
        m_model->addItem(name, path);
        m_model->setItemData(m_model->count() - 1, path, Qt::ToolTipRole);
        m_remote->addItem(name, path);
    }
    const int i = m_model->findData(current);
    if (i >= 0)
        m_model->setCurrentIndex(i);
    updateVisibility();
    Q_EMIT changed();
}

void ExplorerSetup::updateVisibility()
{
    const auto policy = ExplorerRequest::Policy(m_policy->currentData().toInt());
    const bool ari = policy == ExplorerRequest::Policy::Ari;
    const bool hi = policy == ExplorerRequest::Policy::Hi;
    if (auto *label = qobject_cast<QLabel *>(m_form->labelForField(m_formats)))
        label->setText(ari ? tr("Reduced tiers:") : hi ? tr("Local format:") : tr("Format:"));
    m_form->setRowVisible(m_full, ari);
    m_form->setRowVisible(m_decision, hi);
    m_form->setRowVisible(m_remote, hi);
    m_form->setRowVisible(m_remoteAccuracy, hi && m_remote->currentData().toString().isEmpty());
    m_form->setRowVisible(m_link, hi);
}

void ExplorerSetup::setRequest(const ExplorerRequest &r)
{
    m_policy->setCurrentIndex(m_policy->findData(int(r.policy)));
    const int model = m_model->findData(QString::fromStdString(r.modelPath));
    if (model >= 0)
        m_model->setCurrentIndex(model);
    const int dataset = m_dataset->findData(QString::fromStdString(r.dataset));
    if (dataset >= 0)
        m_dataset->setCurrentIndex(dataset);
    else
        m_dataset->setEditText(QString::fromStdString(r.dataset));
    QStringList formats;
    for (const std::string &f : r.formats)
        formats << QString::fromStdString(f);
    m_formats->setText(formats.join(QLatin1Char(',')));
    m_full->setText(QString::fromStdString(r.fullFormat));
    m_decision->setCurrentIndex(
        std::max(0, m_decision->findData(QString::fromStdString(r.decision))));
    m_remote->setCurrentIndex(
        std::max(0, m_remote->findData(QString::fromStdString(r.remoteModelPath))));
    m_remoteAccuracy->setValue(r.remoteAccuracy);
    m_device->setCurrentText(QString::fromStdString(r.device));
    m_link->setCurrentText(QString::fromStdString(r.link));
    m_maxTest->setValue(r.maxTest);
}

bool ExplorerSetup::request(ExplorerRequest *r, QString *error) const
{
    r->policy = ExplorerRequest::Policy(m_policy->currentData().toInt());
    r->modelPath = m_model->currentData().toString().toStdString();
    if (r->modelPath.empty()) {
        *error = tr("No model: train or import one into the project first.");
        return false;
    }
    const int dataset = m_dataset->findText(m_dataset->currentText());
    r->dataset = (dataset >= 0 ? m_dataset->itemData(dataset).toString()
                               : m_dataset->currentText().trimmed())
                     .toStdString();
    r->formats.clear();
    for (const QString &f : m_formats->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        r->formats.push_back(f.trimmed().toStdString());
    r->fullFormat = m_full->text().trimmed().toStdString();
    try {
        if (r->formats.empty())
            throw std::runtime_error("give at least one format");
        if (r->policy != ExplorerRequest::Policy::Ari && r->formats.size() > 1)
            throw std::runtime_error("this policy takes one format");
        for (const std::string &f : r->formats)
            numeric::FormatAssignment::parse(f);
        numeric::FormatAssignment::parse(r->fullFormat);
    } catch (const std::exception &e) {
        *error = QString::fromUtf8(e.what());
        return false;
    }
    r->decision = m_decision->currentData().toString().toStdString();
    r->remoteModelPath = m_remote->currentData().toString().toStdString();
    r->remoteAccuracy = m_remoteAccuracy->value();
    r->device = m_device->currentText().toStdString();
    r->link = m_link->currentText().toStdString();
    r->maxTest = m_maxTest->value();
    if (r->device.empty()) {
        *error = tr("No device preset found.");
        return false;
    }
    return true;
}

void ExplorerSetup::setBusy(bool busy)
{
    m_compute->setEnabled(!busy);
    m_compute->setText(busy ? tr("Computing...") : tr("Compute outputs"));
}

void ExplorerSetup::compute()
{
    ExplorerRequest r;
    QString error;
    if (!request(&r, &error)) {
        m_error->setText(error);
        m_error->show();
        return;
    }
    m_error->hide();
    Q_EMIT computeRequested(r);
}

} // namespace frontier::ui
