#pragma once

#include "common/jsonutil.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace frontier::study {

// Reads one JSON object of a study spec and reports every problem as the one-line
// Error("<file>", "key '<path>': <problem>"), where <path> is the full key path
// ("policies[1].taus[0]"). Each read consumes a key; finish() rejects keys that nobody
// read (typos). Internal to core/study (studyspec.cpp); not thread-safe.
class SpecReader
{
public:
    SpecReader(QJsonObject object, std::string path, std::string where);

    const std::string &where() const { return m_where; }
    std::string keyPath(const std::string &key) const;
    bool has(const std::string &key) const;
    [[noreturn]] void fail(const std::string &key, const std::string &problem) const;
    // The same for a key path built by the caller (e.g. an array element).
    [[noreturn]] void failAt(const std::string &keyPath, const std::string &problem) const;

    // The value of `key`, undefined when absent and not required.
    QJsonValue take(const std::string &key, bool required = false);

    std::string string(const std::string &key, const std::string &fallback, bool required = false);
    double number(const std::string &key, double fallback, double min, double max,
                  bool required = false);
    int integer(const std::string &key, int fallback, int min, int max, bool required = false);
    uint64_t seed(const std::string &key, uint64_t fallback);
    bool boolean(const std::string &key, bool fallback);
    // A string, or an array of strings; absent: empty.
    std::vector<std::string> strings(const std::string &key, bool required = false);
    SpecReader object(const std::string &key); // required
    QJsonArray array(const std::string &key, bool required = false);

    // Throws for the first key that no take() consumed.
    void finish() const;

private:
    QJsonObject m_object;
    std::string m_path;
    std::string m_where;
    std::set<std::string> m_seen;
};

// "path[index]" (built by appending: GCC 12 warns wrongly on operator+ chains here).
std::string elementPath(const std::string &path, int index);
// Shortest text that reads back to the same double ("0.25", "1e-05").
std::string numberText(double value);

} // namespace frontier::study
