#pragma once

#include <cstdint>
#include <string>

namespace frontier::store::liveness {

// Who a process is, as the workers table records it: the host it runs on, its pid, and
// its start time (clock ticks since boot, read from /proc on Linux; 0 where unknown), so
// that a pid reused by a later process is not taken for the one that registered.
struct ProcessId
{
    std::string host;
    int64_t pid = 0;
    int64_t start = 0;
};

// This process.
const ProcessId &self();

enum class State {
    Alive,  // on this host, running, with the recorded start time
    Gone,   // on this host, and that process no longer runs
    Unknown // on another host: only its heartbeat can tell
};

State check(const ProcessId &process);

// A worker whose heartbeat is older than this is taken as gone whatever check() says
// (another host, or a process that stopped renewing it), seconds. Workers renew their
// heartbeat every kHeartbeatSeconds.
constexpr int64_t kStaleSeconds = 120;
constexpr int64_t kHeartbeatSeconds = 10;

} // namespace frontier::store::liveness
