#include "studyeditor.h"

#include "specjson.h"
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
    // A spec keeps its own text (key order, indentation); only a spec on one line (as the
    // project file stores it) is laid out for reading.
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    const QByteArray text
        = SpecJson::isOneLine(json) && doc.isObject() ? SpecJson::write(doc.object()) : json;
    m_json->setPlainText(QString::fromUtf8(text)); // jsonChanged() fills the form
    setClean();
    validateNow();
}

bool StudyEditor::isModified() const
{
    return m_modified;
}

void StudyEditor::setClean()
{
    m_cleanText = m_json->toPlainText();
    if (m_modified) {
        m_modified = false;
        Q_EMIT modifiedChanged(false);
    }
}

bool StudyEditor::confirmClose()
{
    if (!m_modified)
        return true;
    const QString what = m_path.isEmpty() ? tr("The new study spec \"%1\"").arg(name())
                                          : QFileInfo(m_path).fileName();
    const auto answer = QMessageBox::question(
        this, tr("Unsaved study spec"),
        tr("%1 has changes that are not saved. Save them?").arg(what),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Discard)
        return true;
    if (answer != QMessageBox::Save)
        return false;
    if (m_path.isEmpty())
        return chooseAndSave();
    QString error;
    if (save(&error))
        return true;
    QMessageBox::warning(this, tr("Cannot save"), error);
    return false;
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
    m_json->setPlainText(QString::fromUtf8(SpecJson::write(m_form->spec())));
    m_updating = false;
    updateModified();
    m_validate->start();
}

void StudyEditor::updateModified()
{
    const bool modified = m_json->toPlainText() != m_cleanText;
    if (modified != m_modified) {
        m_modified = modified;
        Q_EMIT modifiedChanged(modified);
    }
}

void StudyEditor::jsonChanged()
{
    if (m_updating)
        return;
    updateModified();
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
        // "1 policy", "3 policies": whole words, not "polic(ies)".
        const auto count = [](qint64 n, const QString &one, const QString &many) {
            return n == 1 ? one : many.arg(QLocale().toString(n));
        };
        m_status->setText(
            tr("<span style='color:#009e73'>✓</span> valid: %1, %2, %3, %4")
                .arg(count(m_trials, tr("1 trial"), tr("%1 trials")),
                     count(qint64(spec.models.size()), tr("1 model"), tr("%1 models")),
                     count(qint64(spec.policies.size()), tr("1 policy"), tr("%1 policies")),
                     count(qint64(spec.devices.size()), tr("1 device"), tr("%1 devices"))));
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
    setClean();
    Q_EMIT saved(m_path);
    return true;
}

bool StudyEditor::chooseAndSave()
{
    const QString start = m_path.isEmpty()
                              ? QDir(m_defaultFolder).filePath(name() + QStringLiteral(".json"))
                              : m_path;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Study Spec"), start,
                                                      tr("Study specs (*.json)"));
    if (path.isEmpty())
        return false;
    QString error;
    if (saveAs(path, &error))
        return true;
    QMessageBox::warning(this, tr("Cannot save"), error);
    return false;
}

} // namespace frontier::ui
