#include "optdigitsloader.h"

#include "contenthash.h"

#include "common/error.h"
#include "common/fileutil.h"

#include <QFileInfo>

#include <cctype>
#include <charconv>

namespace frontier::data {

namespace {

constexpr int kFeatures = 64;

void parseInto(const std::string &path, const std::vector<uint8_t> &bytes, Dataset &set)
{
    const char *p = reinterpret_cast<const char *>(bytes.data());
    const char *end = p + bytes.size();
    int line = 0;
    int samples = 0;
    bool seenFirst = false;
    while (p < end) {
        const char *eol = p;
        while (eol < end && *eol != '\n')
            ++eol;
        ++line;
        const char *stop = eol;
        if (stop > p && stop[-1] == '\r')
            --stop;
        const char *q = p;
        p = eol + 1;
        bool blank = true;
        for (const char *c = q; c < stop; ++c)
            blank = blank && (*c == ' ' || *c == '\t');
        if (blank)
            continue;
        if (!seenFirst) {
            // An optional header line ("Block 1,...,Block 64,Class"): letters, no digits first.
            seenFirst = true;
            const char *c = q;
            while (c < stop && *c == ' ')
                ++c;
            if (c < stop && std::isalpha(static_cast<unsigned char>(*c)))
                continue;
        }

        int field = 0;
        while (true) {
            while (q < stop && *q == ' ')
                ++q;
            int value = -1;
            const auto [next, ec] = std::from_chars(q, stop, value);
            const char *after = next;
            while (after < stop && *after == ' ')
                ++after;
            if (ec != std::errc() || (after < stop && *after != ',')) {
                const char *cellEnd = q;
                while (cellEnd < stop && *cellEnd != ',')
                    ++cellEnd;
                throw Error(path, "row " + std::to_string(line) + ", column "
                                      + std::to_string(field + 1) + ": '" + std::string(q, cellEnd)
                                      + "' is not an integer");
            }
            if (field < kFeatures) {
                if (value < 0 || value > 16) {
                    throw Error(path, "row " + std::to_string(line) + ", column "
                                          + std::to_string(field + 1) + ": value "
                                          + std::to_string(value) + " is outside 0..16");
                }
                set.x.push_back(float(value));
            } else if (field == kFeatures) {
                if (value < 0 || value > 9) {
                    throw Error(path, "row " + std::to_string(line) + ", column "
                                          + std::to_string(field + 1) + ": label "
                                          + std::to_string(value) + " is outside 0..9");
                }
                set.y.push_back(value);
            }
            ++field;
            q = after;
            if (q >= stop)
                break;
            ++q; // the comma
        }
        if (field != kFeatures + 1) {
            throw Error(path, "row " + std::to_string(line) + " has " + std::to_string(field)
                                  + " fields, expected 65 (64 values 0..16 and the label)");
        }
        ++samples;
    }
    if (samples == 0)
        throw Error(path, "no samples (the file is empty)");
}

} // namespace

Dataset loadOptdigits(const std::vector<std::string> &paths)
{
    Dataset set;
    set.shape = {1, 8, 8};
    for (int i = 0; i < 10; ++i)
        set.classNames.push_back(std::to_string(i));
    ContentHash hash;
    for (const std::string &path : paths) {
        const std::vector<uint8_t> bytes = readMaybeGzip(path);
        parseInto(path, bytes, set);
        hash.add(bytes.data(), bytes.size());
        set.source += (set.source.empty() ? "" : " + ") + path;
    }
    if (!paths.empty())
        set.name = QFileInfo(QString::fromStdString(paths.front())).fileName().toStdString();
    set.contentHash = hash.hex();
    return set;
}

Dataset loadOptdigits(const std::string &path)
{
    return loadOptdigits(std::vector<std::string>{path});
}

} // namespace frontier::data
