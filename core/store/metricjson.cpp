#include "metricjson.h"

#include "common/error.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace frontier::store {

namespace {

bool plainName(std::string_view name)
{
    if (name.empty())
        return false;
    for (char c : name) {
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
            return false;
    }
    return true;
}

void skipSpace(std::string_view s, size_t &at)
{
    while (at < s.size() && (s[at] == ' ' || s[at] == '\t' || s[at] == '\n' || s[at] == '\r'))
        ++at;
}

} // namespace

std::string metricsToJson(const MetricValues &metrics)
{
    std::string out = "{";
    char buf[32];
    for (const auto &[name, value] : metrics) {
        if (!plainName(name))
            throw Error("metrics", "'" + name + "' is not a valid metric name");
        if (out.size() > 1)
            out += ',';
        out += '"';
        out += name;
        out += "\":";
        if (std::isnan(value)) {
            out += "null";
        } else if (std::isinf(value)) {
            out += value > 0 ? "9e999" : "-9e999";
        } else {
            const auto r = std::to_chars(buf, buf + sizeof buf, value);
            out.append(buf, r.ptr);
        }
    }
    out += '}';
    return out;
}

MetricValues metricsFromJson(std::string_view s, const std::string &where)
{
    const auto bad = [&](const char *what) {
        return Error(where, std::string("damaged metrics (") + what + ")");
    };
    MetricValues out;
    size_t at = 0;
    skipSpace(s, at);
    if (at >= s.size() || s[at] != '{')
        throw bad("not a JSON object");
    ++at;
    skipSpace(s, at);
    if (at < s.size() && s[at] == '}')
        return out;
    for (;;) {
        skipSpace(s, at);
        if (at >= s.size() || s[at] != '"')
            throw bad("expected a name");
        const size_t start = ++at;
        while (at < s.size() && s[at] != '"' && s[at] != '\\')
            ++at;
        if (at >= s.size() || s[at] != '"')
            throw bad("unterminated or escaped name");
        std::string name(s.substr(start, at - start));
        ++at;
        skipSpace(s, at);
        if (at >= s.size() || s[at] != ':')
            throw bad("expected ':'");
        ++at;
        skipSpace(s, at);
        double value = 0;
        if (s.substr(at, 4) == "null") {
            value = std::numeric_limits<double>::quiet_NaN();
            at += 4;
        } else {
            const char *first = s.data() + at;
            const auto r = std::from_chars(first, s.data() + s.size(), value);
            if (r.ec == std::errc::result_out_of_range) {
                // ±9e999 is infinity; a tiny exponent underflows: strtod says which.
                value = std::strtod(std::string(first, r.ptr).c_str(), nullptr);
            } else if (r.ec != std::errc()) {
                throw bad("expected a number or null");
            }
            at += size_t(r.ptr - first);
        }
        out.emplace_back(std::move(name), value);
        skipSpace(s, at);
        if (at < s.size() && s[at] == ',') {
            ++at;
            continue;
        }
        if (at < s.size() && s[at] == '}')
            break;
        throw bad("expected ',' or '}'");
    }
    ++at;
    skipSpace(s, at);
    if (at != s.size())
        throw bad("text after the object");
    return out;
}

} // namespace frontier::store
