#include "cli.h"

#include <QJsonDocument>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace frontier::cli {

namespace {

std::atomic<Progress *> g_interruptTarget{nullptr};

void onInterrupt(int)
{
    if (Progress *p = g_interruptTarget.load())
        p->cancel();
}

} // namespace

CommandParser::CommandParser(const QString &command, const QString &description)
    : m_command(command)
{
    m_parser.setApplicationDescription(description);
    m_parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    m_parser.addHelpOption();
}

void CommandParser::addOption(const QString &name, const QString &description,
                              const QString &valueName, const QString &defaultValue)
{
    QCommandLineOption option(name, description, valueName, defaultValue);
    m_parser.addOption(option);
}

void CommandParser::addPositional(const QString &name, const QString &description,
                                  const QString &syntax)
{
    m_parser.addPositionalArgument(name, description, syntax);
}

bool CommandParser::parse(const QStringList &args)
{
    QStringList full = args;
    full.prepend(QStringLiteral("frontier ") + m_command);
    if (!m_parser.parse(full))
        throw UsageError{m_command + QStringLiteral(": ") + m_parser.errorText()};
    if (m_parser.isSet(QStringLiteral("help"))) {
        QString help = m_parser.helpText();
        help.replace(QStringLiteral("Usage: frontier ") + m_command,
                     QStringLiteral("Usage: frontier ") + m_command);
        std::fputs(qPrintable(help), stdout);
        return false;
    }
    return true;
}

QStringList CommandParser::requirePositional(int count, const QString &what) const
{
    const QStringList pos = positional();
    if (pos.size() < count)
        throw UsageError{m_command + QStringLiteral(": missing ") + what};
    if (pos.size() > count) {
        throw UsageError{m_command + QStringLiteral(": unexpected argument '") + pos.at(count)
                         + QStringLiteral("'")};
    }
    return pos;
}

QString CommandParser::require(const QString &name) const
{
    if (!m_parser.isSet(name) || m_parser.value(name).isEmpty())
        throw UsageError{m_command + QStringLiteral(": --") + name
                         + QStringLiteral(" is required")};
    return m_parser.value(name);
}

int CommandParser::intValue(const QString &name, int minimum, int maximum) const
{
    bool ok = false;
    const int v = m_parser.value(name).toInt(&ok);
    if (!ok || v < minimum || v > maximum) {
        throw UsageError{QStringLiteral("%1: --%2 must be a whole number from %3 to %4, not '%5'")
                             .arg(m_command, name)
                             .arg(minimum)
                             .arg(maximum)
                             .arg(m_parser.value(name))};
    }
    return v;
}

double CommandParser::doubleValue(const QString &name, double minimum, double maximum) const
{
    bool ok = false;
    const double v = m_parser.value(name).toDouble(&ok);
    if (!ok || !(v >= minimum && v <= maximum)) {
        throw UsageError{QStringLiteral("%1: --%2 must be a number from %3 to %4, not '%5'")
                             .arg(m_command, name)
                             .arg(minimum)
                             .arg(maximum)
                             .arg(m_parser.value(name))};
    }
    return v;
}

uint64_t CommandParser::seedValue(const QString &name) const
{
    bool ok = false;
    const qulonglong v = m_parser.value(name).toULongLong(&ok);
    if (!ok) {
        throw UsageError{QStringLiteral("%1: --%2 must be a non-negative whole number, not '%3'")
                             .arg(m_command, name, m_parser.value(name))};
    }
    return uint64_t(v);
}

void addDatasetOptions(CommandParser &parser)
{
    parser.addOption(QStringLiteral("label-column"),
                     QStringLiteral("CSV: label column: first, last, a 0-based index or a header "
                                    "name (default: the catalog's, else last)"),
                     QStringLiteral("COL"));
    parser.addOption(QStringLiteral("drop-missing"),
                     QStringLiteral("CSV: drop rows with '?' or empty cells instead of failing"));
    parser.addOption(QStringLiteral("seed"), QStringLiteral("seed for generators and splits"),
                     QStringLiteral("S"), QStringLiteral("1"));
    parser.addOption(QStringLiteral("normalize"),
                     QStringLiteral("none, global or per-feature (default: suits the data kind)"),
                     QStringLiteral("KIND"));
}

data::LoadOptions datasetOptions(const CommandParser &parser)
{
    data::LoadOptions options;
    options.labelColumn = parser.value(QStringLiteral("label-column")).toStdString();
    options.dropMissing = parser.isSet(QStringLiteral("drop-missing"));
    options.seed = parser.seedValue(QStringLiteral("seed"));
    options.normalization = parser.value(QStringLiteral("normalize")).toStdString();
    return options;
}

void printJson(const QJsonObject &object)
{
    const QByteArray bytes = QJsonDocument(object).toJson(QJsonDocument::Indented);
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

bool stderrIsTerminal()
{
    return ::isatty(STDERR_FILENO) == 1;
}

ProgressPrinter::ProgressPrinter(const QString &label, Progress &progress)
    : m_label(label)
    , m_progress(progress)
{
    g_interruptTarget.store(&progress);
    std::signal(SIGINT, onInterrupt);
    if (stderrIsTerminal())
        m_thread = std::thread([this] { loop(); });
}

ProgressPrinter::~ProgressPrinter()
{
    m_stop.store(true);
    if (m_thread.joinable()) {
        m_thread.join();
        std::fputs("\r\033[K", stderr);
    }
    std::signal(SIGINT, SIG_DFL);
    g_interruptTarget.store(nullptr);
}

void ProgressPrinter::loop()
{
    using namespace std::chrono_literals;
    while (!m_stop.load()) {
        const int64_t total = m_progress.total();
        if (total > 0) {
            std::fprintf(stderr, "\r%s: %3.0f %% (%lld/%lld)", qPrintable(m_label),
                         100.0 * m_progress.fraction(), (long long)m_progress.done(),
                         (long long)total);
            std::fflush(stderr);
        }
        for (int i = 0; i < 20 && !m_stop.load(); ++i)
            std::this_thread::sleep_for(10ms);
    }
}

TextTable::TextTable(QStringList header)
    : m_header(std::move(header))
{}

void TextTable::addRow(QStringList cells)
{
    m_rows.push_back(std::move(cells));
}

QString TextTable::toString() const
{
    std::vector<int> width(size_t(m_header.size()), 0);
    std::vector<bool> numeric(size_t(m_header.size()), true);
    for (int c = 0; c < m_header.size(); ++c)
        width[size_t(c)] = int(m_header.at(c).size());
    for (const QStringList &row : m_rows) {
        for (int c = 0; c < row.size() && c < m_header.size(); ++c) {
            width[size_t(c)] = std::max(width[size_t(c)], int(row.at(c).size()));
            bool ok = false;
            QString cell = row.at(c);
            cell.remove(QLatin1Char(',')).remove(QLatin1Char('%')).remove(QLatin1Char(' '));
            cell.toDouble(&ok);
            if (!ok && !row.at(c).isEmpty() && row.at(c) != QLatin1String("-"))
                numeric[size_t(c)] = false;
        }
    }
    auto line = [&](const QStringList &cells) -> QString {
        QStringList padded;
        for (int c = 0; c < m_header.size(); ++c) {
            const QString cell = c < cells.size() ? cells.at(c) : QString();
            padded << (numeric[size_t(c)] ? cell.rightJustified(width[size_t(c)])
                                          : cell.leftJustified(width[size_t(c)]));
        }
        const QString joined = padded.join(QStringLiteral("  "));
        qsizetype end = joined.size();
        while (end > 0 && joined.at(end - 1) == QLatin1Char(' '))
            --end;
        return joined.left(end) + QLatin1Char('\n');
    };
    QString out = line(m_header);
    QStringList rule;
    for (int w : width)
        rule << QString(w, QLatin1Char('-'));
    out += line(rule);
    for (const QStringList &row : m_rows)
        out += line(row);
    return out;
}

void TextTable::print() const
{
    std::fputs(qPrintable(toString()), stdout);
}

QString fmt(double value, int decimals)
{
    return QString::number(value, 'f', decimals);
}

QString percent(double fraction, int decimals)
{
    return QString::number(100.0 * fraction, 'f', decimals) + QStringLiteral(" %");
}

QString savingText(double saving)
{
    if (std::isnan(saving))
        return QString();
    if (saving >= 0)
        return percent(saving);
    // saving = 1 - cost / baseline: the cost is (1 - saving) times the baseline's.
    return QString::number(1.0 - saving, 'g', 3) + QStringLiteral("× more");
}

QString thresholdText(double tau)
{
    if (std::isnan(tau))
        return QString();
    if (tau > 0 && tau < 1e-300)
        return QStringLiteral("0⁺");
    return QString::number(tau, 'g', 6);
}

QString withThousands(long long value)
{
    QString digits = QString::number(value < 0 ? -value : value);
    for (int i = int(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(i, QLatin1Char(','));
    return value < 0 ? QStringLiteral("-") + digits : digits;
}

} // namespace frontier::cli
