#pragma once

// Deterministic mutators for the fuzz suite: each takes the bytes of a valid input file and
// a seeded generator and returns a damaged copy plus a one-line description of what it did
// (so a failing case can be reproduced by hand). The same seed gives the same bytes on every
// platform: the generator is SplitMix64 and no standard distribution is used.

#include <QByteArray>
#include <QString>

#include <cstdint>

namespace frontier::fuzz {

class Rng
{
public:
    explicit Rng(uint64_t seed)
        : m_state(seed)
    {}
    uint64_t next();
    // Uniform in [0, n); 0 when n == 0.
    uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }
    bool chance(unsigned percent) { return below(100) < percent; }

private:
    uint64_t m_state;
};

// What an input file holds, which decides the mutators that make sense for it.
enum class Shape { Binary, Text, Json };

struct Mutation
{
    QByteArray bytes;
    QString what; // e.g. "flip bit 3 of byte 17; truncate to 40 bytes"
};

// Binary: bit flips, byte insertion and deletion, truncation, a 16/32/64-bit field overwritten
// with a boundary value. Text adds numeric fields replaced by huge, negative, NaN, infinite
// or malformed numbers and line duplication/deletion/splitting. Json adds a value swapped
// for one of another type and a key duplicated with another value. One to three mutations
// are stacked; the result always differs from the input.
Mutation mutate(const QByteArray &input, Shape shape, Rng &rng);

} // namespace frontier::fuzz
