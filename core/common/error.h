#pragma once

#include <stdexcept>
#include <string>

namespace frontier {

// `text` made safe for a one-line message: line breaks and tabs become spaces, other
// control bytes (NUL included), DEL and bytes that are not valid UTF-8 become \xNN, and a
// quoted value ('...') longer than 80 characters is cut with "…". Every Error's message
// goes through it, so a hostile input echoed in an error can neither break the line, hide
// behind a NUL, nor flood the terminal.
std::string printableText(const std::string &text);

// The one exception type the engine throws for bad input and failed I/O.
// what() is a single line of the form "<where>: <problem>", where <where> names the
// file, layer, node or option at fault (printableText applied); the CLI prints it as is
// and exits non-zero.
class Error : public std::runtime_error
{
public:
    Error(const std::string &where, const std::string &problem);
    explicit Error(const std::string &message);

    const std::string &where() const { return m_where; }

private:
    std::string m_where;
};

} // namespace frontier
