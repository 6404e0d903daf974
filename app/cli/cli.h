#pragma once

#include "common/progress.h"
#include "data/catalog.h"

#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace frontier::cli {

// Exit codes: 0 success, 1 bad input or failed operation, 2 bad usage, 3 cancelled.
enum ExitCode { ExitOk = 0, ExitFailure = 1, ExitUsage = 2, ExitCancelled = 3 };

// Thrown for command-line usage errors (unknown option, missing argument).
struct UsageError
{
    QString message;
};

// Sets up a parser for a command: description, --help, and the positional/option
// definitions added by the caller. parse() throws UsageError on unknown options and
// prints help (returning false) when --help was given.
class CommandParser
{
public:
    CommandParser(const QString &command, const QString &description);

    QCommandLineParser &parser() { return m_parser; }
    void addOption(const QString &name, const QString &description, const QString &valueName = {},
                   const QString &defaultValue = {});
    void addPositional(const QString &name, const QString &description, const QString &syntax = {});
    bool parse(const QStringList &args); // false: help was printed, exit 0

    bool isSet(const QString &name) const { return m_parser.isSet(name); }
    QString value(const QString &name) const { return m_parser.value(name); }
    QStringList positional() const { return m_parser.positionalArguments(); }
    // Requires `count` positional arguments (throws UsageError otherwise).
    QStringList requirePositional(int count, const QString &what) const;
    QString require(const QString &name) const; // value of a mandatory option
    int intValue(const QString &name, int minimum, int maximum) const;
    double doubleValue(const QString &name, double minimum, double maximum) const;
    uint64_t seedValue(const QString &name) const;

private:
    QString m_command;
    QCommandLineParser m_parser;
};

// The options every command that reads a dataset shares: --label-column, --drop-missing,
// --seed, --normalize.
void addDatasetOptions(CommandParser &parser);
data::LoadOptions datasetOptions(const CommandParser &parser);

void printJson(const QJsonObject &object);
bool stderrIsTerminal();

// Prints "label: 42 % (done/total)" on stderr every 200 ms while alive, when stderr is a
// terminal; silent otherwise. Cancels the Progress on SIGINT.
class ProgressPrinter
{
public:
    ProgressPrinter(const QString &label, Progress &progress);
    ~ProgressPrinter();
    ProgressPrinter(const ProgressPrinter &) = delete;
    ProgressPrinter &operator=(const ProgressPrinter &) = delete;

private:
    void loop();

    QString m_label;
    Progress &m_progress;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

// A plain text table with right-aligned numeric columns, printed to stdout.
class TextTable
{
public:
    explicit TextTable(QStringList header);
    void addRow(QStringList cells);
    QString toString() const;
    void print() const;

private:
    QStringList m_header;
    std::vector<QStringList> m_rows;
};

QString fmt(double value, int decimals = 2);
QString percent(double fraction, int decimals = 2);
// A saving against a baseline (a fraction; negative: costs more) for people: "88.57 %",
// or "2.5× more" when the configuration costs more than the baseline, rather than
// "-150.00 %" (or "-17,271 %").
QString savingText(double saving);
// A threshold for people: the value, or "0⁺" for the smallest double above 0 (what rule M
// gives when the bound is 0: "escalate everything at or below 0").
QString thresholdText(double tau);
QString withThousands(long long value);

} // namespace frontier::cli
