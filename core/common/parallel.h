#pragma once

#include <memory>

namespace frontier {

// Caps the number of oneTBB worker threads for the lifetime of the object
// (threads <= 0: leave the default, all cores). Results never depend on it:
// every parallel kernel splits its work into fixed blocks whatever the thread count.
class ThreadLimit
{
public:
    explicit ThreadLimit(int threads);
    ~ThreadLimit();
    ThreadLimit(const ThreadLimit &) = delete;
    ThreadLimit &operator=(const ThreadLimit &) = delete;

private:
    struct Control;
    std::unique_ptr<Control> m_control;
};

// The number of threads oneTBB would use now.
int activeThreads();

} // namespace frontier
