#pragma once

// Writes .npy arrays and .npz archives (stored or deflated zip members) for the tests,
// as numpy.savez and numpy.savez_compressed do.

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace frontier::test {

inline std::vector<uint8_t> npyBytes(const std::string &descr, const std::vector<int64_t> &shape,
                                     const void *data, size_t bytes)
{
    std::string shapeText = "(";
    for (size_t i = 0; i < shape.size(); ++i)
        shapeText += std::to_string(shape[i])
                     + (shape.size() == 1      ? ","
                        : i + 1 < shape.size() ? ", "
                                               : "");
    shapeText += ")";
    std::string header
        = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
    while ((10 + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    out.push_back(uint8_t(header.size() & 0xff));
    out.push_back(uint8_t(header.size() >> 8));
    out.insert(out.end(), header.begin(), header.end());
    const auto *p = static_cast<const uint8_t *>(data);
    out.insert(out.end(), p, p + bytes);
    return out;
}

struct ZipMember
{
    std::string name;
    std::vector<uint8_t> bytes;
};

inline void put(std::vector<uint8_t> &b, uint64_t v, int n)
{
    for (int i = 0; i < n; ++i)
        b.push_back(uint8_t(v >> (8 * i)));
}

inline std::vector<uint8_t> zipBytes(const std::vector<ZipMember> &members, bool useDeflate)
{
    std::vector<uint8_t> out;
    std::vector<uint8_t> central;
    for (const ZipMember &m : members) {
        std::vector<uint8_t> data = m.bytes;
        if (useDeflate) {
            z_stream z{};
            deflateInit2(&z, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
            std::vector<uint8_t> packed(deflateBound(&z, uLong(m.bytes.size())));
            z.next_in = const_cast<Bytef *>(m.bytes.data());
            z.avail_in = uInt(m.bytes.size());
            z.next_out = packed.data();
            z.avail_out = uInt(packed.size());
            deflate(&z, Z_FINISH);
            packed.resize(z.total_out);
            deflateEnd(&z);
            data = packed;
        }
        const uint32_t crc = uint32_t(crc32(0, m.bytes.data(), uInt(m.bytes.size())));
        const uint64_t offset = out.size();
        put(out, 0x04034b50u, 4);
        put(out, 20, 2);
        put(out, 0, 2);
        put(out, useDeflate ? 8 : 0, 2);
        put(out, 0, 4); // time, date
        put(out, crc, 4);
        put(out, data.size(), 4);
        put(out, m.bytes.size(), 4);
        put(out, m.name.size(), 2);
        put(out, 0, 2);
        out.insert(out.end(), m.name.begin(), m.name.end());
        out.insert(out.end(), data.begin(), data.end());
        put(central, 0x02014b50u, 4);
        put(central, 20, 2);
        put(central, 20, 2);
        put(central, 0, 2);
        put(central, useDeflate ? 8 : 0, 2);
        put(central, 0, 4);
        put(central, crc, 4);
        put(central, data.size(), 4);
        put(central, m.bytes.size(), 4);
        put(central, m.name.size(), 2);
        put(central, 0, 2); // extra
        put(central, 0, 2); // comment
        put(central, 0, 2); // disk
        put(central, 0, 2); // internal attributes
        put(central, 0, 4); // external attributes
        put(central, offset, 4);
        central.insert(central.end(), m.name.begin(), m.name.end());
    }
    const uint64_t cdOffset = out.size();
    out.insert(out.end(), central.begin(), central.end());
    put(out, 0x06054b50u, 4);
    put(out, 0, 2);
    put(out, 0, 2);
    put(out, members.size(), 2);
    put(out, members.size(), 2);
    put(out, central.size(), 4);
    put(out, cdOffset, 4);
    put(out, 0, 2);
    return out;
}

inline void writeBytes(const std::string &path, const std::vector<uint8_t> &bytes)
{
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
}

} // namespace frontier::test
