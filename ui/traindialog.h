#pragma once

#include <QDialog>

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace frontier::ui {

// Asks what to train: a dataset, a recipe, the epochs (0 = the recipe's tuned default)
// and the model's name (the file name in the project folder).
class TrainDialog : public QDialog
{
    Q_OBJECT

public:
    TrainDialog(const QStringList &datasets, const QString &dataset, QWidget *parent = nullptr);

    QString dataset() const;
    QString recipe() const;
    int epochs() const;
    QString modelName() const;
    // "" (the recipe's trainer), "fp32", "qat" or "rct" (core/train/quanttraining.h), and
    // the bits of qat (int<bits>) or rct's initial bitwidth.
    QString method() const;
    int bits() const;

private:
    void suggestName();

    QComboBox *m_dataset = nullptr;
    QComboBox *m_recipe = nullptr;
    QSpinBox *m_epochs = nullptr;
    QLineEdit *m_name = nullptr;
    QComboBox *m_method = nullptr;
    QSpinBox *m_bits = nullptr;
};

} // namespace frontier::ui
