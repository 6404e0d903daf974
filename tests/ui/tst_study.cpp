// Studies from the GUI: the study editor (form and JSON in step, validated by core), a
// small study run into a new project file as a job while the event loop keeps running,
// and its Pareto chart and results table checked against the core's numbers.

#include "jobsdock.h"
#include "mainwindow.h"
#include "paretochart.h"
#include "projectdocument.h"
#include "resultsfilter.h"
#include "resultstablemodel.h"
#include "resultsview.h"
#include "studyeditor.h"
#include "studyform.h"
#include "uitestutil.h"
#include "workspace.h"

#include "store/project.h"
#include "study/metricformat.h"
#include "study/studyresults.h"
#include "study/studyspec.h"

#include <QAbstractAxis>
#include <QAction>
#include <QApplication>
#include <QChart>
#include <QComboBox>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>

using namespace frontier;

namespace {

// Small enough for a test (seconds), real enough to have a front: a trained MLP, ARI
// with rules and a τ range, HI with an ideal remote.
const char *const kSmallStudy = R"({
    "schema": 1,
    "name": "gui-small",
    "description": "GUI test study",
    "dataset": {"name": "synth-digits", "samples": 6000, "seed": 1},
    "models": [{"name": "mlp", "recipe": "mlp", "widths": [128], "epochs": 4, "seed": 1}],
    "policies": [
        {"kind": "single", "models": ["mlp"], "formats": ["fp32", "int2..int8"]},
        {"kind": "ari", "models": ["mlp"], "reduced": ["int2..int4"],
         "taus": ["M", "PDF 0.99", "0:0.5:11"]},
        {"kind": "hi", "models": ["mlp"], "formats": ["int4"], "decisions": ["maxprob"],
         "decision_taus": "0.5:0.95:4", "remotes": [{"accuracy": 0.99, "seed": 1}]}
    ],
    "devices": ["asic45"],
    "links": ["wifi"],
    "objectives": ["energy_pj:min", "accuracy:max"],
    "constraints": ["accuracy>=0.5"]
})";

const char *const kOverlayStudy = R"({
    "schema": 1,
    "name": "gui-overlay",
    "dataset": {"name": "synth-digits", "samples": 6000, "seed": 1},
    "models": [{"name": "mlp", "recipe": "mlp", "widths": [128], "epochs": 4, "seed": 1}],
    "policies": [{"kind": "single", "models": ["mlp"], "formats": ["fp32", "fp16", "int3..int6"]}],
    "devices": ["cortex-m4f"]
})";

// Answers the next message box with `button` once it is shown (a modal dialog runs its
// own event loop); `asked` counts the boxes answered.
void answerNextMessageBox(QMessageBox::StandardButton button, int *asked)
{
    QTimer::singleShot(50, qApp, [button, asked] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box) {
            answerNextMessageBox(button, asked);
            return;
        }
        ++*asked;
        box->button(button)->click();
    });
}

QAction *closeTabAction(ui::MainWindow &window)
{
    for (QAction *menu : window.menuBar()->actions()) {
        for (QAction *action : menu->menu()->actions()) {
            if (action->shortcut() == QKeySequence(QKeySequence::Close))
                return action;
        }
    }
    return nullptr;
}

// The top-level keys of a spec's text, in the order they appear.
QStringList topLevelKeys(const QByteArray &json)
{
    QStringList keys;
    for (const QByteArray &line : json.split('\n')) {
        if (line.startsWith("    \"") && !line.startsWith("     "))
            keys << QString::fromUtf8(line.mid(5, line.indexOf('"', 5) - 5));
    }
    return keys;
}

} // namespace

class TestStudy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void editorKeepsFormAndJsonInStep();
    void editorReportsErrors();
    void formWritesReadableJson();
    void openedSpecKeepsItsText();
    void unsavedSpecAsksBeforeClosing();
    void runStudyFromGui();
    void projectOpensWithItsFirstStudy();
    void storedSpecIsLaidOut();
    void paretoMatchesCore();
    void chartAndTableAreLinked();
    void oneUnitPerColumnInTableChartAndCsv();
    void overlayAndLogAxes(); // closes the window: last

private:
    QTemporaryDir m_dir;
    QString m_project;
    std::unique_ptr<ui::MainWindow> m_window;
    ui::ResultsView *m_results = nullptr;
};

void TestStudy::initTestCase()
{
    test::isolateSettings("tst_study");
    QVERIFY(m_dir.isValid());
    m_project = m_dir.filePath(QStringLiteral("gui.frontier"));
}

void TestStudy::editorKeepsFormAndJsonInStep()
{
    ui::MainWindow window;
    ui::StudyEditor *editor = window.workspace()->newStudy(
        QStringLiteral(FRONTIER_SOURCE_DIR "/resources/studies/ari-quick.json"));
    QVERIFY(editor->isValid());
    QVERIFY(editor->trialCount() >= 50);
    // The form's JSON means the same study as the template.
    const QByteArray original = editor->json();
    const QByteArray fromForm = QJsonDocument(editor->form()->spec()).toJson();
    const auto normalised = [](const QByteArray &json) {
        return QJsonDocument(study::parseStudySpec(json, "spec", FRONTIER_SOURCE_DIR).toJson())
            .toJson();
    };
    QCOMPARE(normalised(fromForm), normalised(original));
    // A form edit shows in the JSON; a JSON edit shows in the form.
    editor->form()->nameEdit()->setText(QStringLiteral("renamed"));
    Q_EMIT editor->form()->nameEdit()->textEdited(QStringLiteral("renamed"));
    QCOMPARE(
        QJsonDocument::fromJson(editor->json()).object().value(QStringLiteral("name")).toString(),
        QStringLiteral("renamed"));
    QJsonObject spec = QJsonDocument::fromJson(editor->json()).object();
    spec[QStringLiteral("name")] = QStringLiteral("from-json");
    editor->jsonEdit()->setPlainText(QString::fromUtf8(QJsonDocument(spec).toJson()));
    QCOMPARE(editor->form()->nameEdit()->text(), QStringLiteral("from-json"));
    editor->validateNow();
    QVERIFY(editor->isValid());
    // Save writes the JSON.
    QString error;
    const QString path = m_dir.filePath(QStringLiteral("studies/from-json.json"));
    QVERIFY2(editor->saveAs(path, &error), qPrintable(error));
    QVERIFY(study::loadStudySpec(path.toStdString()).name == "from-json");
}

void TestStudy::editorReportsErrors()
{
    ui::MainWindow window;
    ui::StudyEditor *editor = window.workspace()->newStudy();
    QJsonObject spec = QJsonDocument::fromJson(kSmallStudy).object();
    spec[QStringLiteral("devices")] = QStringLiteral("asic54");
    editor->setJson(QJsonDocument(spec).toJson(), m_dir.path());
    QVERIFY(!editor->isValid());
    QVERIFY(editor->validationMessage().contains(QStringLiteral("devices")));
    QVERIFY(!editor->runButton()->isEnabled());
    editor->jsonEdit()->setPlainText(QStringLiteral("{ \"name\": "));
    editor->validateNow();
    QVERIFY(!editor->isValid());
    editor->setJson(kSmallStudy, m_dir.path());
    QVERIFY(editor->isValid());
    QCOMPARE(editor->trialCount(), qint64(8 + 3 * 13 + 4));
}

void TestStudy::formWritesReadableJson()
{
    ui::MainWindow window;
    ui::StudyEditor *editor = window.workspace()->newStudy(
        QStringLiteral(FRONTIER_SOURCE_DIR "/resources/studies/ari-quick.json"));
    const QJsonObject before = QJsonDocument::fromJson(editor->json()).object();
    editor->form()->nameEdit()->setText(QStringLiteral("renamed"));
    Q_EMIT editor->form()->nameEdit()->textEdited(QStringLiteral("renamed"));
    const QByteArray json = editor->json();
    // The spec's reading order, not the alphabet; 4-space indentation.
    QCOMPARE(topLevelKeys(json),
             QStringList(
                 {QStringLiteral("schema"), QStringLiteral("name"), QStringLiteral("description"),
                  QStringLiteral("dataset"), QStringLiteral("models"), QStringLiteral("policies"),
                  QStringLiteral("devices"), QStringLiteral("links"), QStringLiteral("servers"),
                  QStringLiteral("objectives"), QStringLiteral("constraints")}));
    QVERIFY(json.startsWith("{\n    \"schema\": 1,\n    \"name\": \"renamed\",\n"));
    for (const QByteArray &line : json.split('\n'))
        QVERIFY2(line.size() <= 100 || line.contains("\"description\""), line.constData());
    // The same spec as the form's, only the name changed.
    QJsonObject want = editor->form()->spec();
    QCOMPARE(QJsonDocument::fromJson(json).object(), want);
    want[QStringLiteral("name")] = before.value(QStringLiteral("name"));
    QCOMPARE(
        study::parseStudySpec(QJsonDocument(want).toJson(), "spec", FRONTIER_SOURCE_DIR).toJson(),
        study::parseStudySpec(QJsonDocument(before).toJson(), "spec", FRONTIER_SOURCE_DIR)
            .toJson());
    // The valid line counts in words: "1 model", "3 policies", "1 device".
    editor->validateNow();
    QVERIFY2(editor->validationMessage().contains(QStringLiteral("1 model, 3 policies, 1 device")),
             qPrintable(editor->validationMessage()));
    QVERIFY(!editor->validationMessage().contains(QStringLiteral("(")));
}

void TestStudy::openedSpecKeepsItsText()
{
    // A spec in its author's order and indentation opens exactly as written.
    const QByteArray text = "{\n  \"name\": \"mine\",\n  \"schema\": 1,\n"
                            "  \"devices\": [\"asic45\"],\n"
                            "  \"dataset\": {\"seed\": 2, \"name\": \"synth-digits\"},\n"
                            "  \"policies\": [{\"models\": [\"mlp\"], \"kind\": \"single\", "
                            "\"formats\": [\"fp32\"]}],\n"
                            "  \"models\": [{\"recipe\": \"mlp\", \"name\": \"mlp\"}]\n}\n";
    const QString path = m_dir.filePath(QStringLiteral("mine.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
    file.close();
    ui::MainWindow window;
    ui::StudyEditor *editor = window.workspace()->openSpec(path);
    QCOMPARE(editor->json(), text);
    QVERIFY(editor->isValid());
    QVERIFY(!editor->isModified());
}

void TestStudy::unsavedSpecAsksBeforeClosing()
{
    ui::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QAction *closeTab = closeTabAction(window);
    QVERIFY(closeTab);
    ui::StudyEditor *editor = window.workspace()->newStudy();
    editor->setJson(kSmallStudy, m_dir.path());
    QTabWidget *tabs = window.workspace()->tabs();
    QCOMPARE(tabs->count(), 1);
    // Unchanged: Ctrl+W closes without a question.
    int asked = 0;
    closeTab->trigger();
    QCOMPARE(tabs->count(), 0);

    editor = window.workspace()->newStudy();
    editor->setJson(kSmallStudy, m_dir.path());
    editor->form()->nameEdit()->setText(QStringLiteral("changed"));
    Q_EMIT editor->form()->nameEdit()->textEdited(QStringLiteral("changed"));
    QVERIFY(editor->isModified());
    QVERIFY(tabs->tabText(tabs->indexOf(editor)).endsWith(QStringLiteral(" *")));
    // Cancel keeps the tab.
    answerNextMessageBox(QMessageBox::Cancel, &asked);
    closeTab->trigger();
    QCOMPARE(asked, 1);
    QCOMPARE(tabs->count(), 1);
    // Closing the window asks too; Cancel keeps it open.
    answerNextMessageBox(QMessageBox::Cancel, &asked);
    QVERIFY(!window.close());
    QCOMPARE(asked, 2);
    QVERIFY(window.isVisible());
    // Save (a spec with a file) writes it and closes.
    const QString path = m_dir.filePath(QStringLiteral("changed.json"));
    QString error;
    QVERIFY2(editor->saveAs(path, &error), qPrintable(error));
    QVERIFY(!editor->isModified());
    QVERIFY(!tabs->tabText(tabs->indexOf(editor)).endsWith(QStringLiteral(" *")));
    editor->jsonEdit()->setPlainText(editor->jsonEdit()->toPlainText().replace(
        QStringLiteral("changed"), QStringLiteral("saved-on-close")));
    answerNextMessageBox(QMessageBox::Save, &asked);
    closeTab->trigger();
    QCOMPARE(asked, 3);
    QCOMPARE(tabs->count(), 0);
    QCOMPARE(study::loadStudySpec(path.toStdString()).name, std::string("saved-on-close"));
    // Discard closes without writing.
    editor = window.workspace()->openSpec(path);
    editor->jsonEdit()->setPlainText(editor->jsonEdit()->toPlainText().replace(
        QStringLiteral("saved-on-close"), QStringLiteral("discarded")));
    answerNextMessageBox(QMessageBox::Discard, &asked);
    closeTab->trigger();
    QCOMPARE(asked, 4);
    QCOMPARE(tabs->count(), 0);
    QCOMPARE(study::loadStudySpec(path.toStdString()).name, std::string("saved-on-close"));
}

void TestStudy::runStudyFromGui()
{
    m_window = std::make_unique<ui::MainWindow>();
    m_window->resize(1280, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QString error;
    QVERIFY2(m_window->project()->create(m_project, &error), qPrintable(error));
    QVERIFY(m_window->openProject(m_project));
    QCOMPARE(m_window->project()->kind(), ui::ProjectDocument::Kind::File);

    ui::StudyEditor *editor = m_window->workspace()->newStudy();
    editor->setJson(kSmallStudy, m_dir.path());
    QVERIFY(editor->isValid());

    // The event loop while the study runs: a 10 ms timer's worst lateness.
    QElapsedTimer clock;
    qint64 last = 0, worst = 0;
    int ticks = 0;
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    timer.setInterval(10);
    connect(&timer, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        worst = std::max(worst, now - last - 10);
        last = now;
        ++ticks;
    });
    clock.start();
    timer.start();
    editor->runButton()->click();
    QCOMPARE(m_window->jobsDock()->runningCount(), 1);
    ui::Job *run = m_window->jobsDock()->jobs().last();
    QVERIFY(test::waitForJobs(m_window->jobsDock(), 300000));
    timer.stop();
    QCOMPARE(run->state(), ui::Job::State::Succeeded);
    QVERIFY(ticks >= 20); // the run lasted long enough to measure anything
    qInfo("study ran %lld ms; %d timer ticks; worst lateness %lld ms", run->elapsedMs(), ticks,
          worst);
    // Work on the GUI thread would stall it for most of the run (about 2 s); on a busy
    // 2-core machine the scheduler alone delays a tick by 100 ms and more, so the bound is
    // what tells the two apart, not a speed figure.
    QVERIFY2(worst < 500, qPrintable(QStringLiteral("event loop stalled %1 ms").arg(worst)));

    // The project lists the study and its results opened.
    QCOMPARE(m_window->project()->studies().size(), 1);
    m_results = qobject_cast<ui::ResultsView *>(
        m_window->workspace()->tab(QStringLiteral("results:gui-small")));
    QVERIFY(m_results);
    QVERIFY(QTest::qWaitFor([this] { return m_results->setCount() == 1; }, 30000));
}

void TestStudy::projectOpensWithItsFirstStudy()
{
    QVERIFY(m_results);
    // Another window on the same project: the central area shows the first study's
    // results, not a blank page.
    ui::MainWindow window;
    QCOMPARE(window.workspace()->tabs()->count(), 0);
    QVERIFY(window.openProject(m_project));
    auto *results = qobject_cast<ui::ResultsView *>(window.workspace()->tabs()->currentWidget());
    QVERIFY(results);
    QCOMPARE(results->study(), QStringLiteral("gui-small"));
    QVERIFY(QTest::qWaitFor([results] { return results->setCount() == 1; }, 30000));
    QVERIFY(test::waitForJobs(window.jobsDock()));
}

void TestStudy::storedSpecIsLaidOut()
{
    QVERIFY(m_results);
    // The project file stores the spec on one line; the editor lays it out for reading.
    const QString stored = m_window->project()->studySpec(QStringLiteral("gui-small"));
    QVERIFY(!stored.isEmpty());
    ui::StudyEditor *editor = m_window->workspace()->editStoredStudy(QStringLiteral("gui-small"));
    QVERIFY(editor);
    const QByteArray json = editor->json();
    QVERIFY(json.count('\n') > 10);
    QCOMPARE(topLevelKeys(json).value(1), QStringLiteral("name"));
    QCOMPARE(QJsonDocument::fromJson(json).object(),
             QJsonDocument::fromJson(stored.toUtf8()).object());
    QVERIFY(!editor->isModified());
    m_window->workspace()->closeTab(m_window->workspace()->tabs()->indexOf(editor));
}

void TestStudy::paretoMatchesCore()
{
    QVERIFY(m_results);
    store::Project project(m_project.toStdString(), store::Project::Access::ReadOnly);
    const study::StudyResults results = study::StudyResults::load(project, "gui-small");
    QCOMPARE(results.rows(), 8 + 3 * 13 + 4);
    const auto objectives = study::parseObjectives("energy_pj:min,accuracy:max");
    const study::FrontResult want = study::computeFront(results, objectives, {"accuracy>=0.5"});
    QVERIFY(want.rows.size() >= 2);

    ui::ParetoChart *chart = m_results->chart();
    // By default one front per device, each against core's grouped fronts (bounds out).
    study::FrontScope scope;
    scope.constraints = {"accuracy>=0.5"};
    const std::vector<study::FrontResult> perDevice
        = study::computeGroupedFronts(results, objectives, scope, "device");
    QVERIFY(perDevice.size() >= 1);
    QCOMPARE(chart->layerCount(), int(perDevice.size()));
    size_t grouped = 0;
    for (const study::FrontResult &f : perDevice)
        grouped += f.rows.size();
    QCOMPARE(chart->pointCount(0), results.rows());
    QCOMPARE(chart->frontPointCount(0), int(grouped));
    QCOMPARE(m_results->front(0).rows, perDevice.front().rows);
    // One front of everything: the same as core's.
    m_results->setGroupBy(QString());
    QCOMPARE(chart->layerCount(), 1);
    QCOMPARE(chart->pointCount(0), results.rows());
    QCOMPARE(chart->frontPointCount(0), int(want.rows.size()));
    QCOMPARE(m_results->front(0).rows, want.rows);
    QCOMPARE(m_results->front(0).knee, want.knee);
    QCOMPARE(m_results->front(0).hypervolume, want.hypervolume);
    // The front the runner stored in the project file is the same set of trials.
    const auto stored = project.findFront(results.studyId(), "energy_pj:min,accuracy:max");
    QVERIFY(stored);
    QCOMPARE(stored->trialIds, want.trialIds(results));
    // The table marks exactly those rows.
    ui::ResultsTableModel *model = m_results->tableModel();
    QCOMPARE(model->rowCount(), results.rows());
    for (int r = 0; r < results.rows(); ++r)
        QCOMPARE(model->onFront(0, r), std::binary_search(want.rows.begin(), want.rows.end(), r));
    m_results->filter()->setFrontOnly(true);
    QCOMPARE(m_results->filter()->rowCount(), int(want.rows.size()));
    m_results->filter()->setFrontOnly(false);
    m_results->filter()->setText(QStringLiteral("^ari"));
    QCOMPARE(m_results->filter()->rowCount(), 3 * 13);
    m_results->filter()->setText(QString());
    QVERIFY(m_results->summary().contains(QStringLiteral("hypervolume")));
    m_results->setGroupBy(QStringLiteral("device"));
}

void TestStudy::chartAndTableAreLinked()
{
    QVERIFY(m_results);
    m_window->workspace()->tabs()->setCurrentWidget(m_results);
    QTest::qWait(50);
    const int knee = m_results->front(0).knee;
    QVERIFY(knee >= 0);
    // Click on the knee's point: its row is selected in the table.
    const QPointF at = m_results->chart()->position(0, knee);
    QCOMPARE(m_results->chart()->nearest(at.toPoint(), 3.0).first, 0);
    const int near = m_results->chart()->nearest(at.toPoint(), 3.0).second;
    QTest::mouseClick(m_results->chart()->viewport(), Qt::LeftButton, {}, at.toPoint());
    QCOMPARE(m_results->selectedTrial(), std::make_pair(0, near));
    // Sort the table by energy and select a row there: the chart rings that trial.
    m_results->table()->sortByColumn(m_results->tableModel()->metricColumn("energy_pj"),
                                     Qt::AscendingOrder);
    m_results->table()->selectRow(0);
    const auto [set, row] = m_results->selectedTrial();
    QCOMPARE(set, 0);
    double least = INFINITY;
    const study::StudyResults &results = m_results->chart()->layers()[0].results[0];
    for (int r = 0; r < results.rows(); ++r)
        least = std::min(least, results.table().at(r, results.column("energy_pj")));
    QCOMPARE(results.table().at(row, results.column("energy_pj")), least);
}

void TestStudy::overlayAndLogAxes()
{
    QVERIFY(m_results);
    ui::StudyEditor *editor = m_window->workspace()->newStudy();
    editor->setJson(kOverlayStudy, m_dir.path());
    QVERIFY(editor->isValid());
    editor->runButton()->click();
    QVERIFY(test::waitForJobs(m_window->jobsDock(), 300000));
    QCOMPARE(m_window->project()->studies().size(), 2);
    // "Compare with" offers the new study now that there is one.
    auto *compare = m_results->findChild<QComboBox *>(QStringLiteral("overlayStudy"));
    QVERIFY(compare);
    QTRY_VERIFY(compare->isEnabled());
    QCOMPARE(compare->itemText(0), QStringLiteral("gui-overlay"));
    QVERIFY(m_results->findChild<QPushButton *>(QStringLiteral("overlayButton"))->isEnabled());
    Q_EMIT m_results->overlayRequested(QStringLiteral("gui-overlay"));
    QVERIFY(QTest::qWaitFor([this] { return m_results->setCount() == 2; }, 30000));
    QCOMPARE(m_results->chart()->pointCount(1), 6);
    QCOMPARE(m_results->tableModel()->rowCount(), 8 + 3 * 13 + 4 + 6);
    m_results->setLogAxes(true, false);
    QCOMPARE(m_results->chart()->pointCount(0), 8 + 3 * 13 + 4);
    QCOMPARE(m_results->chart()->skippedCount(), 0);
    m_results->setAxes(QStringLiteral("latency_us"), QStringLiteral("fidelity"));
    QVERIFY(m_results->chart()->frontPointCount(0) >= 1);
    QString error;
    QVERIFY2(m_results->chart()->exportSvg(m_dir.filePath(QStringLiteral("p.svg")), &error),
             qPrintable(error));
    QVERIFY(m_results->chart()->csv().count(QLatin1Char('\n')) == 8 + 3 * 13 + 4 + 6 + 1);
    m_window->close();
    m_window.reset();
}

// Every metric column of the results table: its header names the unit its cells are in
// (the unit study::MetricFormat picks from the column's values), the chart's axes say the
// same, no raw metric name ("latency_us (s)") is shown, and the CSV export's header carries
// the unit its numbers are in.
void TestStudy::oneUnitPerColumnInTableChartAndCsv()
{
    QVERIFY(m_results);
    // One study in the project: nothing to compare with, and the view says so.
    QVERIFY(!m_results->findChild<QComboBox *>(QStringLiteral("overlayStudy"))->isEnabled());
    ui::ResultsTableModel *model = m_results->tableModel();
    const study::StudyResults &results = m_results->chart()->layers()[0].results[0];
    const QString csv = model->csv();
    const QStringList csvHeader = csv.section(QLatin1Char('\n'), 0, 0).split(QLatin1Char(','));
    const QStringList firstRow = csv.section(QLatin1Char('\n'), 1, 1).split(QLatin1Char(','));
    int checked = 0;
    for (const std::string &metric : results.columns()) {
        const int column = model->metricColumn(metric);
        if (column < 0)
            continue; // shown in a knob column (decision_tau)
        std::vector<double> values;
        for (int r = 0; r < model->rowCount(); ++r)
            values.push_back(model->data(model->index(r, column), Qt::UserRole).toDouble());
        for (double &v : values) {
            if (std::isinf(v))
                v = NAN;
        }
        const study::MetricFormat f = study::MetricFormat::forValues(metric, values);
        const QString header
            = model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
        QCOMPARE(header, QString::fromStdString(f.columnHeader()));
        QVERIFY2(!header.contains(QString::fromStdString(metric)) || f.shortTitle == metric,
                 qPrintable(header));
        QVERIFY2(!header.contains(QLatin1String("_us")) && !header.contains(QLatin1String("_pj")),
                 qPrintable(header));
        for (int r = 0; r < model->rowCount(); ++r) {
            const QString cell = model->data(model->index(r, column), Qt::DisplayRole).toString();
            QCOMPARE(cell, QString::fromStdString(f.number(values[size_t(r)])));
        }
        // The CSV: the same header, numbers in that unit.
        QCOMPARE(csvHeader.value(column),
                 header.contains(QLatin1Char(',')) ? QStringLiteral("\"%1\"").arg(header) : header);
        if (!std::isnan(values[0]))
            QCOMPARE(firstRow.value(column).toDouble(), values[0] * f.scale);
        ++checked;
    }
    QVERIFY(checked >= 8);
    // The chart's axes: energy and accuracy with the units of the rule.
    for (QAbstractAxis *axis : m_results->chart()->chart()->axes()) {
        const QString title = axis->titleText();
        QVERIFY2(title.contains(QLatin1String("energy per inference ("))
                     || title.contains(QLatin1String("accuracy (%)")),
                 qPrintable(title));
        QVERIFY2(!title.contains(QLatin1String("_pj")), qPrintable(title));
    }
}

QTEST_MAIN(TestStudy)
#include "tst_study.moc"
