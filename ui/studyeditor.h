#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTimer;

namespace frontier::ui {

class StudyForm;

// The study editor: the form (StudyForm) and the JSON beside it, kept in step both ways,
// validated by core (study::parseStudySpec, then the trial count) a moment after every
// edit. Save writes the JSON atomically; Run emits runRequested() for the workspace to
// start a study run in the jobs dock (only when the spec is valid).
class StudyEditor : public QWidget
{
    Q_OBJECT

public:
    explicit StudyEditor(QWidget *parent = nullptr);

    // Loads a spec file; false with *error set when it cannot be read (bad JSON is
    // loaded as text and shown as invalid).
    bool load(const QString &path, QString *error = nullptr);
    // Sets the spec text (e.g. a stored study's spec, or a template); `baseDir` resolves
    // relative paths.
    void setJson(const QByteArray &json, const QString &baseDir);
    QByteArray json() const;

    QString path() const { return m_path; }
    QString name() const;
    // Runs validation now (otherwise it runs 250 ms after the last edit).
    void validateNow();
    bool isValid() const { return m_valid; }
    QString validationMessage() const;
    qint64 trialCount() const { return m_trials; }

    // True when the text differs from what was last loaded, set or saved.
    bool isModified() const;
    // Before the editor closes: when modified, asks whether to save (Save, Discard,
    // Cancel). True when it may close (saved, discarded or not modified).
    bool confirmClose();

    bool save(QString *error = nullptr);
    bool saveAs(const QString &path, QString *error = nullptr);
    void setDefaultFolder(const QString &folder) { m_defaultFolder = folder; }

    StudyForm *form() const { return m_form; }
    QPlainTextEdit *jsonEdit() const { return m_json; }
    QPushButton *runButton() const { return m_run; }

Q_SIGNALS:
    void runRequested(const QByteArray &json, const QString &baseDir);
    void saved(const QString &path);
    void modifiedChanged(bool modified);

private:
    void formChanged();
    void jsonChanged();
    // Asks for a file name and saves; false when cancelled or the save failed.
    bool chooseAndSave();
    void setClean();
    void updateModified();

    QString m_path;
    QString m_baseDir;
    QString m_defaultFolder;
    bool m_valid = false;
    bool m_updating = false;
    bool m_modified = false;
    QString m_cleanText;
    qint64 m_trials = 0;
    StudyForm *m_form = nullptr;
    QPlainTextEdit *m_json = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_run = nullptr;
    QTimer *m_validate = nullptr;
};

} // namespace frontier::ui
