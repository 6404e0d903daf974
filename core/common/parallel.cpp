#include "parallel.h"

#include <tbb/global_control.h>

namespace frontier {

struct ThreadLimit::Control
{
    explicit Control(int threads)
        : control(tbb::global_control::max_allowed_parallelism, size_t(threads))
    {}
    tbb::global_control control;
};

ThreadLimit::ThreadLimit(int threads)
{
    if (threads > 0)
        m_control = std::make_unique<Control>(threads);
}

ThreadLimit::~ThreadLimit() = default;

int activeThreads()
{
    return int(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
}

} // namespace frontier
