#include "studyeditor.h"

#include "studyform.h"

#include "study/studyspec.h"
#include "study/trialsearch.h"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

namespace frontier::ui {

StudyEditor::StudyEditor(QWidget *parent)
    : QWidget(parent)
{
    m_form = new StudyForm;
    auto *scroll = new QScrollArea;
    scroll->setWidget(m_form);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_json = new QPlainTextEdit;
    m_json->setObjectName(QStringLiteral("studyJson"));
    m_json->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_json->setLineWrapMode(QPlainTextEdit::NoWrap);
    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(scroll);
    split->addWidget(m_json);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({640, 400});

    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("studyStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_save = new QPushButton(tr("Save"));
    m_save->setShortcut(QKeySequence::Save);
    auto *saveAs = new QPushButton(tr("Save As..."));
    m_run = new QPushButton(tr("Run Study"));
    m_run->setObjectName(QStringLiteral("runStudy"));
    m_run->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_run->setToolTip(tr("Run the study into the project file, in the background (Ctrl+R)"));
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_status, 1);
    bar->addWidget(m_save);
    bar->addWidget(saveAs);
    bar->addWidget(m_run);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addLayout(bar);

    m_validate = new QTimer(this);
    m_validate->setSingleShot(true);
    m_validate->setInterval(250);
    connect(m_validate, &QTimer::timeout, this, &StudyEditor::validateNow);
    connect(m_form, &StudyForm::changed, this, &StudyEditor::formChanged);
    connect(m_json, &QPlainTextEdit::textChanged, this, &StudyEditor::jsonChanged);
    connect(m_save, &QPushButton::clicked, this, [this] {
        if (m_path.isEmpty()) {
            chooseAndSave();
            return;
        }
        QString error;
        if (!save(&error))
            QMessageBox::warning(this, tr("Cannot save"), error);
    });
    connect(saveAs, &QPushButton::clicked, this, &StudyEditor::chooseAndSave);
    connect(m_run, &QPushButton::clicked, this, [this] {
        validateNow();
        if (m_valid)
            Q_EMIT runRequested(json(), m_baseDir);
    });
}

bool StudyEditor::load(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    m_path = QFileInfo(path).absoluteFilePath();
    setJson(file.readAll(), QFileInfo(path).absolutePath());
    return true;
}

void StudyEditor::setJson(const QByteArray &json, const QString &baseDir)
{
    m_baseDir = baseDir;
    m_json->setPlainText(QString::fromUtf8(json)); // jsonChanged() fills the form
    validateNow();
}

QByteArray StudyEditor::json() const
{
    return m_json->toPlainText().toUtf8();
}

QString StudyEditor::name() const
{
    return QJsonDocument::fromJson(json()).object().value(QStringLiteral("name")).toString();
}

void StudyEditor::formChanged()
{
    if (m_updating)
        return;
    m_updating = true;
    m_json->setPlainText(
        QString::fromUtf8(QJsonDocument(m_form->spec()).toJson(QJsonDocument::Indented)));
    m_updating = false;
    m_validate->start();
}

void StudyEditor::jsonChanged()
{
    if (m_updating)
        return;
    QJsonParseError parse;
    const QJsonDocument doc = QJsonDocument::fromJson(json(), &parse);
    if (doc.isObject()) {
        m_updating = true;
        m_form->setSpec(doc.object());
        m_updating = false;
    }
    m_validate->start();
}

void StudyEditor::validateNow()
{
    m_validate->stop();
    const QString where = m_path.isEmpty() ? tr("(unsaved spec)") : m_path;
    try {
        const study::StudySpec spec
            = study::parseStudySpec(json(), where.toStdString(), m_baseDir.toStdString());
        m_trials = spec.search.kind == study::SearchSpec::Kind::Random
                       ? std::min<qint64>(spec.search.trials, study::gridSize(spec))
                       : study::gridSize(spec);
        m_valid = true;
        m_status->setText(tr("<span style='color:#009e73'>✓</span> valid: %1 trials, %2 "
                             "model(s), %3 polic(ies), %4 device(s)")
                              .arg(QLocale().toString(m_trials))
                              .arg(spec.models.size())
                              .arg(spec.policies.size())
                              .arg(spec.devices.size()));
    } catch (const std::exception &e) {
        m_valid = false;
        m_trials = 0;
        m_status->setText(QStringLiteral("<span style='color:#d55e00'>✗ %1</span>")
                              .arg(QString::fromUtf8(e.what()).toHtmlEscaped()));
    }
    m_run->setEnabled(m_valid);
}

QString StudyEditor::validationMessage() const
{
    return m_status->text();
}

bool StudyEditor::save(QString *error)
{
    return saveAs(m_path, error);
}

bool StudyEditor::saveAs(const QString &path, QString *error)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(json()) < 0 || !file.commit()) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    m_path = QFileInfo(path).absoluteFilePath();
    m_baseDir = QFileInfo(path).absolutePath();
    Q_EMIT saved(m_path);
    return true;
}

void StudyEditor::chooseAndSave()
{
    const QString start = m_path.isEmpty()
                              ? QDir(m_defaultFolder).filePath(name() + QStringLiteral(".json"))
                              : m_path;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Study Spec"), start,
                                                      tr("Study specs (*.json)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!saveAs(path, &error))
        QMessageBox::warning(this, tr("Cannot save"), error);
}

} // namespace frontier::ui
