#pragma once

#include "model/model.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace frontier::ui {

// A model's summary and per-layer table (type, inputs, output shape, parameters,
// multiply-accumulates and activations per sample). Reads a loaded Model; owns a copy.
class ModelView : public QWidget
{
    Q_OBJECT

public:
    explicit ModelView(model::Model model, const QString &path, QWidget *parent = nullptr);

    const model::Model &model() const { return m_model; }
    int layerRowCount() const;

private:
    model::Model m_model;
    QLabel *m_summary = nullptr;
    QTableWidget *m_table = nullptr;
};

} // namespace frontier::ui
