#include "positplugin.h"

#include "posit.h"

#include <cctype>
#include <cmath>
#include <stdexcept>

namespace frontier::posit {

namespace {

// One posit format as Frontier's kernels and cost model see it.
class PositFormat : public numeric::CustomFormat
{
public:
    explicit PositFormat(Format format)
        : m_format(format)
        , m_rounder(format)
    {}

    std::string name() const override { return m_format.name(); }
    std::string family() const override { return "posit"; }
    int bits() const override { return m_format.n(); }
    float round(float x) const override { return m_rounder.round(x); }
    void roundMany(const float *in, float *out, size_t count) const override
    {
        m_rounder.round(in, out, count);
    }

    numeric::CustomFormatCost cost() const override
    {
        // Priced as a float datapath of the posit's scale range and its largest fraction,
        // plus the regime decoder and encoder around it.
        numeric::CustomFormatCost c;
        const int scales = 2 * ((m_format.n() - 2) << m_format.es()) + 1;
        c.exponentBits = int(std::ceil(std::log2(double(scales))));
        c.mantissaBits = m_format.maxFractionBits();
        c.overhead = 1.3;
        c.note = "priced as an e" + std::to_string(c.exponentBits) + "m"
                 + std::to_string(c.mantissaBits)
                 + " float multiply-add (the posit's scale range and largest fraction) "
                   "x 1.3 for the regime decoder and encoder, an assumption, not a "
                   "measurement";
        return c;
    }

private:
    Format m_format;
    Rounder m_rounder;
};

class PositFamily : public numeric::CustomFormatFamily
{
public:
    std::string pattern() const override { return "posit<n>es<es>"; }
    std::string description() const override
    {
        return "posit<n, es> (2022 Posit Standard rounding; posit<n> = es 2), float32 "
               "accumulation";
    }
    std::string validForm() const override { return "posit<n>[es<es>] (n = 2..16, es = 0..3)"; }

    std::shared_ptr<const numeric::CustomFormat> parse(
        const std::string &base, const std::vector<std::string> &suffixes) const override
    {
        if (base.rfind("posit", 0) != 0)
            return nullptr;
        const std::string rest = base.substr(5);
        size_t at = 0;
        auto number = [&](const char *what) {
            size_t end = at;
            while (end < rest.size() && end - at < 3 && std::isdigit((unsigned char)rest[end]))
                ++end;
            if (end == at)
                throw std::invalid_argument(std::string("expected the ") + what
                                            + " as a number, e.g. posit8es1");
            const int v = std::stoi(rest.substr(at, end - at));
            at = end;
            return v;
        };
        const int n = number("width");
        int es = 2; // the 2022 standard's
        if (at < rest.size()) {
            if (rest.compare(at, 2, "es") != 0)
                throw std::invalid_argument("expected 'es' after the width, e.g. posit8es1");
            at += 2;
            es = number("exponent size");
        }
        if (at != rest.size())
            throw std::invalid_argument("unexpected '" + rest.substr(at) + "' after the name");
        if (!suffixes.empty())
            throw std::invalid_argument("posit formats take no ':' suffixes");
        return std::make_shared<PositFormat>(Format(n, es)); // throws on a bad range
    }
};

} // namespace

std::vector<std::shared_ptr<const numeric::CustomFormatFamily>> PositPlugin::formatFamilies() const
{
    return {std::make_shared<PositFamily>()};
}

} // namespace frontier::posit
