#include "canonicaljson.h"

#include "common/fileutil.h"

#include <QJsonArray>
#include <QJsonObject>

#include <QStringList>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace frontier::study {

namespace {

void appendUtf8(std::string &out, std::string_view utf8)
{
    out += '"';
    for (const char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(c));
            out += buf;
        } else {
            out += char(c);
        }
    }
    out += '"';
}

void appendString(std::string &out, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    appendUtf8(out, std::string_view(utf8.constData(), size_t(utf8.size())));
}

void appendNumber(std::string &out, double v)
{
    if (v == 0) {
        out += '0';
        return;
    }
    char buf[64];
    std::to_chars_result r;
    if (std::abs(v) <= 9007199254740992.0 && v == std::floor(v))
        r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    else
        r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void append(std::string &out, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out += "null";
        break;
    case QJsonValue::Bool:
        out += value.toBool() ? "true" : "false";
        break;
    case QJsonValue::Double:
        appendNumber(out, value.toDouble());
        break;
    case QJsonValue::String:
        appendString(out, value.toString());
        break;
    case QJsonValue::Array: {
        out += '[';
        bool first = true;
        for (const QJsonValue &v : value.toArray()) {
            if (!first)
                out += ',';
            first = false;
            append(out, v);
        }
        out += ']';
        break;
    }
    case QJsonValue::Object: {
        const QJsonObject o = value.toObject();
        QStringList keys = o.keys();
        std::sort(keys.begin(), keys.end()); // QString's operator< compares UTF-16 code units
        out += '{';
        bool first = true;
        for (const QString &key : keys) {
            if (!first)
                out += ',';
            first = false;
            appendString(out, key);
            out += ':';
            append(out, o.value(key));
        }
        out += '}';
        break;
    }
    }
}

} // namespace

void appendCanonicalString(std::string &out, std::string_view utf8)
{
    appendUtf8(out, utf8);
}

void appendCanonicalNumber(std::string &out, double value)
{
    appendNumber(out, value);
}

std::string canonicalJson(const QJsonValue &value)
{
    std::string out;
    append(out, value);
    return out;
}

std::string canonicalHash(const QJsonValue &value)
{
    const std::string text = canonicalJson(value);
    return sha256Hex(text.data(), text.size());
}

} // namespace frontier::study
