#include "spectext.h"

#include <QJsonObject>
#include <QStringList>

namespace frontier::ui {

namespace {

QJsonArray asArray(const QJsonValue &value)
{
    if (value.isArray())
        return value.toArray();
    if (value.isUndefined() || value.isNull())
        return {};
    return QJsonArray{value};
}

QString number(double v)
{
    return QString::number(v, 'g', 12);
}

// A number when the text is one, else the text.
QJsonValue numberOrText(const QString &text)
{
    bool ok = false;
    const double v = text.toDouble(&ok);
    return ok ? QJsonValue(v) : QJsonValue(text);
}

} // namespace

QStringList SpecText::split(const QString &text)
{
    QStringList out;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString t = part.trimmed();
        if (!t.isEmpty())
            out << t;
    }
    return out;
}

QString SpecText::strings(const QJsonValue &value)
{
    QStringList out;
    for (const QJsonValue &v : asArray(value))
        out << (v.isDouble() ? number(v.toDouble()) : v.toString());
    return out.join(QStringLiteral(", "));
}

QJsonArray SpecText::fromStrings(const QString &text)
{
    QJsonArray out;
    for (const QString &s : split(text))
        out << s;
    return out;
}

QString SpecText::reduced(const QJsonValue &value)
{
    QStringList out;
    for (const QJsonValue &v : asArray(value)) {
        if (v.isArray()) {
            QStringList chain;
            for (const QJsonValue &f : v.toArray())
                chain << f.toString();
            out << chain.join(QLatin1Char('>'));
        } else {
            out << v.toString();
        }
    }
    return out.join(QStringLiteral(", "));
}

QJsonArray SpecText::fromReduced(const QString &text)
{
    QJsonArray out;
    for (const QString &s : split(text)) {
        if (s.contains(QLatin1Char('>')) && !s.contains(QLatin1String(">="))) {
            QJsonArray chain;
            for (const QString &f : s.split(QLatin1Char('>'), Qt::SkipEmptyParts))
                chain << f.trimmed();
            out << chain;
        } else {
            out << s;
        }
    }
    return out;
}

QString SpecText::taus(const QJsonValue &value)
{
    QStringList out;
    for (const QJsonValue &v : asArray(value)) {
        if (v.isObject()) {
            const QJsonObject o = v.toObject();
            out << QStringLiteral("%1:%2:%3")
                       .arg(number(o.value(QStringLiteral("from")).toDouble()),
                            number(o.value(QStringLiteral("to")).toDouble()),
                            number(o.value(QStringLiteral("count")).toDouble()));
        } else if (v.isDouble()) {
            out << number(v.toDouble());
        } else {
            out << v.toString();
        }
    }
    return out.join(QStringLiteral(", "));
}

QJsonArray SpecText::fromTaus(const QString &text)
{
    QJsonArray out;
    for (const QString &s : split(text))
        out << numberOrText(s);
    return out;
}

QString SpecText::decisions(const QJsonValue &value)
{
    QStringList out;
    for (const QJsonValue &v : asArray(value)) {
        if (v.isObject()) {
            const QJsonObject o = v.toObject();
            out << QStringLiteral("fixed:%1:%2:%3")
                       .arg(number(o.value(QStringLiteral("beta")).toDouble()),
                            number(o.value(QStringLiteral("w1")).toDouble()),
                            number(o.value(QStringLiteral("w2")).toDouble()));
        } else {
            out << v.toString();
        }
    }
    return out.join(QStringLiteral(", "));
}

QJsonArray SpecText::fromDecisions(const QString &text)
{
    QJsonArray out;
    for (const QString &s : split(text)) {
        const QStringList parts = s.split(QLatin1Char(':'));
        if (parts.size() == 4 && parts[0] == QLatin1String("fixed")) {
            out << QJsonObject{{QStringLiteral("kind"), QStringLiteral("fixed")},
                               {QStringLiteral("beta"), numberOrText(parts[1])},
                               {QStringLiteral("w1"), numberOrText(parts[2])},
                               {QStringLiteral("w2"), numberOrText(parts[3])}};
        } else {
            out << s;
        }
    }
    return out;
}

QString SpecText::remotes(const QJsonValue &value)
{
    QStringList out;
    for (const QJsonValue &v : asArray(value)) {
        if (!v.isObject()) {
            out << v.toString();
            continue;
        }
        const QJsonObject o = v.toObject();
        if (o.contains(QStringLiteral("model"))) {
            const QString format = o.value(QStringLiteral("format")).toString();
            out << o.value(QStringLiteral("model")).toString()
                       + (format.isEmpty() ? QString() : QLatin1Char('/') + format);
        } else {
            QString ideal
                = QStringLiteral("ideal:") + number(o.value(QStringLiteral("accuracy")).toDouble());
            if (o.contains(QStringLiteral("seed")))
                ideal += QLatin1Char(':') + number(o.value(QStringLiteral("seed")).toDouble());
            out << ideal;
        }
    }
    return out.join(QStringLiteral(", "));
}

QJsonArray SpecText::fromRemotes(const QString &text)
{
    QJsonArray out;
    for (const QString &s : split(text)) {
        const QStringList parts = s.split(QLatin1Char(':'));
        if (parts[0] == QLatin1String("ideal") && parts.size() >= 2) {
            QJsonObject o{{QStringLiteral("accuracy"), numberOrText(parts[1])}};
            if (parts.size() >= 3)
                o[QStringLiteral("seed")] = numberOrText(parts[2]);
            out << o;
        } else if (s.contains(QLatin1Char('/'))) {
            const int slash = int(s.lastIndexOf(QLatin1Char('/')));
            out << QJsonObject{{QStringLiteral("model"), s.left(slash)},
                               {QStringLiteral("format"), s.mid(slash + 1)}};
        } else {
            out << s;
        }
    }
    return out;
}

QString SpecText::widths(const QJsonValue &value)
{
    return strings(value);
}

QJsonArray SpecText::fromWidths(const QString &text)
{
    QJsonArray out;
    for (const QString &s : split(text))
        out << numberOrText(s);
    return out;
}

} // namespace frontier::ui
