#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>

namespace frontier::store {

class Project;

// The one writer of a project file: a thread with its own read-write Project that runs
// write jobs in submission order. Any thread may submit; readers open their own
// read-only Project meanwhile (WAL), e.g. the GUI while a batch run writes.
//
// Group commit: the jobs waiting when the thread wakes up (at most maxBatch) run in one
// transaction, each inside its own savepoint, so a job that throws is undone alone and
// its future carries the exception. A future becomes ready only after the transaction
// holding its job has committed: when it is ready, the write is durable (it survives a
// killed process). If the commit itself fails, every job of the batch gets that error.
//
// The destructor finishes every job already submitted, then joins the thread.
class Writer
{
public:
    // Opens (creating or migrating) the project on the calling thread, so that errors
    // such as a newer schema surface here as frontier::Error.
    explicit Writer(const std::string &path, int maxBatch = 1024);
    ~Writer();
    Writer(const Writer &) = delete;
    Writer &operator=(const Writer &) = delete;

    // job(Project &) -> R runs on the writer thread.
    template<typename F>
    auto submit(F job) -> std::future<std::invoke_result_t<F, Project &>>;

    // Blocks until every job submitted before the call has committed (or failed).
    void flush();

    // The backup made when the file was migrated on opening, or empty.
    const std::string &backupPath() const { return m_backupPath; }

private:
    struct Job
    {
        std::function<void(Project &)> run; // may throw
        std::function<void()> succeed;      // after the commit
        std::function<void(std::exception_ptr)> fail;
    };

    void enqueue(Job job);
    void loop();

    std::unique_ptr<Project> m_project;
    std::string m_backupPath;
    int m_maxBatch;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Job> m_queue;
    bool m_stop = false;
    std::thread m_thread;
};

template<typename F>
auto Writer::submit(F job) -> std::future<std::invoke_result_t<F, Project &>>
{
    using R = std::invoke_result_t<F, Project &>;
    auto promise = std::make_shared<std::promise<R>>();
    std::future<R> future = promise->get_future();
    if constexpr (std::is_void_v<R>) {
        enqueue({[job = std::move(job)](Project &p) mutable { job(p); },
                 [promise] { promise->set_value(); },
                 [promise](std::exception_ptr e) {
                     promise->set_exception(e);
                 }});
    } else {
        auto result = std::make_shared<std::optional<R>>();
        enqueue({[job = std::move(job), result](Project &p) mutable { result->emplace(job(p)); },
                 [promise, result] { promise->set_value(std::move(**result)); },
                 [promise](std::exception_ptr e) {
                     promise->set_exception(e);
                 }});
    }
    return future;
}

} // namespace frontier::store
