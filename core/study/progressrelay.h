#pragma once

#include "common/progress.h"

#include <atomic>
#include <cstdint>
#include <thread>

namespace frontier::study {

// Runs a sub-job (training, inference) that reports on its own Progress as a share of a
// parent Progress: while alive, a small thread polls every 10 ms, forwards a cancel of
// the parent to sub(), and advances the parent by `units` × sub().fraction(). The
// destructor stops the thread and, unless the parent was cancelled, completes the
// `units`. With a null parent, sub() is a plain Progress and no thread runs.
class ProgressRelay
{
public:
    ProgressRelay(Progress *parent, int64_t units);
    ~ProgressRelay();
    ProgressRelay(const ProgressRelay &) = delete;
    ProgressRelay &operator=(const ProgressRelay &) = delete;

    Progress &sub() { return m_sub; }

private:
    void sync();

    Progress *m_parent;
    int64_t m_units;
    int64_t m_advanced = 0;
    Progress m_sub;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace frontier::study
