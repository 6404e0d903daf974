#include "specjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

#include <algorithm>

namespace frontier::ui {

namespace {

constexpr int kIndent = 4;
constexpr int kColumns = 100;

// Keys of `o` in the order `preferred`, then the others alphabetically (QJsonObject's
// own order).
QStringList orderedKeys(const QJsonObject &o, const QStringList &preferred)
{
    QStringList keys;
    for (const QString &k : preferred) {
        if (o.contains(k))
            keys << k;
    }
    for (const QString &k : o.keys()) {
        if (!keys.contains(k))
            keys << k;
    }
    return keys;
}

const QStringList &topLevelOrder()
{
    static const QStringList order = {
        QStringLiteral("schema"),     QStringLiteral("name"),        QStringLiteral("description"),
        QStringLiteral("dataset"),    QStringLiteral("models"),      QStringLiteral("policies"),
        QStringLiteral("devices"),    QStringLiteral("links"),       QStringLiteral("servers"),
        QStringLiteral("objectives"), QStringLiteral("constraints"), QStringLiteral("search")};
    return order;
}

const QStringList &nestedOrder()
{
    static const QStringList order
        = {QStringLiteral("kind"), QStringLiteral("name"), QStringLiteral("models")};
    return order;
}

QByteArray scalar(const QJsonValue &v)
{
    // QJsonDocument writes strings and numbers exactly; strip the array around it.
    const QByteArray text = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
    return text.mid(1, text.size() - 2);
}

QByteArray key(const QString &k)
{
    return scalar(QJsonValue(k));
}

QByteArray oneLine(const QJsonValue &v)
{
    if (v.isArray()) {
        QByteArrayList parts;
        for (const QJsonValue &e : v.toArray())
            parts << oneLine(e);
        return '[' + parts.join(", ") + ']';
    }
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        QByteArrayList parts;
        for (const QString &k : orderedKeys(o, nestedOrder()))
            parts << key(k) + ": " + oneLine(o.value(k));
        return '{' + parts.join(", ") + '}';
    }
    return scalar(v);
}

// `v` at nesting `depth`, its first line starting after `used` columns.
QByteArray written(const QJsonValue &v, int depth, int used, bool topLevel = false)
{
    if (!v.isArray() && !v.isObject())
        return scalar(v);
    const QByteArray flat = oneLine(v);
    if (!topLevel && used + flat.size() + 1 <= kColumns)
        return flat;
    const QByteArray inner(qsizetype((depth + 1) * kIndent), ' ');
    const QByteArray outer(qsizetype(depth * kIndent), ' ');
    QByteArrayList lines;
    if (v.isArray()) {
        const QJsonArray a = v.toArray();
        if (a.isEmpty())
            return "[]";
        for (const QJsonValue &e : a)
            lines << inner + written(e, depth + 1, int(inner.size()));
        return "[\n" + lines.join(",\n") + '\n' + outer + ']';
    }
    const QJsonObject o = v.toObject();
    if (o.isEmpty())
        return "{}";
    for (const QString &k : orderedKeys(o, topLevel ? topLevelOrder() : nestedOrder())) {
        const QByteArray head = inner + key(k) + ": ";
        lines << head + written(o.value(k), depth + 1, int(head.size()));
    }
    return "{\n" + lines.join(",\n") + '\n' + outer + '}';
}

} // namespace

QByteArray SpecJson::write(const QJsonObject &spec)
{
    return written(spec, 0, 0, true) + '\n';
}

bool SpecJson::isOneLine(const QByteArray &json)
{
    const QByteArray text = json.trimmed();
    return text.startsWith('{') && !text.contains('\n') && text.size() > 2;
}

} // namespace frontier::ui
