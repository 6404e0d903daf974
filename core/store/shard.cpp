#include "shard.h"

#include "common/error.h"

#include <charconv>

namespace frontier::store {

int shardOf(std::string_view configHash, int count)
{
    if (count <= 0)
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < configHash.size() && i < 16; ++i) {
        const char c = configHash[i];
        int digit = 0;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            break;
        v = (v << 4) | uint64_t(digit);
    }
    return int(v % uint64_t(count));
}

bool Shard::contains(std::string_view configHash) const
{
    return !sharded() || shardOf(configHash, count) == index;
}

std::string Shard::text() const
{
    return sharded() ? std::to_string(index) + "/" + std::to_string(count) : std::string("all");
}

Shard Shard::parse(const std::string &text, const std::string &where)
{
    const size_t slash = text.find('/');
    auto number = [&](std::string_view part, int &out) {
        const char *end = part.data() + part.size();
        const auto [ptr, ec] = std::from_chars(part.data(), end, out);
        return !part.empty() && ec == std::errc() && ptr == end;
    };
    Shard s;
    if (slash == std::string::npos || !number(std::string_view(text).substr(0, slash), s.index)
        || !number(std::string_view(text).substr(slash + 1), s.count))
        throw Error(where, "'" + text + "' is not a shard i/n (e.g. 0/4: the first of four)");
    if (s.count < 1 || s.count > kMaxCount)
        throw Error(where, "'" + text + "': the number of shards must be 1 to "
                               + std::to_string(kMaxCount));
    if (s.index < 0 || s.index >= s.count)
        throw Error(where, "'" + text + "': the shard index must be 0 to "
                               + std::to_string(s.count - 1) + " (shards count from 0)");
    return s;
}

} // namespace frontier::store
