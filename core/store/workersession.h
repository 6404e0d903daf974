#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace frontier::store {

class Project;

// This process as a worker of a project file while the object lives
// (Project::registerWorker): registered by the constructor, its heartbeat renewed every
// liveness::kHeartbeatSeconds by a thread with its own connection, unregistered by the
// destructor (its leases released, the trials it still claims back to pending). A process
// killed meanwhile leaves its row behind; the next worker reclaims it.
//
// The project file must exist at the current schema version (open it read-write first).
// Errors of the constructor throw Error; the heartbeat and the destructor never throw.
class WorkerSession
{
public:
    explicit WorkerSession(const std::string &projectPath);
    ~WorkerSession();
    WorkerSession(const WorkerSession &) = delete;
    WorkerSession &operator=(const WorkerSession &) = delete;

    int64_t id() const { return m_id; }

private:
    void beat();

    std::unique_ptr<Project> m_project; // used by the heartbeat thread alone while it runs
    int64_t m_id = 0;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace frontier::store
