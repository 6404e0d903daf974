#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace frontier {

// A small, fully specified pseudo-random generator (xoshiro256** seeded through
// SplitMix64). Unlike std::uniform_*_distribution, every method here is defined to
// the bit, so a seed gives the same numbers with every compiler and standard library.
// Not thread-safe: give each task its own instance (see split()).
class Random
{
public:
    explicit Random(uint64_t seed = 0);

    uint64_t next(); // 64 random bits
    uint32_t nextU32() { return uint32_t(next() >> 32); }
    double uniform();                     // [0, 1), 53 bits
    float uniformF();                     // [0, 1), 24 bits
    double uniform(double lo, double hi); // [lo, hi)
    int64_t below(int64_t n);             // [0, n), unbiased; n > 0
    double normal();                      // standard normal (Box-Muller, one value per call)

    // An independent generator for stream `index` of this seed (for parallel tasks).
    Random split(uint64_t index) const;

    template<typename T>
    void shuffle(std::vector<T> &v)
    {
        for (int64_t i = int64_t(v.size()) - 1; i > 0; --i) {
            const int64_t j = below(i + 1);
            std::swap(v[std::size_t(i)], v[std::size_t(j)]);
        }
    }

private:
    uint64_t m_s[4];
    uint64_t m_seed;
};

uint64_t splitMix64(uint64_t &state);

} // namespace frontier
