#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

namespace frontier {

// Shared between a running job and whoever watches it (CLI progress line, GUI jobs
// dock). The job advances `done` towards `total` and polls `cancelRequested()` at
// least every few milliseconds of work; the watcher reads the counters and may call
// cancel() from any thread. All members are safe to use concurrently.
class Progress
{
public:
    void setTotal(int64_t total) { m_total.store(total, std::memory_order_relaxed); }
    void advance(int64_t n = 1) { m_done.fetch_add(n, std::memory_order_relaxed); }
    void reset(int64_t total = 0)
    {
        m_done.store(0);
        m_total.store(total);
    }

    int64_t done() const { return m_done.load(std::memory_order_relaxed); }
    int64_t total() const { return m_total.load(std::memory_order_relaxed); }
    double fraction() const
    {
        const int64_t t = total();
        return t > 0 ? double(done()) / double(t) : 0.0;
    }

    void cancel() { m_cancel.store(true, std::memory_order_relaxed); }
    bool cancelRequested() const { return m_cancel.load(std::memory_order_relaxed); }

private:
    std::atomic<int64_t> m_done{0};
    std::atomic<int64_t> m_total{0};
    std::atomic<bool> m_cancel{false};
};

// Thrown by long-running engine calls when their Progress was cancelled.
struct Cancelled
{};

} // namespace frontier
