#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace frontier {

// Reads a whole file; throws Error("<path>", reason) when it cannot.
std::vector<uint8_t> readFileBytes(const std::string &path);

// Reads a whole file and, when it starts with the gzip magic, inflates it.
// Throws Error naming the path on I/O errors and corrupt or truncated gzip data.
std::vector<uint8_t> readMaybeGzip(const std::string &path);

// Writes atomically: the data goes to a temporary file beside `path`, which is
// renamed over `path` only when everything was written. On failure nothing is left.
void writeFileAtomic(const std::string &path, const void *data, size_t size);

// Lower-case hex SHA-256 of a byte range.
std::string sha256Hex(const void *data, size_t size);

bool fileExists(const std::string &path);

} // namespace frontier
