#pragma once

#include "dataset.h"

#include <string>
#include <vector>

namespace frontier::data {

// IDX files of the MNIST family (MNIST, Fashion-MNIST, KMNIST, ...).
//
// Images: big-endian magic 2051 (0x00000803: unsigned bytes, 3 dimensions), then the
// dimensions count, rows, cols as big-endian int32, then count * rows * cols pixels.
// Labels: magic 2049 (0x00000801: unsigned bytes, 1 dimension), count, then count bytes.
// Either file may be gzip-compressed; this is detected from the content, not the name.
//
// The result has shape {1, rows, cols}, pixel values 0..255 as float, labels in
// [0, numClasses) with class names "0", "1", ...; contentHash is the SHA-256 of the
// decompressed images file followed by the decompressed labels file, so a gzip and a raw
// copy of the same data hash alike. labelsPath may be empty: the set is then unlabelled.
//
// Throws Error naming the file and the problem: bad magic or data type, zero or absurd
// dimensions, truncated or over-long data (with the byte counts), a label out of range
// (with its index), or image and label counts that differ. Thread-safe (no shared state).
Dataset loadIdx(const std::string &imagesPath, const std::string &labelsPath, int numClasses = 10);

// The labels file beside an IDX images file: the name with "images-idx3" (or
// "images.idx3", "images_idx3") turned into "labels-idx1" (same separator), raw or
// ".gz". Returns "" when the name has no such part; throws Error naming imagesPath when
// the labels file is missing.
std::string idxLabelsFor(const std::string &imagesPath);

// One images/labels pair found in a folder; `prefix` is the file-name part before
// "-images-idx3" ("train", "t10k", ...).
struct IdxPair
{
    std::string prefix;
    std::string images;
    std::string labels;
};

// The IDX pairs in a folder: every images file (see idxLabelsFor) with its labels file.
// Sorted so that a "train" pair comes first, then by prefix; of a raw and a gzip copy of
// the same images, the raw one is used. Throws Error naming the folder when it cannot be
// listed or holds no IDX images, or naming an images file that has no labels file.
std::vector<IdxPair> findIdxPairs(const std::string &folder);

// Loads every pair of findIdxPairs(folder), concatenated in that order (image sizes must
// agree). The source lists all files read; with several pairs, contentHash is the SHA-256
// of the pairs' own hashes (hex) joined in order.
Dataset loadIdxFolder(const std::string &folder, int numClasses = 10);

} // namespace frontier::data
