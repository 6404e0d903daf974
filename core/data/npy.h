#pragma once

#include "dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::data {

// NumPy .npy files (format versions 1.0, 2.0 and 3.0), C order, little-endian.
// Readable element types: float32 '<f4', float64 '<f8', uint8 '|u1', int8 '|i1',
// int32 '<i4', int64 '<i8', bool '|b1'. A gzip-compressed .npy is read transparently.
//
// Every reader throws Error("<path>", ...) naming the problem: not an NPY file (bad
// magic), unsupported version, malformed header dictionary, missing or extra keys,
// Fortran order, big-endian or unsupported dtype, negative dimensions, and data that is
// shorter or longer than the shape requires (with byte counts). All functions are
// thread-safe (no shared state). Writers are atomic: temp file, then rename.

struct NpyArray
{
    std::vector<int64_t> shape; // () for a scalar
    std::vector<float> data;    // product(shape) values, C order, converted to float
    std::string dtype;          // as stored in the file, e.g. "<f4", "|u1", "<i8"
};

NpyArray readNpy(const std::string &path);

// Writes a float32 (v1.0, '<f4') array; `data` holds product(shape) values.
void writeNpy(const std::string &path, const std::vector<int64_t> &shape, const float *data);

// Reads integer labels: a 1-D array (or {N, 1}) of any integer or bool dtype, or of
// floats that are all whole numbers. Throws Error for other shapes or fractional values.
std::vector<int64_t> readNpyLabels(const std::string &path);

// Writes an int64 ('<i8', v1.0) array; the second form writes a 1-D array.
void writeNpyInt64(const std::string &path, const std::vector<int64_t> &shape, const int64_t *data);
void writeNpyInt64(const std::string &path, const std::vector<int64_t> &values);

// A Dataset from an .npy of samples {N, ...} and optionally an .npy of N labels.
// Per-sample shape: {C, H, W} for 4-D files, {1, H, W} for 3-D ({N, H, W}), {F} for 2-D,
// {1} for 1-D. Labels must be >= 0; classes are 0..max label, named by number. Values
// must be finite (Error names the first bad element). contentHash is the SHA-256 of the
// samples file's bytes followed by the labels file's bytes. `dtype`, when given,
// receives the samples file's dtype (so callers can choose a default normalisation).
Dataset loadNpy(const std::string &samplesPath, const std::string &labelsPath = {},
                std::string *dtype = nullptr);

} // namespace frontier::data
