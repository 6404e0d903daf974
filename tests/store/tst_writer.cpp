// The single writer thread and readers beside it (WAL): futures after commit, a failing
// job undone alone, readers never blocked and never seeing half a trial.

#include "common/error.h"
#include "store/project.h"
#include "store/writer.h"

#include "testutil.h"

#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <thread>

using namespace frontier;
using namespace frontier::store;

namespace {

// "prefix<i>" (GCC 12 warns falsely about "literal" + std::string at -O3).
std::string numbered(const char *prefix, int64_t i)
{
    std::string s(prefix);
    s += std::to_string(i);
    return s;
}

} // namespace

class TestWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void jobsRunInOrderAndReturnValues();
    void failingJobIsUndoneAlone();
    void destructorFinishesQueuedJobs();
    void readersWhileWriting();
    void readSnapshotIsStable();

private:
    std::string path() const { return m_dir->filePath(QStringLiteral("p.frontier")).toStdString(); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestWriter::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestWriter::jobsRunInOrderAndReturnValues()
{
    Writer w(path());
    std::future<int64_t> study = w.submit([](Project &p) { return p.createStudy("s", "{}"); });
    std::vector<std::future<int>> added;
    for (int i = 0; i < 50; ++i) {
        added.push_back(w.submit([i](Project &p) {
            const int64_t s = p.findStudy("s")->id; // the job before has run
            return p.addTrials(s, {{numbered("h", i), "{}"}});
        }));
    }
    const int64_t id = study.get();
    for (auto &f : added)
        QCOMPARE(f.get(), 1);
    // A ready future means committed: a separate reader sees it at once.
    Project reader(path(), Project::Access::ReadOnly);
    QCOMPARE(reader.trialCounts(id).pending, int64_t(50));
    const std::vector<TrialRecord> t = reader.trials(id);
    QCOMPARE(t.front().configHash, std::string("h0"));
    QCOMPARE(t.back().configHash, std::string("h49"));
}

void TestWriter::failingJobIsUndoneAlone()
{
    Writer w(path(), 1000);
    const int64_t s = w.submit([](Project &p) { return p.createStudy("s", "{}"); }).get();
    std::vector<std::future<void>> jobs;
    // Queued together, so they share one transaction.
    for (int i = 0; i < 20; ++i) {
        jobs.push_back(w.submit([s, i](Project &p) {
            p.addTrials(s, {{numbered("h", i), "{}"}});
            if (i == 7)
                throw Error("job 7", "fails after writing");
        }));
    }
    for (int i = 0; i < 20; ++i) {
        if (i == 7)
            QVERIFY_THROWS_EXCEPTION(Error, jobs[size_t(i)].get());
        else
            jobs[size_t(i)].get();
    }
    w.flush();
    Project reader(path(), Project::Access::ReadOnly);
    QCOMPARE(reader.trialCounts(s).total(), int64_t(19));
    for (const TrialRecord &t : reader.trials(s))
        QVERIFY(t.configHash != "h7");
}

void TestWriter::destructorFinishesQueuedJobs()
{
    {
        Writer w(path());
        w.submit([](Project &p) { p.createStudy("s", "{}"); });
        for (int i = 0; i < 200; ++i)
            w.submit([i](Project &p) { p.addTrials(1, {{numbered("h", i), "{}"}}); });
    } // no wait: the destructor drains the queue
    Project reader(path(), Project::Access::ReadOnly);
    QCOMPARE(reader.trialCounts(1).total(), int64_t(200));
    QCOMPARE(reader.integrityCheck(), std::string("ok"));
}

void TestWriter::readersWhileWriting()
{
    // The writer finishes trials one job at a time (each: done + metrics, atomically);
    // reader threads with their own connections poll meanwhile. They must never block,
    // never see a done trial without its metrics, and see the count only grow.
    const int trials = 600;
    int64_t study = 0;
    {
        Project p(path());
        study = p.createStudy("s", "{}");
        std::vector<TrialConfig> configs;
        for (int i = 0; i < trials; ++i)
            configs.push_back({numbered("h", i), "{}"});
        p.addTrials(study, configs);
    }
    Writer w(path(), 8);
    std::atomic<bool> writing{true};
    std::atomic<int> reads{0};
    std::atomic<int> problems{0};
    auto reader = [&] {
        try {
            Project r(path(), Project::Access::ReadOnly);
            int64_t last = 0;
            while (writing.load()) {
                const MetricTable m = r.metricTable(study, {"accuracy", "energy_pj"});
                for (int i = 0; i < m.rows(); ++i) {
                    if (std::isnan(m.at(i, 0)) || std::isnan(m.at(i, 1)))
                        ++problems;
                }
                if (m.rows() < last)
                    ++problems;
                last = m.rows();
                ++reads;
            }
        } catch (...) {
            ++problems;
        }
    };
    std::thread r1(reader), r2(reader);
    std::vector<std::future<void>> done;
    for (int64_t id = 1; id <= trials; ++id) {
        done.push_back(w.submit([id](Project &p) {
            p.markTrialRunning(id);
            p.finishTrial(id, {{"accuracy", 0.5 + 1e-4 * double(id)}, {"energy_pj", double(id)}});
        }));
        if (id % 50 == 0)
            done.back().wait(); // let the readers in between batches
    }
    for (auto &f : done)
        f.get();
    writing = false;
    r1.join();
    r2.join();
    QCOMPARE(problems.load(), 0);
    QVERIFY(reads.load() > 2);
    Project check(path(), Project::Access::ReadOnly);
    QCOMPARE(check.trialCounts(study).done, int64_t(trials));
    QCOMPARE(check.integrityCheck(), std::string("ok"));
}

void TestWriter::readSnapshotIsStable()
{
    // A reader inside a read transaction keeps its snapshot while the writer commits,
    // and the writer is not blocked by it.
    Writer w(path());
    const int64_t s = w.submit([](Project &p) { return p.createStudy("s", "{}"); }).get();
    Project reader(path(), Project::Access::ReadOnly);
    {
        auto snapshot = reader.begin(Transaction::Kind::Deferred);
        QCOMPARE(reader.trialCounts(s).total(), int64_t(0));
        w.submit([s](Project &p) { p.addTrials(s, {{"a", "{}"}, {"b", "{}"}}); }).get();
        QCOMPARE(reader.trialCounts(s).total(), int64_t(0));
        snapshot->commit();
    }
    QCOMPARE(reader.trialCounts(s).total(), int64_t(2));
}

QTEST_GUILESS_MAIN(TestWriter)
#include "tst_writer.moc"
