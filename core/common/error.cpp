#include "error.h"

namespace frontier {

namespace {

std::string oneLine(std::string s)
{
    for (char &c : s) {
        if (c == '\n' || c == '\r')
            c = ' ';
    }
    return s;
}

} // namespace

Error::Error(const std::string &where, const std::string &problem)
    : std::runtime_error(oneLine(where.empty() ? problem : where + ": " + problem))
    , m_where(where)
{}

Error::Error(const std::string &message)
    : std::runtime_error(oneLine(message))
{}

} // namespace frontier
