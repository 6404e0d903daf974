#include "progressrelay.h"

#include <algorithm>
#include <chrono>

namespace frontier::study {

ProgressRelay::ProgressRelay(Progress *parent, int64_t units)
    : m_parent(parent)
    , m_units(std::max<int64_t>(0, units))
{
    if (!m_parent)
        return;
    if (m_parent->cancelRequested())
        m_sub.cancel();
    m_thread = std::thread([this] {
        while (!m_stop.load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            sync();
        }
    });
}

ProgressRelay::~ProgressRelay()
{
    if (!m_parent)
        return;
    m_stop.store(true);
    m_thread.join();
    if (!m_parent->cancelRequested() && m_advanced < m_units)
        m_parent->advance(m_units - m_advanced);
}

void ProgressRelay::sync()
{
    if (m_parent->cancelRequested())
        m_sub.cancel();
    const int64_t target = std::min(m_units, int64_t(double(m_units) * m_sub.fraction()));
    if (target > m_advanced) {
        m_parent->advance(target - m_advanced);
        m_advanced = target;
    }
}

} // namespace frontier::study
