#include "constraint.h"

#include "common/error.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace frontier::study {

namespace {

std::string trimmed(const std::string &s)
{
    size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a])))
        ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1])))
        --b;
    return s.substr(a, b - a);
}

const char *opText(Constraint::Op op)
{
    switch (op) {
    case Constraint::Op::Less:
        return "<";
    case Constraint::Op::LessEqual:
        return "<=";
    case Constraint::Op::Greater:
        return ">";
    case Constraint::Op::GreaterEqual:
        return ">=";
    case Constraint::Op::Equal:
        return "==";
    }
    return "?";
}

} // namespace

bool Constraint::holds(double v) const
{
    switch (op) {
    case Op::Less:
        return v < value;
    case Op::LessEqual:
        return v <= value;
    case Op::Greater:
        return v > value;
    case Op::GreaterEqual:
        return v >= value;
    case Op::Equal:
        return v == value;
    }
    return false;
}

std::string Constraint::toString(const std::vector<std::string> &columns) const
{
    char buf[32];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, value);
        if (std::strtod(buf, nullptr) == value)
            break;
    }
    std::string name = "#";
    if (column >= 0 && size_t(column) < columns.size())
        name = columns[size_t(column)];
    else
        name += std::to_string(column);
    return name + opText(op) + buf;
}

Constraint Constraint::parse(const std::string &text, const std::vector<std::string> &columns)
{
    const size_t at = text.find_first_of("<>=");
    if (at == std::string::npos)
        throw Error("constraint", "'" + text + "' has no comparison (>=, <=, >, <, ==)");
    Constraint c;
    size_t len = 1;
    const char a = text[at];
    const char b = at + 1 < text.size() ? text[at + 1] : '\0';
    if (a == '<')
        c.op = b == '=' ? Op::LessEqual : Op::Less;
    else if (a == '>')
        c.op = b == '=' ? Op::GreaterEqual : Op::Greater;
    else
        c.op = Op::Equal;
    if (b == '=')
        len = 2;
    const std::string name = trimmed(text.substr(0, at));
    const std::string number = trimmed(text.substr(at + len));
    c.column = -1;
    for (size_t i = 0; i < columns.size(); ++i) {
        if (columns[i] == name)
            c.column = int(i);
    }
    if (c.column < 0)
        throw Error("constraint", "'" + text + "': unknown column '" + name + "'");
    char *end = nullptr;
    c.value = std::strtod(number.c_str(), &end);
    if (number.empty() || end != number.c_str() + number.size() || std::isnan(c.value))
        throw Error("constraint", "'" + text + "': '" + number + "' is not a number");
    return c;
}

std::vector<Constraint> parseConstraints(const std::string &text,
                                         const std::vector<std::string> &columns)
{
    // Parts end at a comma or at the word "and" between spaces.
    std::vector<Constraint> out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.size();
        size_t next = text.size() + 1;
        const size_t comma = text.find(',', start);
        const size_t word = text.find(" and ", start);
        if (comma != std::string::npos && (word == std::string::npos || comma < word)) {
            end = comma;
            next = comma + 1;
        } else if (word != std::string::npos) {
            end = word;
            next = word + 5;
        }
        const std::string part = trimmed(text.substr(start, end - start));
        if (!part.empty())
            out.push_back(Constraint::parse(part, columns));
        start = next;
    }
    return out;
}

int bestRow(std::span<const double> rows, int columns, int column, Sense sense,
            const std::vector<Constraint> &constraints)
{
    if (columns <= 0 || rows.size() % size_t(columns) != 0)
        throw Error("constraint", "the table is not a whole number of rows");
    if (column < 0 || column >= columns)
        throw Error("constraint", "no column " + std::to_string(column));
    for (const Constraint &c : constraints) {
        if (c.column < 0 || c.column >= columns)
            throw Error("constraint", "no column " + std::to_string(c.column));
    }
    const size_t n = rows.size() / size_t(columns);
    int best = -1;
    double bestValue = 0;
    for (size_t i = 0; i < n; ++i) {
        const double *row = &rows[i * size_t(columns)];
        bool ok = !std::isnan(row[column]);
        for (const Constraint &c : constraints)
            ok = ok && c.holds(row[c.column]);
        if (!ok)
            continue;
        const double v = row[column];
        if (best < 0 || (sense == Sense::Minimize ? v < bestValue : v > bestValue)) {
            best = int(i);
            bestValue = v;
        }
    }
    return best;
}

} // namespace frontier::study
