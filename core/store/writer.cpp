#include "writer.h"

#include "project.h"

#include <vector>

namespace frontier::store {

Writer::Writer(const std::string &path, int maxBatch)
    : m_project(std::make_unique<Project>(path, Project::Access::ReadWrite))
    , m_backupPath(m_project->backupPath())
    , m_maxBatch(maxBatch < 1 ? 1 : maxBatch)
{
    // The connection moves to the writer thread here and is used by it alone from now on.
    m_thread = std::thread(&Writer::loop, this);
}

Writer::~Writer()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void Writer::enqueue(Job job)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(std::move(job));
    }
    m_wake.notify_one();
}

void Writer::flush()
{
    submit([](Project &) {}).wait();
}

void Writer::loop()
{
    for (;;) {
        std::vector<Job> batch;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
            if (m_queue.empty())
                return; // stopping, and nothing is left to write
            while (!m_queue.empty() && int(batch.size()) < m_maxBatch) {
                batch.push_back(std::move(m_queue.front()));
                m_queue.pop_front();
            }
        }
        std::vector<std::exception_ptr> errors(batch.size());
        std::exception_ptr commitError;
        try {
            auto transaction = m_project->begin();
            for (size_t i = 0; i < batch.size(); ++i) {
                try {
                    auto savepoint = m_project->begin();
                    batch[i].run(*m_project);
                    savepoint->commit();
                } catch (...) {
                    errors[i] = std::current_exception();
                }
            }
            transaction->commit();
        } catch (...) {
            commitError = std::current_exception();
        }
        // Only now, with the batch durable (or lost), do the futures become ready.
        for (size_t i = 0; i < batch.size(); ++i) {
            if (commitError)
                batch[i].fail(commitError);
            else if (errors[i])
                batch[i].fail(errors[i]);
            else
                batch[i].succeed();
        }
    }
}

} // namespace frontier::store
