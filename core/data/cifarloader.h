#pragma once

#include "dataset.h"

#include <string>
#include <vector>

namespace frontier::data {

// CIFAR-10, binary version (data_batch_1..5.bin, test_batch.bin): records of one label
// byte 0..9 followed by 3072 pixel bytes: the red, green and blue 32x32 planes, each
// row-major. The result has shape {3, 32, 32}, values 0..255 as float, class names
// airplane, automobile, bird, cat, deer, dog, frog, horse, ship, truck; contentHash is the
// SHA-256 of the files' bytes in order. A gzip-compressed batch is read transparently.
//
// Throws Error("<path>", ...) when a file is empty, its size is not a multiple of the
// 3073-byte record (a truncated or foreign file), or a label is outside 0..9 (naming the
// record and byte offset). Thread-safe.
Dataset loadCifar10(const std::string &path);
Dataset loadCifar10(const std::vector<std::string> &paths);

// The batches of a cifar-10-batches-bin folder: data_batch_*.bin in numeric order as
// `train` and test_batch.bin as `test` (either may be absent, not both).
// Throws Error naming the folder when it holds neither.
struct CifarFiles
{
    std::vector<std::string> train;
    std::string test;
};
CifarFiles findCifar10Files(const std::string &folder);

const std::vector<std::string> &cifar10ClassNames();

} // namespace frontier::data
