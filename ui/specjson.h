#pragma once

#include <QByteArray>
#include <QJsonObject>

namespace frontier::ui {

// The text of a study spec as the study editor writes it: 4-space indentation, the
// top-level keys in a fixed reading order (schema, name, description, dataset, models,
// policies, devices, links, servers, objectives, constraints, search, then any other key
// alphabetically), inside objects "kind", "name" and "models" first, and any object or
// array that fits in 100 columns on one line. Pure functions.
class SpecJson
{
public:
    static QByteArray write(const QJsonObject &spec);
    // True when `json` is a JSON object written without line breaks (a stored, canonical
    // spec), which is unreadable in an editor.
    static bool isOneLine(const QByteArray &json);
};

} // namespace frontier::ui
