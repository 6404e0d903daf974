#pragma once

#include "dataset.h"

#include <string>
#include <vector>

namespace frontier::data {

// UCI Optical Recognition of Handwritten Digits (optdigits.tra / optdigits.tes): one
// sample per line, 64 comma-separated integers 0..16 (counts of set pixels in 4x4 blocks
// of a 32x32 bitmap, row-major) followed by the class 0..9. An optional first line that
// starts with a letter (a header such as "Block 1,...,Block 64,Class") is skipped.
//
// The result has shape {1, 8, 8}, values 0..16 as float, class names "0".."9";
// contentHash is the SHA-256 of the file's bytes (of all files, in order, for several).
//
// Throws Error("<path>", "row R, column C: ...") for a line without 65 fields, a field that
// is not an integer, a value outside 0..16 or a label outside 0..9, and Error("<path>", ...)
// for an empty file. Thread-safe.
Dataset loadOptdigits(const std::string &path);

// Several files concatenated in order (e.g. .tra then .tes).
Dataset loadOptdigits(const std::vector<std::string> &paths);

} // namespace frontier::data
