#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::npz {

// One array of an .npz archive: its .npy header and its raw little-endian data.
struct Array
{
    std::string name;  // the member's name without ".npy"
    std::string dtype; // NumPy's descr, e.g. "<f4", "|u1", "<i8"
    std::vector<int64_t> shape;
    std::vector<uint8_t> data; // count() * itemSize() bytes, C order

    int64_t count() const;
    int itemSize() const;
    char kind() const { return dtype.empty() ? '?' : dtype[1]; } // 'f', 'i', 'u', 'b'
    // Element i as a double (any supported dtype).
    double at(int64_t i) const;
};

// Reads every array of an .npz file (a zip archive of .npy members, stored or deflated,
// with or without zip64 records, as numpy.savez and savez_compressed write). Object arrays
// (pickles), big-endian and Fortran-order arrays are refused. Throws std::runtime_error
// with a one-line reason (no path: the host adds it) on any damage: not a zip archive,
// truncated, bad CRC, a member that is not a valid .npy, sizes that do not add up.
std::vector<Array> readNpz(const std::string &path);

// Parses one .npy file's bytes (throws like readNpz; `what` names it in messages).
Array parseNpy(const std::vector<uint8_t> &bytes, const std::string &what);

} // namespace frontier::npz
