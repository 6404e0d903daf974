#pragma once

#include <stdexcept>
#include <string>

namespace frontier {

// The one exception type the engine throws for bad input and failed I/O.
// what() is a single line of the form "<where>: <problem>", where <where> names the
// file, layer, node or option at fault; the CLI prints it as is and exits non-zero.
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
