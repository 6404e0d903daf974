#include "mutators.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <functional>
#include <vector>

namespace frontier::fuzz {

uint64_t Rng::next()
{
    uint64_t z = (m_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

namespace {

using Mutator = std::function<QString(QByteArray &, Rng &)>;

QString flipBits(QByteArray &b, Rng &rng)
{
    if (b.isEmpty())
        return {};
    QStringList done;
    const int count = 1 + int(rng.below(8));
    for (int i = 0; i < count; ++i) {
        const qsizetype at = qsizetype(rng.below(uint64_t(b.size())));
        const int bit = int(rng.below(8));
        b[at] = char(uchar(b[at]) ^ (1u << bit));
        done << QStringLiteral("%1.%2").arg(at).arg(bit);
    }
    return QStringLiteral("flip bits ") + done.join(QLatin1Char(','));
}

QString insertBytes(QByteArray &b, Rng &rng)
{
    static const char interesting[] = {'\0', '\xff', '\x7f', '\x80', '\n', ',', '"', '{'};
    const qsizetype at = qsizetype(rng.below(uint64_t(b.size()) + 1));
    const int count = 1 + int(rng.below(rng.chance(10) ? 4096 : 16));
    QByteArray ins;
    for (int i = 0; i < count; ++i)
        ins.append(rng.chance(50) ? interesting[rng.below(sizeof interesting)]
                                  : char(rng.below(256)));
    b.insert(at, ins);
    return QStringLiteral("insert %1 bytes at %2").arg(count).arg(at);
}

QString deleteBytes(QByteArray &b, Rng &rng)
{
    if (b.isEmpty())
        return {};
    const qsizetype at = qsizetype(rng.below(uint64_t(b.size())));
    const qsizetype count
        = std::min<qsizetype>(b.size() - at, 1 + qsizetype(rng.below(rng.chance(20) ? 1024 : 16)));
    b.remove(at, count);
    return QStringLiteral("delete %1 bytes at %2").arg(count).arg(at);
}

QString truncateBytes(QByteArray &b, Rng &rng)
{
    if (b.isEmpty())
        return {};
    // Half the cuts land in the first 64 bytes, where the headers are.
    const uint64_t limit = rng.chance(50) ? std::min<uint64_t>(64, uint64_t(b.size())) : b.size();
    const qsizetype size = qsizetype(rng.below(limit));
    b.truncate(size);
    return QStringLiteral("truncate to %1 bytes").arg(size);
}

QString overwriteField(QByteArray &b, Rng &rng)
{
    static const uint64_t values[] = {0,
                                      1,
                                      0x7f,
                                      0x80,
                                      0xff,
                                      0x7fff,
                                      0x8000,
                                      0xffff,
                                      0x10000,
                                      0x7fffffff,
                                      0x80000000,
                                      0xffffffff,
                                      0x100000000ull,
                                      0x7fffffffffffffffull,
                                      0x8000000000000000ull,
                                      0xffffffffffffffffull};
    static const int widths[] = {1, 2, 4, 8};
    const int width = widths[rng.below(4)];
    if (b.size() < width)
        return {};
    // Headers sit at the start: aim there more often than elsewhere.
    const uint64_t span = uint64_t(b.size() - width + 1);
    const qsizetype at = qsizetype(rng.below(rng.chance(60) ? std::min<uint64_t>(span, 32) : span));
    const uint64_t v = values[rng.below(std::size(values))];
    const bool bigEndian = rng.chance(50);
    for (int i = 0; i < width; ++i) {
        const int shift = 8 * (bigEndian ? width - 1 - i : i);
        b[at + i] = char((v >> shift) & 0xff);
    }
    return QStringLiteral("write %1-byte %2 0x%3 at %4")
        .arg(width)
        .arg(bigEndian ? QStringLiteral("BE") : QStringLiteral("LE"))
        .arg(v, 0, 16)
        .arg(at);
}

QString replaceNumber(QByteArray &b, Rng &rng)
{
    static const char *const values[] = {"1e308",
                                         "-1e308",
                                         "1e999",
                                         "nan",
                                         "NaN",
                                         "-nan",
                                         "inf",
                                         "-inf",
                                         "-1",
                                         "0",
                                         "-0",
                                         "1e-320",
                                         "99999999999999999999",
                                         "-2147483649",
                                         "4294967296",
                                         "2147483647",
                                         "9223372036854775808",
                                         "0x10",
                                         "1,5",
                                         "1..2",
                                         "",
                                         "+",
                                         "e",
                                         "1e",
                                         "3.5"};
    static const QRegularExpression number(
        QStringLiteral("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?"));
    const QString text = QString::fromLatin1(b);
    std::vector<QRegularExpressionMatch> matches;
    for (auto it = number.globalMatch(text); it.hasNext();)
        matches.push_back(it.next());
    if (matches.empty())
        return {};
    const QRegularExpressionMatch &m = matches[rng.below(matches.size())];
    const char *value = values[rng.below(std::size(values))];
    b.replace(m.capturedStart(), m.capturedLength(), value);
    return QStringLiteral("number '%1' at %2 -> '%3'")
        .arg(m.captured())
        .arg(m.capturedStart())
        .arg(QLatin1String(value));
}

QString editLines(QByteArray &b, Rng &rng)
{
    QList<QByteArray> lines = b.split('\n');
    const qsizetype i = qsizetype(rng.below(uint64_t(lines.size())));
    QString what;
    switch (rng.below(7)) {
    case 0:
        lines.insert(i, lines.at(i));
        what = QStringLiteral("duplicate line %1").arg(i + 1);
        break;
    case 1:
        lines.removeAt(i);
        what = QStringLiteral("delete line %1").arg(i + 1);
        break;
    case 2: {
        const qsizetype j = qsizetype(rng.below(uint64_t(lines.size())));
        lines.swapItemsAt(i, j);
        what = QStringLiteral("swap lines %1 and %2").arg(i + 1).arg(j + 1);
        break;
    }
    case 3:
        lines[i].append(",1");
        what = QStringLiteral("append a field to line %1").arg(i + 1);
        break;
    case 4: {
        const qsizetype comma = lines[i].indexOf(',');
        if (comma < 0)
            return {};
        lines[i].remove(comma, 1);
        what = QStringLiteral("join two fields of line %1").arg(i + 1);
        break;
    }
    case 5:
        lines.insert(i, QByteArray(10000, '9'));
        what = QStringLiteral("insert a 10000-digit line at %1").arg(i + 1);
        break;
    default:
        lines[i].replace(',', ';');
        what = QStringLiteral("';' for ',' in line %1").arg(i + 1);
        break;
    }
    b = lines.join('\n');
    return what;
}

// Depth-first index of every value in a JSON tree; the root is 0.
QJsonValue replaceNode(const QJsonValue &v, int &index, int target,
                       const std::function<QJsonValue(const QJsonValue &)> &with)
{
    if (index++ == target)
        return with(v);
    if (v.isArray()) {
        QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            a[i] = replaceNode(a.at(i), index, target, with);
        return a;
    }
    if (v.isObject()) {
        QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            it.value() = replaceNode(it.value(), index, target, with);
        return o;
    }
    return v;
}

int countNodes(const QJsonValue &v)
{
    int n = 1;
    if (v.isArray())
        for (const QJsonValue &e : v.toArray())
            n += countNodes(e);
    if (v.isObject())
        for (const QJsonValue &e : v.toObject())
            n += countNodes(e);
    return n;
}

QJsonValue otherValue(QJsonValue::Type avoid, Rng &rng)
{
    const QJsonValue pool[] = {QJsonValue(QJsonValue::Null),
                               QJsonValue(true),
                               QJsonValue(false),
                               QJsonValue(QStringLiteral("x")),
                               QJsonValue(QString()),
                               QJsonValue(0),
                               QJsonValue(-1),
                               QJsonValue(1e308),
                               QJsonValue(-1e308),
                               QJsonValue(4294967297.0),
                               QJsonValue(0.5),
                               QJsonValue(QJsonArray()),
                               QJsonValue(QJsonArray{1, QStringLiteral("x")}),
                               QJsonValue(QJsonObject()),
                               QJsonValue(QJsonObject{{QStringLiteral("x"), 1}})};
    for (int tries = 0; tries < 8; ++tries) {
        const QJsonValue &v = pool[rng.below(std::size(pool))];
        if (v.type() != avoid)
            return v;
    }
    return QJsonValue(QJsonValue::Null);
}

QString jsonTypeSwap(QByteArray &b, Rng &rng)
{
    const QJsonDocument doc = QJsonDocument::fromJson(b);
    if (doc.isNull())
        return {};
    const QJsonValue root = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
    const int target = 1 + int(rng.below(uint64_t(countNodes(root) - 1)));
    const bool sameKindNumber = rng.chance(30);
    QString what;
    int index = 0;
    const QJsonValue out = replaceNode(root, index, target, [&](const QJsonValue &v) {
        QJsonValue w;
        if (sameKindNumber && v.isDouble()) {
            static const double numbers[] = {0, -1, -1e9, 1e9, 1e308, -1e308, 0.5, 2147483648.0};
            w = numbers[rng.below(std::size(numbers))];
        } else {
            w = otherValue(v.type(), rng);
        }
        what = QStringLiteral("JSON node %1: %2 -> %3")
                   .arg(target)
                   .arg(QString::fromUtf8(
                            QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
                            .left(40))
                   .arg(QString::fromUtf8(
                       QJsonDocument(QJsonArray{w}).toJson(QJsonDocument::Compact)));
        return w;
    });
    b = out.isObject() ? QJsonDocument(out.toObject()).toJson()
                       : QJsonDocument(out.toArray()).toJson();
    return what;
}

QByteArray compact(const QJsonValue &v)
{
    QByteArray s = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
    return s.mid(1, s.size() - 2);
}

// Writes v as JSON; in the object numbered `target` (depth-first), one key appears twice.
void writeWithDuplicate(const QJsonValue &v, QByteArray &out, int &objects, int target, Rng &rng,
                        QString &what)
{
    if (v.isArray()) {
        out.append('[');
        bool first = true;
        for (const QJsonValue &e : v.toArray()) {
            if (!first)
                out.append(',');
            first = false;
            writeWithDuplicate(e, out, objects, target, rng, what);
        }
        out.append(']');
        return;
    }
    if (!v.isObject()) {
        out.append(compact(v));
        return;
    }
    const QJsonObject o = v.toObject();
    const bool here = objects++ == target && !o.isEmpty();
    const qsizetype dup = here ? qsizetype(rng.below(uint64_t(o.size()))) : -1;
    const bool before = rng.chance(50);
    out.append('{');
    qsizetype i = 0;
    bool first = true;
    for (auto it = o.begin(); it != o.end(); ++it, ++i) {
        const QByteArray key = compact(QJsonValue(it.key()));
        auto put = [&](const QJsonValue &value, bool recurse) {
            if (!first)
                out.append(',');
            first = false;
            out.append(key).append(':');
            if (recurse)
                writeWithDuplicate(value, out, objects, target, rng, what);
            else
                out.append(compact(value));
        };
        if (i == dup) {
            const QJsonValue other
                = rng.chance(50) ? otherValue(it.value().type(), rng) : QJsonValue(it.value());
            what = QStringLiteral("duplicate key %1 (%2 the original) = %3")
                       .arg(QString::fromUtf8(key),
                            before ? QStringLiteral("before") : QStringLiteral("after"),
                            QString::fromUtf8(compact(other)).left(40));
            if (before)
                put(other, false);
            put(it.value(), true);
            if (!before)
                put(other, false);
        } else {
            put(it.value(), true);
        }
    }
    out.append('}');
}

QString jsonDuplicateKey(QByteArray &b, Rng &rng)
{
    const QJsonDocument doc = QJsonDocument::fromJson(b);
    if (doc.isNull())
        return {};
    const QJsonValue root = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
    int objects = 0;
    QByteArray probe;
    QString ignored;
    Rng dry(0);
    writeWithDuplicate(root, probe, objects, -1, dry, ignored);
    const int target = int(rng.below(uint64_t(objects)));
    QByteArray out;
    QString what;
    objects = 0;
    writeWithDuplicate(root, out, objects, target, rng, what);
    if (what.isEmpty())
        return {};
    b = out;
    return what;
}

} // namespace

Mutation mutate(const QByteArray &input, Shape shape, Rng &rng)
{
    std::vector<Mutator> pool = {flipBits, insertBytes, deleteBytes, truncateBytes};
    if (shape == Shape::Binary) {
        pool.push_back(overwriteField);
        pool.push_back(overwriteField);
    } else {
        pool.push_back(replaceNumber);
        pool.push_back(replaceNumber);
        pool.push_back(editLines);
    }
    if (shape == Shape::Json) {
        for (int i = 0; i < 3; ++i) {
            pool.push_back(jsonTypeSwap);
            pool.push_back(jsonDuplicateKey);
        }
    }
    Mutation m{input, {}};
    const int stack = rng.chance(70) ? 1 : 2 + int(rng.below(2));
    QStringList steps;
    for (int attempts = 0; steps.size() < stack && attempts < 32; ++attempts) {
        // JSON mutators decline (empty description) once the text no longer parses.
        const Mutator &f = pool[rng.below(pool.size())];
        QByteArray next = m.bytes;
        const QString what = f(next, rng);
        if (what.isEmpty() || next == m.bytes)
            continue;
        m.bytes = next;
        steps << what;
    }
    if (m.bytes == input) { // every attempt was a no-op: make sure something changed
        m.bytes.append('\0');
        steps << QStringLiteral("append a NUL byte");
    }
    m.what = steps.join(QStringLiteral("; "));
    return m;
}

} // namespace frontier::fuzz
