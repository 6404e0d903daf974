#include "liveness.h"

#include <cerrno>
#include <fstream>
#include <sstream>

#if defined(__unix__) || defined(__APPLE__)
#include <signal.h>
#include <unistd.h>
#endif

namespace frontier::store::liveness {

namespace {

struct ProcStat
{
    bool read = false;
    char state = '?';
    int64_t start = 0; // clock ticks after boot
};

// Fields 3 (state) and 22 (starttime) of /proc/<pid>/stat, after the parenthesised
// command name, which may contain spaces.
ProcStat procStat(int64_t pid)
{
    ProcStat out;
    std::ifstream in(std::string("/proc/").append(std::to_string(pid)).append("/stat"));
    std::string line;
    if (!in || !std::getline(in, line))
        return out;
    const size_t close = line.rfind(')');
    if (close == std::string::npos)
        return out;
    std::istringstream fields(line.substr(close + 1));
    std::string field;
    for (int i = 3; i <= 22; ++i) {
        if (!(fields >> field))
            return out;
        if (i == 3)
            out.state = field.empty() ? '?' : field[0];
    }
    try {
        out.start = std::stoll(field);
    } catch (...) {
        return out;
    }
    out.read = true;
    return out;
}

std::string hostName()
{
#if defined(__unix__) || defined(__APPLE__)
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) == 0 && name[0])
        return name;
#endif
    return "localhost";
}

} // namespace

const ProcessId &self()
{
    static const ProcessId id = [] {
        ProcessId p;
        p.host = hostName();
#if defined(__unix__) || defined(__APPLE__)
        p.pid = int64_t(getpid());
#endif
        p.start = procStat(p.pid).start;
        return p;
    }();
    return id;
}

State check(const ProcessId &process)
{
    if (process.host != self().host)
        return State::Unknown;
#if defined(__unix__) || defined(__APPLE__)
    if (process.pid <= 0)
        return State::Gone;
    // Signal 0 checks for existence only; EPERM means it runs under another user.
    if (kill(pid_t(process.pid), 0) != 0 && errno != EPERM)
        return State::Gone;
    const ProcStat stat = procStat(process.pid);
    if (stat.read) {
        if (stat.state == 'Z' || stat.state == 'X')
            return State::Gone; // exited, not yet reaped by its parent
        if (process.start != 0 && stat.start != process.start)
            return State::Gone; // the pid now belongs to a later process
    }
    return State::Alive;
#else
    return State::Unknown;
#endif
}

} // namespace frontier::store::liveness
