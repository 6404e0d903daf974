#include "traindialog.h"

#include "model/recipes.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSpinBox>

namespace frontier::ui {

TrainDialog::TrainDialog(const QStringList &datasets, const QString &dataset, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Train a Model"));
    m_dataset = new QComboBox;
    m_dataset->setEditable(true);
    m_dataset->addItems(datasets);
    m_dataset->setCurrentText(dataset);
    m_recipe = new QComboBox;
    for (const std::string &name : model::recipeNames()) {
        m_recipe->addItem(QString::fromStdString(name));
        m_recipe->setItemData(m_recipe->count() - 1,
                              QString::fromStdString(model::recipeDescription(name)),
                              Qt::ToolTipRole);
    }
    m_recipe->setCurrentText(QStringLiteral("mlp"));
    m_epochs = new QSpinBox;
    m_epochs->setRange(0, 500);
    m_epochs->setSpecialValueText(tr("recipe default"));
    m_name = new QLineEdit;
    m_name->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("[A-Za-z0-9_.+-]+")), m_name));
    m_method = new QComboBox;
    m_method->setObjectName(QStringLiteral("methodPicker"));
    m_method->addItem(tr("recipe trainer"), QString());
    m_method->addItem(tr("FP32 with training energy"), QStringLiteral("fp32"));
    m_method->addItem(tr("QAT (quantization-aware)"), QStringLiteral("qat"));
    m_method->addItem(tr("RCT (integer weights, adaptive bits)"), QStringLiteral("rct"));
    m_method->setToolTip(tr("FP32, QAT and RCT also account the training's energy and "
                            "parameter memory and keep its curves with the model"));
    m_bits = new QSpinBox;
    m_bits->setObjectName(QStringLiteral("bitsPicker"));
    m_bits->setRange(2, 16);
    m_bits->setValue(8);
    m_bits->setToolTip(tr("QAT: int<bits>; RCT: every layer's initial bitwidth"));
    m_bits->setEnabled(false);
    connect(m_method, &QComboBox::currentIndexChanged, this, [this] {
        m_bits->setEnabled(method() == QLatin1String("qat") || method() == QLatin1String("rct"));
    });
    auto *form = new QFormLayout(this);
    form->addRow(tr("Dataset:"), m_dataset);
    form->addRow(tr("Recipe:"), m_recipe);
    form->addRow(tr("Epochs:"), m_epochs);
    form->addRow(tr("Method:"), m_method);
    form->addRow(tr("Bits:"), m_bits);
    form->addRow(tr("Model name:"), m_name);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Train"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
    connect(m_dataset, &QComboBox::currentTextChanged, this, &TrainDialog::suggestName);
    connect(m_recipe, &QComboBox::currentTextChanged, this, &TrainDialog::suggestName);
    suggestName();
}

void TrainDialog::suggestName()
{
    m_name->setText(QStringLiteral("%1-%2").arg(QFileInfo(dataset()).completeBaseName(), recipe()));
}

QString TrainDialog::dataset() const
{
    return m_dataset->currentText().trimmed();
}

QString TrainDialog::recipe() const
{
    return m_recipe->currentText();
}

int TrainDialog::epochs() const
{
    return m_epochs->value();
}

QString TrainDialog::method() const
{
    return m_method->currentData().toString();
}

int TrainDialog::bits() const
{
    return m_bits->value();
}

QString TrainDialog::modelName() const
{
    return m_name->text().trimmed();
}

} // namespace frontier::ui
