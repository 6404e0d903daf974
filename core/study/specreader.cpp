#include "specreader.h"

#include "common/error.h"

#include <QStringList>

#include <charconv>
#include <cmath>

namespace frontier::study {

std::string numberText(double value)
{
    if (value == 0)
        return "0";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, r.ptr);
}

std::string elementPath(const std::string &path, int index)
{
    std::string s = path;
    s += '[';
    s += std::to_string(index);
    s += ']';
    return s;
}

SpecReader::SpecReader(QJsonObject object, std::string path, std::string where)
    : m_object(std::move(object))
    , m_path(std::move(path))
    , m_where(std::move(where))
{}

std::string SpecReader::keyPath(const std::string &key) const
{
    return m_path.empty() ? key : m_path + "." + key;
}

bool SpecReader::has(const std::string &key) const
{
    return m_object.contains(QString::fromStdString(key));
}

void SpecReader::fail(const std::string &key, const std::string &problem) const
{
    failAt(keyPath(key), problem);
}

void SpecReader::failAt(const std::string &keyPath, const std::string &problem) const
{
    throw Error(m_where, "key '" + keyPath + "': " + problem);
}

QJsonValue SpecReader::take(const std::string &key, bool required)
{
    m_seen.insert(key);
    const QString k = QString::fromStdString(key);
    if (!m_object.contains(k)) {
        if (required)
            fail(key, "missing");
        return QJsonValue(QJsonValue::Undefined);
    }
    return m_object.value(k);
}

std::string SpecReader::string(const std::string &key, const std::string &fallback, bool required)
{
    const QJsonValue v = take(key, required);
    if (v.isUndefined())
        return fallback;
    if (!v.isString())
        fail(key, std::string("expected a string, found ") + jsonTypeName(v));
    return v.toString().toStdString();
}

double SpecReader::number(const std::string &key, double fallback, double min, double max,
                          bool required)
{
    const QJsonValue v = take(key, required);
    if (v.isUndefined())
        return fallback;
    if (!v.isDouble())
        fail(key, std::string("expected a number, found ") + jsonTypeName(v));
    const double d = v.toDouble();
    if (!(d >= min && d <= max))
        fail(key,
             numberText(d) + " is out of range [" + numberText(min) + ", " + numberText(max) + "]");
    return d;
}

int SpecReader::integer(const std::string &key, int fallback, int min, int max, bool required)
{
    const QJsonValue v = take(key, required);
    if (v.isUndefined())
        return fallback;
    if (!v.isDouble() || v.toDouble() != std::floor(v.toDouble()))
        fail(key, std::string("expected an integer, found ") + jsonTypeName(v));
    const double d = v.toDouble();
    if (d < min || d > max)
        fail(key, numberText(d) + " is out of range [" + std::to_string(min) + ", "
                      + std::to_string(max) + "]");
    return int(d);
}

uint64_t SpecReader::seed(const std::string &key, uint64_t fallback)
{
    const QJsonValue v = take(key);
    if (v.isUndefined())
        return fallback;
    if (!v.isDouble() || v.toDouble() != std::floor(v.toDouble()) || v.toDouble() < 0
        || v.toDouble() > 9007199254740992.0)
        fail(key, "expected an integer seed in [0, 2^53]");
    return uint64_t(v.toDouble());
}

bool SpecReader::boolean(const std::string &key, bool fallback)
{
    const QJsonValue v = take(key);
    if (v.isUndefined())
        return fallback;
    if (!v.isBool())
        fail(key, std::string("expected true or false, found ") + jsonTypeName(v));
    return v.toBool();
}

std::vector<std::string> SpecReader::strings(const std::string &key, bool required)
{
    const QJsonValue v = take(key, required);
    std::vector<std::string> out;
    if (v.isUndefined())
        return out;
    if (v.isString()) {
        out.push_back(v.toString().toStdString());
        return out;
    }
    if (!v.isArray())
        fail(key,
             std::string("expected a string or an array of strings, found ") + jsonTypeName(v));
    const QJsonArray a = v.toArray();
    for (int i = 0; i < a.size(); ++i) {
        if (!a[i].isString())
            failAt(elementPath(keyPath(key), i),
                   std::string("expected a string, found ") + jsonTypeName(a[i]));
        out.push_back(a[i].toString().toStdString());
    }
    if (required && out.empty())
        fail(key, "must not be empty");
    return out;
}

SpecReader SpecReader::object(const std::string &key)
{
    const QJsonValue v = take(key, true);
    if (!v.isObject())
        fail(key, std::string("expected an object, found ") + jsonTypeName(v));
    return SpecReader(v.toObject(), keyPath(key), m_where);
}

QJsonArray SpecReader::array(const std::string &key, bool required)
{
    const QJsonValue v = take(key, required);
    if (v.isUndefined())
        return {};
    if (!v.isArray())
        fail(key, std::string("expected an array, found ") + jsonTypeName(v));
    if (required && v.toArray().isEmpty())
        fail(key, "must not be empty");
    return v.toArray();
}

void SpecReader::finish() const
{
    QStringList keys = m_object.keys();
    keys.sort();
    for (const QString &k : keys) {
        if (!m_seen.count(k.toStdString()))
            fail(k.toStdString(), "unknown key");
    }
}

} // namespace frontier::study
