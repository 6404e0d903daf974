#pragma once

#include <string>

class QByteArray;
class QJsonValue;

namespace frontier {

// "a number", "a string", "an array", ... for error messages about JSON files
// ("expected a number, found a string").
const char *jsonTypeName(const QJsonValue &value);

// Throws Error(where, "line L: duplicate key 'k' in the object opened at line M") for the
// first object of `json` (valid JSON, already parsed) that holds a key twice: Qt's parser
// keeps the last one silently, so a spec or preset would not say what its author meant.
void checkUniqueKeys(const QByteArray &json, const std::string &where);

} // namespace frontier
