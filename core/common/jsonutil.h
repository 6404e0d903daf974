#pragma once

class QJsonValue;

namespace frontier {

// "a number", "a string", "an array", ... for error messages about JSON files
// ("expected a number, found a string").
const char *jsonTypeName(const QJsonValue &value);

} // namespace frontier
