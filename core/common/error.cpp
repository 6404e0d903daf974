#include "error.h"

#include <cstdint>

namespace frontier {

namespace {

constexpr size_t kMaxQuoted = 80; // characters of a quoted raw value an error echoes

// Length of the valid UTF-8 sequence starting at s[i], 0 when it is not one.
size_t utf8Length(const std::string &s, size_t i)
{
    const auto b = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t min = 0;
    if (b < 0x80)
        return 1;
    if ((b & 0xe0) == 0xc0) {
        n = 2;
        min = 0x80;
    } else if ((b & 0xf0) == 0xe0) {
        n = 3;
        min = 0x800;
    } else if ((b & 0xf8) == 0xf0) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (i + n > s.size())
        return 0;
    uint32_t cp = b & (0x7f >> n);
    for (size_t k = 1; k < n; ++k) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        if ((c & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

void appendHex(std::string &out, unsigned char b)
{
    static const char digits[] = "0123456789abcdef";
    out.append("\\x");
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
}

bool opensQuote(const std::string &s, size_t i)
{
    if (i == 0)
        return true;
    const char p = s[i - 1];
    return p == ' ' || p == '(' || p == '[' || p == '=' || p == ',' || p == ':';
}

bool closesQuote(const std::string &s, size_t i)
{
    if (i + 1 == s.size())
        return true;
    const char n = s[i + 1];
    return n == ' ' || n == ':' || n == ',' || n == ';' || n == ')' || n == ']' || n == '.';
}

} // namespace

std::string printableText(const std::string &text)
{
    std::string out;
    out.reserve(text.size());
    size_t quoteStart = std::string::npos; // in `out`, after the opening quote
    size_t quoted = 0;                     // characters of the current quoted value
    bool cut = false;
    for (size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (b == '\'') {
            if (quoteStart == std::string::npos && opensQuote(text, i)) {
                out.push_back('\'');
                quoteStart = out.size();
                quoted = 0;
                cut = false;
                ++i;
                continue;
            }
            if (quoteStart != std::string::npos && closesQuote(text, i)) {
                quoteStart = std::string::npos;
                out.push_back('\'');
                ++i;
                continue;
            }
        }
        const size_t n = utf8Length(text, i);
        const bool inQuote = quoteStart != std::string::npos;
        if (inQuote && quoted >= kMaxQuoted) {
            if (!cut)
                out.append("…");
            cut = true;
            i += n ? n : 1;
            continue;
        }
        if (n == 0 || b == 0x7f) {
            appendHex(out, b); // invalid UTF-8, DEL
            i += 1;
        } else if (b < 0x20) {
            if (b == '\n' || b == '\r' || b == '\t')
                out.push_back(' ');
            else
                appendHex(out, b); // control bytes, NUL included
            i += 1;
        } else {
            out.append(text, i, n);
            i += n;
        }
        if (inQuote)
            ++quoted;
    }
    return out;
}

Error::Error(const std::string &where, const std::string &problem)
    : std::runtime_error(printableText(where.empty() ? problem : where + ": " + problem))
    , m_where(where)
{}

Error::Error(const std::string &message)
    : std::runtime_error(printableText(message))
{}

} // namespace frontier
