#include "formatspec.h"

#include "formatregistry.h"

#include "common/error.h"

#include <algorithm>
#include <cctype>

namespace frontier::numeric {

namespace {

std::string trimmed(const std::string &s)
{
    size_t b = 0;
    size_t e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
        ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
        --e;
    return s.substr(b, e - b);
}

std::vector<std::string> split(const std::string &s, char separator)
{
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        const size_t at = s.find(separator, start);
        parts.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos)
            break;
        start = at + 1;
    }
    return parts;
}

// A name split into literal text and the decimal numbers between it:
// "w4a8:acc16" -> text {"w", "a", ":acc", ""}, numbers {4, 8, 16}.
struct Tokens
{
    std::vector<std::string> text;
    std::vector<long long> numbers;
};

Tokens tokenize(const std::string &s)
{
    Tokens t;
    std::string current;
    size_t i = 0;
    while (i < s.size()) {
        if (std::isdigit(static_cast<unsigned char>(s[i]))) {
            size_t j = i;
            while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j])) && j - i < 12)
                ++j;
            t.text.push_back(current);
            current.clear();
            t.numbers.push_back(std::stoll(s.substr(i, j - i)));
            i = j;
        } else {
            current += s[i++];
        }
    }
    t.text.push_back(current);
    return t;
}

[[noreturn]] void badElement(const std::string &text, const std::string &why)
{
    throw Error("format '" + text + "'", why + "; " + FormatRegistry::instance().validForms());
}

} // namespace

FormatSpec parseFormat(const std::string &text)
{
    const std::string name = trimmed(text);
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    if (lower.empty())
        badElement(text, "empty format name");
    std::vector<std::string> parts = split(lower, ':');
    const std::string base = parts.front();
    parts.erase(parts.begin());
    for (const std::string &suffix : parts) {
        if (suffix.empty())
            badElement(text, "empty suffix");
    }
    FormatSpec spec;
    for (const FormatFamily &family : FormatRegistry::instance().families()) {
        try {
            if (family.parse(base, parts, spec))
                return spec;
        } catch (const Error &e) {
            badElement(text, e.what());
        }
    }
    const std::string hint = FormatRegistry::instance().unknownHint();
    badElement(text, hint.empty() ? std::string("unknown format")
                                  : std::string("unknown format (").append(hint).append(")"));
}

std::vector<std::string> expandFormatList(const std::string &list)
{
    std::vector<std::string> names;
    if (trimmed(list).empty())
        throw Error("format list", "is empty; " + FormatRegistry::instance().validForms());
    for (const std::string &raw : split(list, ',')) {
        const std::string element = trimmed(raw);
        const size_t dots = element.find("..");
        if (dots == std::string::npos) {
            names.push_back(parseFormat(element).name);
            continue;
        }
        const std::string from = trimmed(element.substr(0, dots));
        const std::string to = trimmed(element.substr(dots + 2));
        // Both ends must be names of one pattern that differ in exactly one number.
        const Tokens a = tokenize(from);
        const Tokens b = tokenize(to);
        int differing = -1;
        bool same = a.text == b.text && a.numbers.size() == b.numbers.size();
        for (size_t i = 0; same && i < a.numbers.size(); ++i) {
            if (a.numbers[i] != b.numbers[i]) {
                if (differing >= 0)
                    same = false;
                differing = int(i);
            }
        }
        if (!same || to.find("..") != std::string::npos)
            badElement(element, "a range joins two names that differ in one number, e.g. "
                                "int2..int8 or sc6..sc12");
        parseFormat(from); // reports a bad end before expanding
        parseFormat(to);
        if (differing < 0) {
            names.push_back(parseFormat(from).name);
            continue;
        }
        const long long lo = a.numbers[size_t(differing)];
        const long long hi = b.numbers[size_t(differing)];
        const long long step = lo <= hi ? 1 : -1;
        for (long long v = lo;; v += step) {
            std::string name = a.text[0];
            for (size_t i = 0; i < a.numbers.size(); ++i) {
                name += std::to_string(int(i) == differing ? v : a.numbers[i]);
                name += a.text[i + 1];
            }
            names.push_back(parseFormat(name).name);
            if (v == hi)
                break;
        }
    }
    return names;
}

std::vector<std::pair<std::string, std::string>> formatFamilies()
{
    std::vector<std::pair<std::string, std::string>> out;
    for (const FormatFamily &f : FormatRegistry::instance().families())
        out.emplace_back(f.pattern, f.description);
    return out;
}

} // namespace frontier::numeric
