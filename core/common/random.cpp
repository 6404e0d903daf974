#include "random.h"

#include "common/detmath.h"

#include <cmath>

namespace frontier {

namespace {

inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

} // namespace

uint64_t splitMix64(uint64_t &state)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

Random::Random(uint64_t seed)
    : m_seed(seed)
{
    uint64_t state = seed;
    for (uint64_t &s : m_s)
        s = splitMix64(state);
}

uint64_t Random::next()
{
    const uint64_t result = rotl(m_s[1] * 5, 7) * 9;
    const uint64_t t = m_s[1] << 17;
    m_s[2] ^= m_s[0];
    m_s[3] ^= m_s[1];
    m_s[1] ^= m_s[2];
    m_s[0] ^= m_s[3];
    m_s[2] ^= t;
    m_s[3] = rotl(m_s[3], 45);
    return result;
}

double Random::uniform()
{
    return double(next() >> 11) * 0x1.0p-53;
}

float Random::uniformF()
{
    return float(next() >> 40) * 0x1.0p-24f;
}

double Random::uniform(double lo, double hi)
{
    return lo + (hi - lo) * uniform();
}

int64_t Random::below(int64_t n)
{
    // Lemire's nearly-divisionless method would do; rejection keeps it obviously unbiased.
    const uint64_t bound = uint64_t(n);
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t r;
    do {
        r = next();
    } while (r >= limit);
    return int64_t(r % bound);
}

double Random::normal()
{
    // 1 - uniform() is in (0, 1], so the logarithm is finite.
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * dmath::log(u1)) * dmath::cos(2.0 * M_PI * u2);
}

Random Random::split(uint64_t index) const
{
    uint64_t state = m_seed ^ (0xd1b54a32d192ed03ULL * (index + 1));
    return Random(splitMix64(state));
}

} // namespace frontier
