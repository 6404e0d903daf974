// The built-in number-format families and their name parsers.

#include "formatregistry.h"

#include "common/error.h"

#include <cstdint>
#include <optional>
#include <set>

namespace frontier::numeric {

namespace {

using Kind = FormatSpec::Kind;

// Reads a decimal number of at most 9 digits starting at `pos`; advances pos.
std::optional<int> readNumber(const std::string &s, size_t &pos)
{
    size_t end = pos;
    while (end < s.size() && s[end] >= '0' && s[end] <= '9' && end - pos < 10)
        ++end;
    if (end == pos || end - pos > 9)
        return std::nullopt;
    const int v = std::stoi(s.substr(pos, end - pos));
    pos = end;
    return v;
}

// Matches `s` against prefix, number, [infix, number]; returns the numbers.
std::optional<std::vector<int>> matchNumbers(const std::string &s,
                                             const std::vector<std::string> &literals)
{
    size_t pos = 0;
    std::vector<int> numbers;
    for (size_t i = 0; i < literals.size(); ++i) {
        if (s.compare(pos, literals[i].size(), literals[i]) != 0)
            return std::nullopt;
        pos += literals[i].size();
        const std::optional<int> n = readNumber(s, pos);
        if (!n)
            return std::nullopt;
        numbers.push_back(*n);
    }
    if (pos != s.size())
        return std::nullopt;
    return numbers;
}

void checkRange(const std::string &what, int value, int lo, int hi)
{
    if (value < lo || value > hi)
        throw Error(what + " = " + std::to_string(value) + " is outside " + std::to_string(lo)
                    + ".." + std::to_string(hi));
}

// Walks the suffixes once; each handler claims the suffixes it knows. Unknown or repeated
// suffixes are errors naming the family.
class Suffixes
{
public:
    Suffixes(const std::vector<std::string> &list, std::string family)
        : m_family(std::move(family))
    {
        std::set<std::string> keys;
        for (const std::string &s : list) {
            const std::string key = keyOf(s);
            if (!keys.insert(key).second)
                throw Error("suffix ':" + key + "' is given twice");
            m_items.push_back({s, false});
        }
    }

    bool flag(const std::string &name)
    {
        for (Item &it : m_items) {
            if (it.text == name) {
                it.used = true;
                return true;
            }
        }
        return false;
    }

    // ":acc<b>" -> b
    std::optional<int> accumulator()
    {
        for (Item &it : m_items) {
            if (it.text.rfind("acc", 0) == 0 && it.text.size() > 3) {
                size_t pos = 3;
                const std::optional<int> b = readNumber(it.text, pos);
                if (!b || pos != it.text.size())
                    throw Error("suffix ':" + it.text + "' is not :acc<bits>");
                checkRange("accumulator bits", *b, 8, 64);
                it.used = true;
                return b;
            }
        }
        return std::nullopt;
    }

    std::optional<std::string> value(const std::string &key)
    {
        for (Item &it : m_items) {
            if (it.text.rfind(key + "=", 0) == 0) {
                it.used = true;
                return it.text.substr(key.size() + 1);
            }
        }
        return std::nullopt;
    }

    void finish() const
    {
        for (const Item &it : m_items) {
            if (!it.used)
                throw Error("suffix ':" + it.text + "' does not apply to " + m_family);
        }
    }

private:
    static std::string keyOf(const std::string &s)
    {
        const size_t eq = s.find('=');
        if (eq != std::string::npos)
            return s.substr(0, eq);
        if (s.rfind("acc", 0) == 0 && s.size() > 3)
            return "acc";
        return s;
    }

    struct Item
    {
        std::string text;
        bool used;
    };
    std::vector<Item> m_items;
    std::string m_family;
};

uint64_t parseSeed(const std::string &text)
{
    if (text.empty() || text.size() > 19
        || text.find_first_not_of("0123456789") != std::string::npos)
        throw Error("seed '" + text + "' is not a non-negative integer below 10^19");
    return std::stoull(text);
}

bool parseFull(const std::string &base, const std::vector<std::string> &suffixes, FormatSpec &spec)
{
    if (base != "fp32" && base != "fp64")
        return false;
    Suffixes(suffixes, base).finish();
    spec = FormatSpec();
    if (base == "fp64") {
        spec.kind = Kind::Float64;
        spec.weightBits = spec.activationBits = spec.accumulatorBits = 64;
        spec.exponentBits = 11;
        spec.mantissaBits = 52;
    }
    spec.name = canonicalName(spec);
    return true;
}

void weightRounding(Suffixes &sx, FormatSpec &spec)
{
    spec.stochasticRounding = sx.flag("sr");
    if (const std::optional<std::string> seed = sx.value("seed")) {
        if (!spec.stochasticRounding)
            throw Error("suffix ':seed' needs ':sr' (only stochastic rounding uses a seed)");
        spec.seed = parseSeed(*seed);
    }
    if (const std::optional<int> acc = sx.accumulator())
        spec.accumulatorBits = *acc;
}

bool parseInteger(const std::string &base, const std::vector<std::string> &suffixes,
                  FormatSpec &spec)
{
    std::optional<std::vector<int>> n = matchNumbers(base, {"int"});
    if (n)
        n->push_back(n->front());
    else
        n = matchNumbers(base, {"w", "a"});
    if (!n)
        return false;
    spec = FormatSpec();
    spec.kind = Kind::Integer;
    checkRange("weight bits", (*n)[0], 2, 16);
    checkRange("activation bits", (*n)[1], 2, 16);
    spec.weightBits = (*n)[0];
    spec.activationBits = (*n)[1];
    Suffixes sx(suffixes, "integer formats");
    spec.perChannelWeights = !sx.flag("pt");
    spec.symmetricActivations = sx.flag("sym");
    weightRounding(sx, spec);
    if (const std::optional<std::string> cal = sx.value("cal")) {
        if (*cal != "minmax" && *cal != "percentile" && *cal != "mse")
            throw Error("calibration '" + *cal + "' is not minmax, percentile or mse");
        spec.calibration = *cal;
    }
    sx.finish();
    spec.name = canonicalName(spec);
    return true;
}

bool parseFixed(const std::string &base, const std::vector<std::string> &suffixes, FormatSpec &spec)
{
    const std::optional<std::vector<int>> n = matchNumbers(base, {"q", "."});
    if (!n)
        return false;
    const int m = (*n)[0];
    const int f = (*n)[1];
    checkRange("integer bits m", m, 1, 16);
    checkRange("fraction bits n", f, 0, 15);
    checkRange("total bits m + n", m + f, 2, 16);
    spec = FormatSpec();
    spec.kind = Kind::FixedPoint;
    spec.weightBits = spec.activationBits = m + f;
    spec.fractionBits = f;
    spec.perChannelWeights = false;
    spec.symmetricActivations = true;
    Suffixes sx(suffixes, "fixed point");
    weightRounding(sx, spec);
    sx.finish();
    spec.name = canonicalName(spec);
    return true;
}

bool parseMinifloat(const std::string &base, const std::vector<std::string> &suffixes,
                    FormatSpec &spec)
{
    int e = 0;
    int m = 0;
    bool ocp = false;
    if (base == "fp16") {
        e = 5, m = 10;
    } else if (base == "bf16") {
        e = 8, m = 7;
    } else if (base == "fp8e4m3") {
        e = 4, m = 3, ocp = true;
    } else if (base == "fp8e5m2") {
        e = 5, m = 2;
    } else if (const std::optional<std::vector<int>> n = matchNumbers(base, {"e", "m"})) {
        e = (*n)[0];
        m = (*n)[1];
        checkRange("exponent bits E", e, 2, 8);
        checkRange("mantissa bits M", m, 0, 23);
    } else {
        return false;
    }
    spec = FormatSpec();
    spec.kind = Kind::Minifloat;
    spec.exponentBits = e;
    spec.mantissaBits = m;
    spec.ocpE4M3 = ocp;
    spec.weightBits = spec.activationBits = 1 + e + m;
    Suffixes sx(suffixes, "minifloats");
    if (sx.flag("inf")) {
        if (ocp)
            throw Error("fp8e4m3 (OCP E4M3) has no infinity, so ':inf' cannot apply; use e4m3 "
                        "for the IEEE-like variant");
        spec.saturate = false;
    }
    spec.accumulateInFormat = sx.flag("acc");
    spec.accumulatorBits = spec.accumulateInFormat ? 1 + e + m : 32;
    sx.finish();
    spec.name = canonicalName(spec);
    return true;
}

bool parseStochastic(const std::string &base, const std::vector<std::string> &suffixes,
                     FormatSpec &spec)
{
    const std::optional<std::vector<int>> n = matchNumbers(base, {"sc"});
    if (!n)
        return false;
    checkRange("stream bits k", (*n)[0], 2, 16);
    spec = FormatSpec();
    spec.kind = Kind::Stochastic;
    spec.scBits = (*n)[0];
    spec.weightBits = spec.activationBits = spec.scBits;
    spec.perChannelWeights = false;
    spec.symmetricActivations = true;
    Suffixes sx(suffixes, "stochastic computing");
    spec.lowDiscrepancy = sx.flag("ld");
    spec.statistical = sx.flag("stat");
    if (const std::optional<std::string> seed = sx.value("seed"))
        spec.seed = parseSeed(*seed);
    sx.finish();
    spec.name = canonicalName(spec);
    return true;
}

} // namespace

void registerBuiltinFormats(FormatRegistry &registry)
{
    registry.add({"fp32, fp64",
                  "full precision: float32 weights, activations and accumulation (fp64: float64 "
                  "accumulation in weighted layers, the reference for checking)",
                  "fp32, fp64", parseFull});
    registry.add({"int<b>, w<b>a<b>",
                  "integer affine (TFLite-style), b = 2..16: weights symmetric per output channel, "
                  "activations asymmetric per tensor from calibration; :pt :sym :acc<b> :sr "
                  ":cal=minmax|percentile|mse",
                  "int<b> or w<b>a<b> (b = 2..16; suffixes :pt :sym :acc<8..64> :sr :seed=<n> "
                  ":cal=minmax|percentile|mse)",
                  parseInteger});
    registry.add({"q<m>.<n>",
                  "fixed point: m integer bits (sign included) and n fraction bits, scale 2^-n, "
                  "m + n = 2..16; :acc<b> :sr",
                  "q<m>.<n> (m >= 1, m + n = 2..16; suffixes :acc<8..64> :sr :seed=<n>)",
                  parseFixed});
    registry.add({"e<E>m<M>, fp16, bf16, fp8e4m3, fp8e5m2",
                  "minifloat (IEEE-like; fp8e4m3 is OCP E4M3: no infinity, max 448), RNE with "
                  "subnormals, saturating; :inf overflows to infinity, :acc accumulates in the "
                  "format",
                  "e<E>m<M> (E = 2..8, M = 0..23), fp16, bf16, fp8e4m3, fp8e5m2 (suffixes :inf "
                  ":acc)",
                  parseMinifloat});
    registry.add({"sc<k>",
                  "stochastic computing, bipolar streams of 2^k bits, k = 2..16: LFSR stream "
                  "generators, XNOR multiply, popcount accumulation; :ld low-discrepancy "
                  "streams, :stat statistical mode",
                  "sc<k> (k = 2..16; suffixes :ld :stat :seed=<n>)", parseStochastic});
}

} // namespace frontier::numeric
