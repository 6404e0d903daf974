#pragma once

#include <QJsonValue>

#include <string>
#include <string_view>

namespace frontier::study {

// The canonical text of a JSON value, the input of every configuration hash: no
// whitespace, object keys sorted by their UTF-16 code units (QJsonObject's own order),
// strings with only '"', '\\' and control characters escaped (\uXXXX, lower-case hex),
// integers in [-2^53, 2^53] without a fraction ("3", not "3.0"), other numbers in the
// shortest form that reads back to the same double (std::to_chars), -0 written as 0,
// true/false/null. Non-finite numbers cannot occur in JSON (QJsonValue has none).
// Independent of the Qt version's own number formatting. Thread-safe.
std::string canonicalJson(const QJsonValue &value);

// Lower-case hex SHA-256 of canonicalJson(value).
std::string canonicalHash(const QJsonValue &value);

// The pieces, for writers that build canonical text directly (trialconfig.cpp): a string
// (UTF-8) and a number exactly as canonicalJson() writes them.
void appendCanonicalString(std::string &out, std::string_view utf8);
void appendCanonicalNumber(std::string &out, double value);

} // namespace frontier::study
