#include "modelview.h"

#include "model/stats.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>

namespace frontier::ui {

namespace {

QTableWidgetItem *numberItem(int64_t value)
{
    auto *item = new QTableWidgetItem(QLocale().toString(qlonglong(value)));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    item->setData(Qt::UserRole, qlonglong(value));
    return item;
}

QString joined(const std::vector<std::string> &names)
{
    QStringList out;
    for (const std::string &n : names)
        out << QString::fromStdString(n);
    return out.join(QStringLiteral(" + "));
}

} // namespace

ModelView::ModelView(model::Model model, const QString &path, QWidget *parent)
    : QWidget(parent)
    , m_model(std::move(model))
{
    const std::vector<model::LayerRow> rows = model::layerTable(m_model);
    const model::LayerRow total = model::layerTotals(rows);

    m_summary = new QLabel;
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QStringList heads;
    for (const model::Head &h : m_model.heads)
        heads << QString::fromStdString(h.name);
    const auto meta = [&](const char *key) {
        const auto it = m_model.metadata.find(key);
        return it == m_model.metadata.end() ? QStringLiteral("–") : QString::fromStdString(it->second);
    };
    m_summary->setText(
        tr("<b>%1</b> &nbsp; <span style='color:gray'>%2</span><br>"
           "input %3 · %4 classes · heads: %5 · trained on %6 · normalisation %7<br>"
           "%8 parameters (%9 KiB as float32) · %10 multiply-accumulates per sample")
            .arg(QString::fromStdString(m_model.name).toHtmlEscaped(), path.toHtmlEscaped(),
                 QString::fromStdString(model::shapeToString(m_model.inputShape)))
            .arg(m_model.numClasses())
            .arg(heads.join(QStringLiteral(", ")), meta("dataset"),
                 QString::fromStdString(m_model.normalization.kindName()),
                 QLocale().toString(qlonglong(total.params)),
                 QLocale().toString(double(total.paramBytes) / 1024.0, 'f', 1),
                 QLocale().toString(qlonglong(total.macs))));

    const QStringList headers = {tr("Layer"), tr("Type"), tr("Inputs"), tr("Output"),
                                 tr("Parameters"), tr("MACs / sample"), tr("Activations")};
    m_table = new QTableWidget(int(rows.size()) + 1, int(headers.size()));
    m_table->setObjectName(QStringLiteral("layerTable"));
    m_table->setHorizontalHeaderLabels(headers);
    m_table->verticalHeader()->setVisible(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    for (int r = 0; r <= int(rows.size()); ++r) {
        const model::LayerRow &row = r < int(rows.size()) ? rows[size_t(r)] : total;
        m_table->setItem(r, 0, new QTableWidgetItem(QString::fromStdString(row.name)));
        m_table->setItem(r, 1, new QTableWidgetItem(QString::fromStdString(row.type)));
        m_table->setItem(r, 2, new QTableWidgetItem(joined(row.inputs)));
        m_table->setItem(r, 3, new QTableWidgetItem(
                                   r < int(rows.size())
                                       ? QString::fromStdString(model::shapeToString(row.outputShape))
                                       : QString()));
        m_table->setItem(r, 4, numberItem(row.params));
        m_table->setItem(r, 5, numberItem(row.macs));
        m_table->setItem(r, 6, numberItem(row.activations));
    }
    QFont bold = m_table->font();
    bold.setBold(true);
    for (int c = 0; c < int(headers.size()); ++c) {
        if (QTableWidgetItem *item = m_table->item(int(rows.size()), c))
            item->setFont(bold);
    }
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(false);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
}

int ModelView::layerRowCount() const
{
    return m_table->rowCount() - 1;
}

} // namespace frontier::ui
