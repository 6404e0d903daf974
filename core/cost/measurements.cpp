#include "measurements.h"

#include "common/error.h"
#include "common/fileutil.h"

#include <QString>
#include <QStringList>

#include <cmath>
#include <map>
#include <tuple>

namespace frontier::cost {

namespace {

// Splits one CSV line; fields may be double-quoted ("" is a quote inside them).
QStringList splitCsv(const QString &line)
{
    QStringList fields;
    QString field;
    bool quoted = false;
    for (int i = 0; i < line.size(); ++i) {
        const QChar ch = line.at(i);
        if (quoted) {
            if (ch == QLatin1Char('"') && i + 1 < line.size()
                && line.at(i + 1) == QLatin1Char('"')) {
                field += ch;
                ++i;
            } else if (ch == QLatin1Char('"')) {
                quoted = false;
            } else {
                field += ch;
            }
        } else if (ch == QLatin1Char('"')) {
            quoted = true;
        } else if (ch == QLatin1Char(',')) {
            fields << field.trimmed();
            field.clear();
        } else {
            field += ch;
        }
    }
    fields << field.trimmed();
    return fields;
}

} // namespace

MeasurementTable MeasurementTable::loadCsv(const std::string &path)
{
    const std::vector<uint8_t> bytes = readFileBytes(path);
    const QStringList lines
        = QString::fromUtf8(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size()))
              .split(QLatin1Char('\n'));
    static const QStringList known = {QStringLiteral("model"),     QStringLiteral("format"),
                                      QStringLiteral("device"),    QStringLiteral("latency_us"),
                                      QStringLiteral("energy_pj"), QStringLiteral("memory_bytes"),
                                      QStringLiteral("source")};
    MeasurementTable table;
    std::map<QString, int> column;
    std::map<std::tuple<std::string, std::string, std::string>, int> seen; // -> line
    for (int lineNo = 1; lineNo <= lines.size(); ++lineNo) {
        QString line = lines.at(lineNo - 1);
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        if (line.trimmed().isEmpty() || line.trimmed().startsWith(QLatin1Char('#')))
            continue;
        const std::string where = path + ":" + std::to_string(lineNo);
        const QStringList fields = splitCsv(line);
        if (column.empty()) {
            for (int i = 0; i < fields.size(); ++i) {
                if (!known.contains(fields.at(i)))
                    throw Error(where, "unknown column '" + fields.at(i).toStdString()
                                           + "' (model, format, device, latency_us, energy_pj, "
                                             "memory_bytes, source)");
                if (!column.emplace(fields.at(i), i).second)
                    throw Error(where, "column '" + fields.at(i).toStdString() + "' twice");
            }
            for (int i = 0; i < 5; ++i) {
                if (!column.count(known.at(i)))
                    throw Error(where, "missing column '" + known.at(i).toStdString() + "'");
            }
            continue;
        }
        if (fields.size() != int(column.size()))
            throw Error(where, std::to_string(fields.size()) + " fields, expected "
                                   + std::to_string(column.size()));
        auto text = [&](const char *name) {
            const auto it = column.find(QString::fromLatin1(name));
            return it == column.end() ? QString() : fields.at(it->second);
        };
        auto number = [&](const char *name) {
            bool ok = false;
            const double v = text(name).toDouble(&ok);
            if (!ok || !std::isfinite(v) || v < 0)
                throw Error(where, std::string(name) + ": '" + text(name).toStdString()
                                       + "' is not a non-negative number");
            return v;
        };
        Measurement m;
        m.model = text("model").toStdString();
        m.format = text("format").toStdString();
        m.device = text("device").toStdString();
        for (const auto &[name, value] :
             {std::pair{"model", &m.model}, {"format", &m.format}, {"device", &m.device}}) {
            if (value->empty())
                throw Error(where, std::string(name) + ": empty");
        }
        m.latency_us = number("latency_us");
        m.energy_pj = number("energy_pj");
        if (column.count(QStringLiteral("memory_bytes")) && !text("memory_bytes").isEmpty())
            m.memory_bytes = int64_t(std::llround(number("memory_bytes")));
        m.source = text("source").toStdString();
        if (m.source.empty())
            m.source = where;
        // The same configuration twice: harmless when the figures agree, an error when they
        // do not (which one did the author mean?).
        const auto key = std::make_tuple(m.model, m.format, m.device);
        if (const auto it = seen.find(key); it != seen.end()) {
            const Measurement *before = table.find(m.model, m.format, m.device);
            if (before->latency_us != m.latency_us || before->energy_pj != m.energy_pj
                || before->memory_bytes != m.memory_bytes)
                throw Error(where, m.model + "/" + m.format + " on " + m.device
                                       + " is measured differently on line "
                                       + std::to_string(it->second));
            continue;
        }
        seen.emplace(key, lineNo);
        table.add(m);
    }
    if (column.empty())
        throw Error(path, "no header line");
    return table;
}

void MeasurementTable::add(Measurement measurement)
{
    for (Measurement &m : m_entries) {
        if (m.model == measurement.model && m.format == measurement.format
            && m.device == measurement.device) {
            m = std::move(measurement);
            return;
        }
    }
    m_entries.push_back(std::move(measurement));
}

const Measurement *MeasurementTable::find(const std::string &model, const std::string &format,
                                          const std::string &device) const
{
    for (const Measurement &m : m_entries) {
        if (m.model == model && m.format == format && m.device == device)
            return &m;
    }
    return nullptr;
}

} // namespace frontier::cost
