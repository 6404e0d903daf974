#include "jsonutil.h"

#include "error.h"

#include <QByteArray>
#include <QJsonValue>

#include <set>
#include <vector>

namespace frontier {

const char *jsonTypeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return "null";
    case QJsonValue::Bool:
        return "a boolean";
    case QJsonValue::Double:
        return "a number";
    case QJsonValue::String:
        return "a string";
    case QJsonValue::Array:
        return "an array";
    case QJsonValue::Object:
        return "an object";
    case QJsonValue::Undefined:
        break;
    }
    return "nothing";
}

void checkUniqueKeys(const QByteArray &json, const std::string &where)
{
    struct Frame
    {
        bool object = false;
        bool expectKey = false;
        int line = 1;
        std::set<std::string> keys;
    };
    std::vector<Frame> stack;
    int line = 1;
    const qsizetype n = json.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char c = json[i];
        if (c == '\n') {
            ++line;
        } else if (c == '{' || c == '[') {
            Frame f;
            f.object = c == '{';
            f.expectKey = f.object;
            f.line = line;
            stack.push_back(std::move(f));
        } else if (c == '}' || c == ']') {
            if (!stack.empty())
                stack.pop_back();
        } else if (c == ',') {
            if (!stack.empty() && stack.back().object)
                stack.back().expectKey = true;
        } else if (c == '"') {
            // A string, compared as written (escapes kept: two spellings of one key are not
            // told apart; no spec or preset needs them).
            std::string text;
            for (++i; i < n && json[i] != '"'; ++i) {
                if (json[i] == '\\' && i + 1 < n)
                    text.push_back(json[i++]);
                text.push_back(json[i]);
            }
            if (!stack.empty() && stack.back().object && stack.back().expectKey) {
                Frame &f = stack.back();
                f.expectKey = false;
                if (!f.keys.insert(text).second)
                    throw Error(where, "line " + std::to_string(line) + ": duplicate key '" + text
                                           + "' in the object opened at line "
                                           + std::to_string(f.line));
            }
        }
    }
}

} // namespace frontier
