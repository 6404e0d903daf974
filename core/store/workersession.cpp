#include "workersession.h"

#include "liveness.h"
#include "project.h"

#include <chrono>

namespace frontier::store {

WorkerSession::WorkerSession(const std::string &projectPath)
    : m_project(std::make_unique<Project>(projectPath, Project::Access::Existing))
    , m_id(m_project->registerWorker())
{
    m_thread = std::thread(&WorkerSession::beat, this);
}

WorkerSession::~WorkerSession()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
    try {
        m_project->unregisterWorker(m_id);
    } catch (...) {
        // Left for the next worker to reclaim: this process is about to be gone.
    }
}

void WorkerSession::beat()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (m_wake.wait_for(lock, std::chrono::seconds(liveness::kHeartbeatSeconds),
                            [this] { return m_stop; }))
            return;
        lock.unlock();
        try {
            m_project->heartbeat(m_id);
        } catch (...) {
            // Busy for longer than the timeout: the next beat tries again.
        }
        lock.lock();
    }
}

} // namespace frontier::store
