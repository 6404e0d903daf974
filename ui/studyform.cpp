#include "studyform.h"

#include "spectext.h"

#include "cost/presetlibrary.h"
#include "data/catalog.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace frontier::ui {

namespace {

enum ModelColumn { MName, MSource, MWidths, MEpochs, MSeed, MColumns };
enum PolicyColumn {
    PKind,
    PModels,
    PFormats,
    PFull,
    PTaus,
    PDecisions,
    PDecisionTaus,
    PRemotes,
    PColumns
};

QString cell(const QTableWidget *t, int row, int column)
{
    const QTableWidgetItem *item = t->item(row, column);
    return item ? item->text().trimmed() : QString();
}

void setCell(QTableWidget *t, int row, int column, const QString &text)
{
    t->setItem(row, column, new QTableWidgetItem(text));
}

QTableWidget *table(const QStringList &headers)
{
    auto *t = new QTableWidget(0, int(headers.size()));
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->setVisible(false);
    t->horizontalHeader()->setStretchLastSection(true);
    t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 8);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    return t;
}

QWidget *withButtons(QTableWidget *t, const std::function<void()> &add)
{
    auto *box = new QWidget;
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(t, 1);
    auto *buttons = new QHBoxLayout;
    auto *plus = new QPushButton(QCoreApplication::translate("StudyForm", "Add"));
    auto *minus = new QPushButton(QCoreApplication::translate("StudyForm", "Remove"));
    QObject::connect(plus, &QPushButton::clicked, t, add);
    QObject::connect(minus, &QPushButton::clicked, t, [t] {
        if (t->currentRow() >= 0)
            t->removeRow(t->currentRow());
    });
    buttons->addWidget(plus);
    buttons->addWidget(minus);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    return box;
}

QListWidget *presetList(const std::string &type, bool withNone)
{
    auto *list = new QListWidget;
    if (withNone) {
        auto *none = new QListWidgetItem(
            QCoreApplication::translate("StudyForm", "(no server energy)"), list);
        none->setData(Qt::UserRole, QString());
        none->setFlags(none->flags() | Qt::ItemIsUserCheckable);
        none->setCheckState(Qt::Unchecked);
    }
    try {
        for (const cost::PresetEntry &e : cost::listPresets()) {
            if (e.type != type || !e.error.empty())
                continue;
            auto *item = new QListWidgetItem(QString::fromStdString(e.name), list);
            item->setData(Qt::UserRole, QString::fromStdString(e.name));
            item->setToolTip(QString::fromStdString(e.description));
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(Qt::Unchecked);
        }
    } catch (const std::exception &) {
    }
    list->setFixedHeight(list->sizeHintForRow(0) * 4 + 2 * list->frameWidth());
    return list;
}

void checkPresets(QListWidget *list, const QJsonValue &value)
{
    QStringList wanted;
    for (const QJsonValue &v : value.isArray() ? value.toArray() : QJsonArray{value})
        if (v.isString())
            wanted << v.toString();
    for (int i = 0; i < list->count(); ++i) {
        QListWidgetItem *item = list->item(i);
        item->setCheckState(wanted.contains(item->data(Qt::UserRole).toString()) ? Qt::Checked
                                                                                 : Qt::Unchecked);
    }
}

QJsonArray checkedPresets(const QListWidget *list)
{
    QJsonArray out;
    for (int i = 0; i < list->count(); ++i) {
        if (list->item(i)->checkState() == Qt::Checked)
            out << list->item(i)->data(Qt::UserRole).toString();
    }
    return out;
}

} // namespace

StudyForm::StudyForm(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(buildGeneral());
    layout->addWidget(buildTables(), 1);
    layout->addWidget(buildPresets());
}

QWidget *StudyForm::buildGeneral()
{
    m_name = new QLineEdit;
    m_name->setObjectName(QStringLiteral("studyName"));
    m_name->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("[A-Za-z0-9_.+-]{1,64}")), m_name));
    m_description = new QLineEdit;
    m_dataset = new QComboBox;
    m_dataset->setEditable(true);
    try {
        for (const std::string &name : data::catalogNames())
            m_dataset->addItem(QString::fromStdString(name));
    } catch (const std::exception &) {
    }
    m_samples = new QSpinBox;
    m_samples->setRange(0, 10000000);
    m_samples->setSpecialValueText(tr("default"));
    m_dataSeed = new QSpinBox;
    m_dataSeed->setRange(0, 1 << 30);
    m_testFraction = new QDoubleSpinBox;
    m_testFraction->setRange(0.01, 0.9);
    m_testFraction->setSingleStep(0.05);
    m_maxTest = new QSpinBox;
    m_maxTest->setRange(0, 10000000);
    m_maxTest->setSpecialValueText(tr("all"));
    m_maxCalibration = new QSpinBox;
    m_maxCalibration->setRange(0, 10000000);
    m_maxCalibration->setSpecialValueText(tr("all"));

    auto *box = new QGroupBox(tr("Study and data"));
    auto *grid = new QGridLayout(box);
    grid->addWidget(new QLabel(tr("Name:")), 0, 0);
    grid->addWidget(m_name, 0, 1);
    grid->addWidget(new QLabel(tr("Description:")), 0, 2);
    grid->addWidget(m_description, 0, 3, 1, 3);
    grid->addWidget(new QLabel(tr("Dataset:")), 1, 0);
    grid->addWidget(m_dataset, 1, 1);
    grid->addWidget(new QLabel(tr("Samples:")), 1, 2);
    grid->addWidget(m_samples, 1, 3);
    grid->addWidget(new QLabel(tr("Seed:")), 1, 4);
    grid->addWidget(m_dataSeed, 1, 5);
    grid->addWidget(new QLabel(tr("Test share:")), 2, 0);
    grid->addWidget(m_testFraction, 2, 1);
    grid->addWidget(new QLabel(tr("Test samples:")), 2, 2);
    grid->addWidget(m_maxTest, 2, 3);
    grid->addWidget(new QLabel(tr("Calibration:")), 2, 4);
    grid->addWidget(m_maxCalibration, 2, 5);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(3, 1);
    for (QLineEdit *e : {m_name, m_description})
        connect(e, &QLineEdit::textEdited, this, &StudyForm::emitChanged);
    connect(m_dataset, &QComboBox::currentTextChanged, this, &StudyForm::emitChanged);
    for (QSpinBox *s : {m_samples, m_dataSeed, m_maxTest, m_maxCalibration})
        connect(s, &QSpinBox::valueChanged, this, &StudyForm::emitChanged);
    connect(m_testFraction, &QDoubleSpinBox::valueChanged, this, &StudyForm::emitChanged);
    return box;
}

QWidget *StudyForm::buildTables()
{
    m_models = table({tr("name"), tr("recipe or file"), tr("widths"), tr("epochs"), tr("seed")});
    m_models->setMinimumHeight(m_models->verticalHeader()->defaultSectionSize() * 3
                               + m_models->horizontalHeader()->sizeHint().height() + 6);
    m_models->setObjectName(QStringLiteral("studyModels"));
    m_policies = table({tr("kind"), tr("models"), tr("formats / reduced"), tr("full"), tr("taus"),
                        tr("decisions"), tr("decision taus"), tr("remotes")});
    m_policies->setObjectName(QStringLiteral("studyPolicies"));
    m_policies->setMinimumHeight(m_policies->verticalHeader()->defaultSectionSize() * 4
                                 + m_policies->horizontalHeader()->sizeHint().height() + 24);
    m_policies->setToolTip(tr("Lists are comma-separated. Reduced: \"int4>int8\" is one longer "
                              "cascade. Taus: M, PDF 0.99, fidelity>=0.99, 0.25, from:to:count. "
                              "Decisions: lr, maxprob, margin, entropy, oracle, fixed:β:w1:w2. "
                              "Remotes: model, model/format, ideal:accuracy[:seed]."));
    for (QTableWidget *t : {m_models, m_policies})
        connect(t, &QTableWidget::itemChanged, this, &StudyForm::emitChanged);
    auto *box = new QGroupBox(tr("Models and policies"));
    auto *layout = new QVBoxLayout(box);
    layout->setSpacing(4);
    layout->addWidget(
        withButtons(m_models,
                    [this] {
                        addModelRow({{QStringLiteral("name"),
                                      QStringLiteral("model%1").arg(m_models->rowCount() + 1)},
                                     {QStringLiteral("recipe"), QStringLiteral("mlp")}});
                        emitChanged();
                    }),
        2);
    layout->addWidget(
        withButtons(m_policies,
                    [this] {
                        addPolicyRow(
                            {{QStringLiteral("kind"), QStringLiteral("single")},
                             {QStringLiteral("formats"), QJsonArray{QStringLiteral("fp32")}}});
                        emitChanged();
                    }),
        3);
    return box;
}

QWidget *StudyForm::buildPresets()
{
    m_devices = presetList("device", false);
    m_devices->setObjectName(QStringLiteral("studyDevices"));
    m_links = presetList("link", false);
    m_servers = presetList("server", true);
    for (QListWidget *l : {m_devices, m_links, m_servers})
        connect(l, &QListWidget::itemChanged, this, &StudyForm::emitChanged);
    m_objectives = new QLineEdit;
    m_objectives->setPlaceholderText(QStringLiteral("energy_pj:min, accuracy:max"));
    m_constraints = new QLineEdit;
    m_constraints->setPlaceholderText(QStringLiteral("accuracy>=0.9"));
    m_search = new QComboBox;
    m_search->addItem(tr("grid"), QStringLiteral("grid"));
    m_search->addItem(tr("random"), QStringLiteral("random"));
    m_trials = new QSpinBox;
    m_trials->setRange(1, 5000000);
    m_trials->setValue(100);
    m_searchSeed = new QSpinBox;
    m_searchSeed->setRange(0, 1 << 30);
    m_searchSeed->setValue(1);
    for (QLineEdit *e : {m_objectives, m_constraints})
        connect(e, &QLineEdit::textEdited, this, &StudyForm::emitChanged);
    connect(m_search, &QComboBox::currentIndexChanged, this, [this] {
        m_trials->setEnabled(m_search->currentIndex() == 1);
        m_searchSeed->setEnabled(m_search->currentIndex() == 1);
        emitChanged();
    });
    for (QSpinBox *s : {m_trials, m_searchSeed})
        connect(s, &QSpinBox::valueChanged, this, &StudyForm::emitChanged);
    m_trials->setEnabled(false);
    m_searchSeed->setEnabled(false);

    auto *box = new QGroupBox(tr("Costs, objectives and search"));
    auto *grid = new QGridLayout(box);
    grid->addWidget(new QLabel(tr("Devices")), 0, 0);
    grid->addWidget(new QLabel(tr("Links")), 0, 1);
    grid->addWidget(new QLabel(tr("Servers")), 0, 2);
    grid->addWidget(m_devices, 1, 0);
    grid->addWidget(m_links, 1, 1);
    grid->addWidget(m_servers, 1, 2);
    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Objectives:")));
    row->addWidget(m_objectives, 2);
    row->addWidget(new QLabel(tr("Constraints:")));
    row->addWidget(m_constraints, 1);
    grid->addLayout(row, 2, 0, 1, 3);
    auto *search = new QHBoxLayout;
    search->addWidget(new QLabel(tr("Search:")));
    search->addWidget(m_search);
    search->addWidget(new QLabel(tr("trials")));
    search->addWidget(m_trials);
    search->addWidget(new QLabel(tr("seed")));
    search->addWidget(m_searchSeed);
    search->addStretch(1);
    grid->addLayout(search, 3, 0, 1, 3);
    return box;
}

void StudyForm::emitChanged()
{
    if (!m_filling)
        Q_EMIT changed();
}

void StudyForm::addModelRow(const QJsonObject &m)
{
    const bool filling = std::exchange(m_filling, true);
    const int row = m_models->rowCount();
    m_models->insertRow(row);
    setCell(m_models, row, MName, m.value(QStringLiteral("name")).toString());
    setCell(m_models, row, MSource,
            m.contains(QStringLiteral("path")) ? m.value(QStringLiteral("path")).toString()
                                               : m.value(QStringLiteral("recipe")).toString());
    setCell(m_models, row, MWidths, SpecText::widths(m.value(QStringLiteral("widths"))));
    const int epochs = m.value(QStringLiteral("epochs")).toInt(-1);
    setCell(m_models, row, MEpochs, epochs >= 0 ? QString::number(epochs) : QString());
    setCell(m_models, row, MSeed,
            m.contains(QStringLiteral("seed"))
                ? QString::number(m.value(QStringLiteral("seed")).toDouble())
                : QString());
    m_filling = filling;
}

void StudyForm::addPolicyRow(const QJsonObject &p)
{
    const bool filling = std::exchange(m_filling, true);
    const int row = m_policies->rowCount();
    m_policies->insertRow(row);
    auto *kind = new QComboBox;
    kind->addItems({QStringLiteral("single"), QStringLiteral("ari"), QStringLiteral("hi"),
                    QStringLiteral("ee"), QStringLiteral("ee-hi"), QStringLiteral("ari-hi")});
    kind->setCurrentText(p.value(QStringLiteral("kind")).toString());
    connect(kind, &QComboBox::currentTextChanged, this, &StudyForm::emitChanged);
    m_policies->setCellWidget(row, PKind, kind);
    setCell(m_policies, row, PModels, SpecText::strings(p.value(QStringLiteral("models"))));
    setCell(m_policies, row, PFormats,
            p.contains(QStringLiteral("reduced"))
                ? SpecText::reduced(p.value(QStringLiteral("reduced")))
                : SpecText::strings(p.value(QStringLiteral("formats"))));
    setCell(m_policies, row, PFull, p.value(QStringLiteral("full")).toString());
    setCell(m_policies, row, PTaus, SpecText::taus(p.value(QStringLiteral("taus"))));
    setCell(m_policies, row, PDecisions, SpecText::decisions(p.value(QStringLiteral("decisions"))));
    setCell(m_policies, row, PDecisionTaus,
            SpecText::taus(p.value(QStringLiteral("decision_taus"))));
    setCell(m_policies, row, PRemotes, SpecText::remotes(p.value(QStringLiteral("remotes"))));
    m_filling = filling;
}

QJsonObject StudyForm::modelAt(int row) const
{
    QJsonObject m{{QStringLiteral("name"), cell(m_models, row, MName)}};
    const QString source = cell(m_models, row, MSource);
    const bool file = source.contains(QLatin1Char('/')) || source.endsWith(QLatin1String(".fmodel"))
                      || source.endsWith(QLatin1String(".onnx"));
    m[file ? QStringLiteral("path") : QStringLiteral("recipe")] = source;
    if (!cell(m_models, row, MWidths).isEmpty())
        m[QStringLiteral("widths")] = SpecText::fromWidths(cell(m_models, row, MWidths));
    if (!cell(m_models, row, MEpochs).isEmpty())
        m[QStringLiteral("epochs")] = cell(m_models, row, MEpochs).toInt();
    if (!cell(m_models, row, MSeed).isEmpty())
        m[QStringLiteral("seed")] = cell(m_models, row, MSeed).toDouble();
    return m;
}

QJsonObject StudyForm::policyAt(int row) const
{
    const auto *kindBox = qobject_cast<QComboBox *>(m_policies->cellWidget(row, PKind));
    const QString kind = kindBox ? kindBox->currentText() : QStringLiteral("single");
    const bool ari = kind.startsWith(QLatin1String("ari"));
    QJsonObject p{
        {QStringLiteral("kind"), kind},
        {QStringLiteral("models"), SpecText::fromStrings(cell(m_policies, row, PModels))}};
    const QString formats = cell(m_policies, row, PFormats);
    p[ari ? QStringLiteral("reduced") : QStringLiteral("formats")]
        = ari ? SpecText::fromReduced(formats) : SpecText::fromStrings(formats);
    const auto put = [&](int column, const QString &key, const QJsonArray &value) {
        if (!cell(m_policies, row, column).isEmpty())
            p[key] = value;
    };
    if (ari && !cell(m_policies, row, PFull).isEmpty())
        p[QStringLiteral("full")] = cell(m_policies, row, PFull);
    put(PTaus, QStringLiteral("taus"), SpecText::fromTaus(cell(m_policies, row, PTaus)));
    put(PDecisions, QStringLiteral("decisions"),
        SpecText::fromDecisions(cell(m_policies, row, PDecisions)));
    put(PDecisionTaus, QStringLiteral("decision_taus"),
        SpecText::fromTaus(cell(m_policies, row, PDecisionTaus)));
    put(PRemotes, QStringLiteral("remotes"),
        SpecText::fromRemotes(cell(m_policies, row, PRemotes)));
    return p;
}

void StudyForm::setSpec(const QJsonObject &spec)
{
    const bool filling = std::exchange(m_filling, true);
    m_base = spec;
    m_name->setText(spec.value(QStringLiteral("name")).toString());
    m_description->setText(spec.value(QStringLiteral("description")).toString());
    const QJsonValue dataset = spec.value(QStringLiteral("dataset"));
    const QJsonObject d = dataset.isObject()
                              ? dataset.toObject()
                              : QJsonObject{{QStringLiteral("name"), dataset.toString()}};
    m_dataset->setCurrentText(d.value(QStringLiteral("name")).toString());
    m_samples->setValue(d.value(QStringLiteral("samples")).toInt(0));
    m_dataSeed->setValue(d.value(QStringLiteral("seed")).toInt(1));
    m_testFraction->setValue(d.value(QStringLiteral("test_fraction")).toDouble(0.2));
    m_maxTest->setValue(d.value(QStringLiteral("max_test")).toInt(0));
    m_maxCalibration->setValue(d.value(QStringLiteral("max_calibration")).toInt(0));
    m_models->setRowCount(0);
    for (const QJsonValue &m : spec.value(QStringLiteral("models")).toArray())
        addModelRow(m.toObject());
    m_policies->setRowCount(0);
    for (const QJsonValue &p : spec.value(QStringLiteral("policies")).toArray())
        addPolicyRow(p.toObject());
    checkPresets(m_devices, spec.value(QStringLiteral("devices")));
    checkPresets(m_links, spec.value(QStringLiteral("links")));
    checkPresets(m_servers, spec.value(QStringLiteral("servers")));
    m_objectives->setText(SpecText::strings(spec.value(QStringLiteral("objectives"))));
    m_constraints->setText(SpecText::strings(spec.value(QStringLiteral("constraints"))));
    const QJsonValue search = spec.value(QStringLiteral("search"));
    const bool random
        = search.isObject()
          && search.toObject().value(QStringLiteral("kind")).toString() == QLatin1String("random");
    m_search->setCurrentIndex(random ? 1 : 0);
    if (random) {
        m_trials->setValue(search.toObject().value(QStringLiteral("trials")).toInt(100));
        m_searchSeed->setValue(search.toObject().value(QStringLiteral("seed")).toInt(1));
    }
    m_models->resizeColumnsToContents();
    m_policies->resizeColumnsToContents();
    m_filling = filling;
}

QJsonObject StudyForm::spec() const
{
    QJsonObject s = m_base;
    s[QStringLiteral("schema")] = 1;
    s[QStringLiteral("name")] = m_name->text().trimmed();
    if (m_description->text().trimmed().isEmpty())
        s.remove(QStringLiteral("description"));
    else
        s[QStringLiteral("description")] = m_description->text().trimmed();
    const QJsonValue old = m_base.value(QStringLiteral("dataset"));
    QJsonObject d = old.isObject() ? old.toObject() : QJsonObject();
    d[QStringLiteral("name")] = m_dataset->currentText().trimmed();
    d[QStringLiteral("seed")] = m_dataSeed->value();
    const auto optional = [&d](const char *key, double value, double none) {
        if (value == none)
            d.remove(QString::fromLatin1(key));
        else
            d[QString::fromLatin1(key)] = value;
    };
    optional("samples", m_samples->value(), 0);
    optional("test_fraction", m_testFraction->value(), 0.2);
    optional("max_test", m_maxTest->value(), 0);
    optional("max_calibration", m_maxCalibration->value(), 0);
    s[QStringLiteral("dataset")] = d;
    QJsonArray models;
    for (int r = 0; r < m_models->rowCount(); ++r)
        models << modelAt(r);
    s[QStringLiteral("models")] = models;
    QJsonArray policies;
    for (int r = 0; r < m_policies->rowCount(); ++r)
        policies << policyAt(r);
    s[QStringLiteral("policies")] = policies;
    s[QStringLiteral("devices")] = checkedPresets(m_devices);
    const QJsonArray links = checkedPresets(m_links);
    const QJsonArray servers = checkedPresets(m_servers);
    links.isEmpty() ? s.remove(QStringLiteral("links")) : void(s[QStringLiteral("links")] = links);
    servers.isEmpty() ? s.remove(QStringLiteral("servers"))
                      : void(s[QStringLiteral("servers")] = servers);
    const QJsonArray objectives = SpecText::fromStrings(m_objectives->text());
    objectives.isEmpty() ? s.remove(QStringLiteral("objectives"))
                         : void(s[QStringLiteral("objectives")] = objectives);
    const QJsonArray constraints = SpecText::fromStrings(m_constraints->text());
    constraints.isEmpty() ? s.remove(QStringLiteral("constraints"))
                          : void(s[QStringLiteral("constraints")] = constraints);
    if (m_search->currentIndex() == 1)
        s[QStringLiteral("search")]
            = QJsonObject{{QStringLiteral("kind"), QStringLiteral("random")},
                          {QStringLiteral("trials"), m_trials->value()},
                          {QStringLiteral("seed"), m_searchSeed->value()}};
    else
        s.remove(QStringLiteral("search"));
    return s;
}

} // namespace frontier::ui
