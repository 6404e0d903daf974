#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace frontier::numeric {

// The float datapath a custom format's multiply-accumulate is priced as, and a factor
// over it (decode/encode logic, say). Always reported as an estimate.
struct CustomFormatCost
{
    int exponentBits = 8;
    int mantissaBits = 23; // without the hidden bit
    double overhead = 1.0; // energy factor over that float datapath
    std::string note;      // one line: where the estimate comes from
};

// A number format that is not one of the built-in kinds (FormatSpec::Kind::Custom), e.g.
// a posit format from a plugin. Weights, biases, layer inputs and layer outputs are
// rounded with round(); the dot products accumulate in float32 as an ordered fma chain,
// like a minifloat without :acc (minifloatkernel.h), so the results are the same bits on
// every instruction-set path.
//
// Header-only and free of core symbols: plugins implement it without linking core.
// Implementations must be immutable and thread-safe (round() is called from many threads).
class CustomFormat
{
public:
    virtual ~CustomFormat() = default;

    virtual std::string name() const = 0;   // canonical name, e.g. "posit8es0"
    virtual std::string family() const = 0; // e.g. "posit"; a device's MAC timing key
    virtual int bits() const = 0;           // bits per stored weight and activation
    // The nearest value of the format (its own rounding rule), exactly representable in
    // float. NaN maps to NaN.
    virtual float round(float x) const = 0;
    // round() of `count` values (in and out may be the same array); override it when a
    // loop without a virtual call per value is faster.
    virtual void roundMany(const float *in, float *out, size_t count) const
    {
        for (size_t i = 0; i < count; ++i)
            out[i] = round(in[i]);
    }
    virtual CustomFormatCost cost() const = 0;
};

// A family of custom formats (e.g. posit<n>es<es>): what its names look like and how to
// parse one.
class CustomFormatFamily
{
public:
    virtual ~CustomFormatFamily() = default;

    virtual std::string pattern() const = 0;     // "posit<n>es<es>"
    virtual std::string description() const = 0; // one line
    virtual std::string validForm() const = 0;   // "posit<n>es<es> (n = 2..16, es = 0..3)"
    // nullptr when `base` (the name before any ':' suffix, lower case) is not one of this
    // family's names; throws std::exception with a one-line reason when it is but a number
    // is out of range or a suffix does not apply.
    virtual std::shared_ptr<const CustomFormat> parse(
        const std::string &base, const std::vector<std::string> &suffixes) const = 0;
};

} // namespace frontier::numeric
