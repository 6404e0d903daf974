#pragma once

#include "engine.h"

#include "common/error.h"
#include "common/progress.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <cstdint>

namespace frontier::model {

// Runs fn(block, start, count) for the fixed blocks of options.blockSize samples that
// cover [0, n), in parallel on oneTBB. The partition depends on n and the block size
// only, never on the thread count, which is what makes every engine deterministic
// (docs/decisions/0003-determinism.md). Advances options.progress by each block's count;
// polls its cancel flag before every block and throws frontier::Cancelled when it was
// set. Throws Error for a block size below 1.
template<typename Fn>
void forEachBlock(int n, const RunOptions &options, Fn &&fn)
{
    if (options.blockSize < 1)
        throw Error("engine", "block size must be at least 1");
    const int blockSize = options.blockSize;
    const int blocks = int((int64_t(n) + blockSize - 1) / blockSize);
    Progress *progress = options.progress;
    std::atomic<bool> cancelled{false};
    tbb::task_group_context context;
    tbb::parallel_for(
        tbb::blocked_range<int>(0, blocks, 1),
        [&](const tbb::blocked_range<int> &range) {
            for (int b = range.begin(); b != range.end(); ++b) {
                if (progress && progress->cancelRequested()) {
                    cancelled.store(true, std::memory_order_relaxed);
                    context.cancel_group_execution();
                    return;
                }
                const int start = b * blockSize;
                const int count = std::min(blockSize, n - start);
                fn(b, start, count);
                if (progress)
                    progress->advance(count);
            }
        },
        tbb::simple_partitioner(), context);
    if (cancelled.load())
        throw Cancelled();
}

} // namespace frontier::model
