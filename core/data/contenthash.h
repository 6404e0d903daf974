#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace frontier::data {

// Incremental SHA-256 over several byte ranges, for datasets read from more than one
// file: the hash of the concatenation of everything add()ed, in order, as lower-case hex.
// Not thread-safe; one instance per computation.
class ContentHash
{
public:
    ContentHash();
    ~ContentHash();
    ContentHash(const ContentHash &) = delete;
    ContentHash &operator=(const ContentHash &) = delete;

    void add(const void *data, size_t size);
    std::string hex() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace frontier::data
