#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace frontier::store {

// A slice of a study's trials computed by one process, possibly on another machine
// (docs/scale-out.md): shard `index` of `count` holds the trials whose config hash falls
// in it (shardOf). The split depends on the hash only, so it is the same on every machine
// and for any order of the spec's entries. count == 0 means the whole study (no shard).
struct Shard
{
    int index = 0;
    int count = 0;

    bool sharded() const { return count > 0; }
    bool contains(std::string_view configHash) const;
    std::string text() const; // "1/3", or "all" when not sharded
    bool operator==(const Shard &) const = default;

    // Reads "i/n" with 0 <= i < n <= kMaxCount; throws Error(where, ...) otherwise.
    static Shard parse(const std::string &text, const std::string &where = "--shard");

    static constexpr int kMaxCount = 100000;
};

// The shard of `count` a trial belongs to: the first 16 hex digits of its config hash (the
// first 8 bytes of its SHA-256) as a big-endian unsigned integer, modulo count. A hash
// shorter than 16 hex digits or with other characters reads the digits it has (never
// throws). count <= 0 gives 0.
int shardOf(std::string_view configHash, int count);

} // namespace frontier::store
