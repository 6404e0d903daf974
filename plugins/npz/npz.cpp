#include "npz.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <limits>
#include <stdexcept>

namespace frontier::npz {

namespace {

[[noreturn]] void fail(const std::string &why)
{
    throw std::runtime_error(why);
}

// Little-endian reads with bounds checks against the whole buffer.
struct Reader
{
    const std::vector<uint8_t> &b;

    uint64_t le(uint64_t at, int bytes) const
    {
        if (at > b.size() || uint64_t(bytes) > b.size() - at)
            fail("truncated archive (a record runs past the end of the file)");
        uint64_t v = 0;
        for (int i = bytes - 1; i >= 0; --i)
            v = (v << 8) | b[size_t(at) + size_t(i)];
        return v;
    }
    uint32_t u32(uint64_t at) const { return uint32_t(le(at, 4)); }
    uint16_t u16(uint64_t at) const { return uint16_t(le(at, 2)); }
    uint64_t u64(uint64_t at) const { return le(at, 8); }
};

std::vector<uint8_t> readFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail("cannot be opened");
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    if (size < 0)
        fail("cannot be read");
    in.seekg(0);
    std::vector<uint8_t> bytes(static_cast<size_t>(size));
    if (size > 0 && !in.read(reinterpret_cast<char *>(bytes.data()), size))
        fail("cannot be read");
    return bytes;
}

std::vector<uint8_t> inflateRaw(const uint8_t *in, uint64_t inSize, uint64_t outSize,
                                const std::string &member)
{
    std::vector<uint8_t> out(static_cast<size_t>(outSize));
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
        fail("zlib could not start");
    int rc = Z_OK;
    uint64_t inLeft = inSize;
    const uint8_t *next = in;
    uint64_t produced = 0;
    while (rc == Z_OK) {
        const uInt chunkIn = uInt(std::min<uint64_t>(inLeft, 1u << 30));
        const uInt chunkOut = uInt(std::min<uint64_t>(outSize - produced, 1u << 30));
        z.next_in = const_cast<Bytef *>(next);
        z.avail_in = chunkIn;
        z.next_out = out.data() + produced;
        z.avail_out = chunkOut;
        rc = inflate(&z, Z_NO_FLUSH);
        const uint64_t used = chunkIn - z.avail_in;
        next += used;
        inLeft -= used;
        produced += chunkOut - z.avail_out;
        if (rc == Z_OK && used == 0 && chunkOut == z.avail_out)
            break; // no progress: input or output exhausted
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END || produced != outSize)
        fail("member '" + member + "' does not inflate to its declared " + std::to_string(outSize)
             + " bytes (damaged or truncated)");
    return out;
}

std::string headerValue(const std::string &header, const std::string &key, const std::string &what)
{
    const std::string quoted = "'" + key + "'";
    const size_t at = header.find(quoted);
    if (at == std::string::npos)
        fail(what + ": .npy header has no '" + key + "'");
    size_t colon = header.find(':', at + quoted.size());
    if (colon == std::string::npos)
        fail(what + ": bad .npy header");
    size_t v = colon + 1;
    while (v < header.size() && header[v] == ' ')
        ++v;
    size_t end = v;
    if (v < header.size() && header[v] == '\'') {
        end = header.find('\'', v + 1);
        if (end == std::string::npos)
            fail(what + ": bad .npy header");
        return header.substr(v + 1, end - v - 1);
    }
    if (v < header.size() && header[v] == '(') {
        end = header.find(')', v);
        if (end == std::string::npos)
            fail(what + ": bad .npy header");
        return header.substr(v, end - v + 1);
    }
    while (end < header.size() && header[end] != ',' && header[end] != '}')
        ++end;
    return header.substr(v, end - v);
}

} // namespace

int64_t Array::count() const
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

int Array::itemSize() const
{
    return dtype.size() >= 3 ? std::stoi(dtype.substr(2)) : 0;
}

double Array::at(int64_t i) const
{
    const uint8_t *p = data.data() + i * itemSize();
    switch (kind()) {
    case 'f':
        if (itemSize() == 4) {
            float f;
            std::memcpy(&f, p, 4);
            return f;
        } else {
            double d;
            std::memcpy(&d, p, 8);
            return d;
        }
    case 'b':
    case 'u': {
        uint64_t v = 0;
        std::memcpy(&v, p, size_t(itemSize()));
        return double(v);
    }
    default: {
        int64_t v = 0;
        std::memcpy(&v, p, size_t(itemSize()));
        const int bits = 8 * itemSize();
        if (bits < 64 && (v >> (bits - 1)) & 1)
            v -= int64_t(1) << bits; // sign-extend
        return double(v);
    }
    }
}

Array parseNpy(const std::vector<uint8_t> &bytes, const std::string &what)
{
    static const char magic[] = "\x93NUMPY";
    if (bytes.size() < 10 || std::memcmp(bytes.data(), magic, 6) != 0)
        fail(what + " is not a .npy array (no \\x93NUMPY magic)");
    const int major = bytes[6];
    uint64_t headerLength = 0;
    uint64_t headerStart = 0;
    if (major == 1) {
        headerLength = uint64_t(bytes[8]) | uint64_t(bytes[9]) << 8;
        headerStart = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12)
            fail(what + ": truncated .npy header");
        headerLength = uint64_t(bytes[8]) | uint64_t(bytes[9]) << 8 | uint64_t(bytes[10]) << 16
                       | uint64_t(bytes[11]) << 24;
        headerStart = 12;
    } else {
        fail(what + ": .npy format version " + std::to_string(major) + " (1, 2 or 3 expected)");
    }
    if (headerLength > bytes.size() - headerStart)
        fail(what + ": truncated .npy header");
    const std::string header(reinterpret_cast<const char *>(bytes.data() + headerStart),
                             size_t(headerLength));
    Array a;
    a.dtype = headerValue(header, "descr", what);
    if (a.dtype.size() >= 2 && a.dtype[0] == '=')
        a.dtype[0] = '<';
    if (a.dtype.size() >= 2 && a.dtype[1] == 'O')
        fail(what + ": object arrays (pickles) are not read");
    static const char *const known[] = {"<f4", "<f8", "|u1", "<u1", "|i1", "<i1", "|b1",
                                        "<i2", "<u2", "<i4", "<u4", "<i8", "<u8"};
    bool ok = false;
    for (const char *k : known)
        ok = ok || a.dtype == k;
    if (!ok)
        fail(what + ": dtype '" + a.dtype
             + "' is not read (little-endian float32/64, integers and bool are)");
    if (headerValue(header, "fortran_order", what).find("False") == std::string::npos)
        fail(what + ": Fortran-order arrays are not read (save with np.ascontiguousarray)");
    const std::string shape = headerValue(header, "shape", what);
    if (shape.size() < 2 || shape.front() != '(')
        fail(what + ": bad shape in the .npy header");
    size_t i = 1;
    while (i < shape.size() - 1) {
        while (i < shape.size() - 1 && (shape[i] == ' ' || shape[i] == ','))
            ++i;
        if (i >= shape.size() - 1)
            break;
        size_t j = i;
        while (j < shape.size() - 1 && std::isdigit(static_cast<unsigned char>(shape[j]))
               && j - i < 12)
            ++j;
        if (j == i)
            fail(what + ": bad shape '" + shape + "' in the .npy header");
        a.shape.push_back(std::stoll(shape.substr(i, j - i)));
        i = j;
    }
    int64_t count = 1;
    for (int64_t d : a.shape) {
        if (d < 0 || (d > 0 && count > (int64_t(1) << 40) / d))
            fail(what + ": shape " + shape + " is too large");
        count *= d;
    }
    const uint64_t need = uint64_t(count) * uint64_t(a.itemSize());
    const uint64_t dataStart = headerStart + headerLength;
    if (bytes.size() - dataStart != need)
        fail(what + ": shape " + shape + " needs " + std::to_string(need) + " bytes of data, the "
             + "member has " + std::to_string(bytes.size() - dataStart));
    a.data.assign(bytes.begin() + std::ptrdiff_t(dataStart), bytes.end());
    return a;
}

std::vector<Array> readNpz(const std::string &path)
{
    const std::vector<uint8_t> b = readFile(path);
    const Reader r{b};
    // The end-of-central-directory record: within the last 64 KiB + 22 bytes.
    if (b.size() < 22)
        fail("not a zip archive (too short for .npz)");
    int64_t eocd = -1;
    const int64_t lowest = std::max<int64_t>(0, int64_t(b.size()) - 22 - 65535);
    for (int64_t at = int64_t(b.size()) - 22; at >= lowest; --at) {
        if (r.u32(uint64_t(at)) == 0x06054b50u) {
            eocd = at;
            break;
        }
    }
    if (eocd < 0)
        fail("not a zip archive (no end-of-central-directory record; truncated?)");
    uint64_t entries = r.u16(uint64_t(eocd) + 10);
    uint64_t cdSize = r.u32(uint64_t(eocd) + 12);
    uint64_t cdOffset = r.u32(uint64_t(eocd) + 16);
    if (entries == 0xffff || cdSize == 0xffffffffu || cdOffset == 0xffffffffu) {
        // zip64: the locator sits just before the record.
        if (eocd < 20 || r.u32(uint64_t(eocd) - 20) != 0x07064b50u)
            fail("damaged zip64 archive (no zip64 locator)");
        const uint64_t z64 = r.u64(uint64_t(eocd) - 20 + 8);
        if (r.u32(z64) != 0x06064b50u)
            fail("damaged zip64 archive (no zip64 end record)");
        entries = r.u64(z64 + 32);
        cdSize = r.u64(z64 + 40);
        cdOffset = r.u64(z64 + 48);
    }
    if (cdOffset > b.size() || cdSize > b.size() - cdOffset)
        fail("damaged archive (central directory outside the file; truncated?)");
    if (entries == 0)
        fail("the archive holds no arrays");
    std::vector<Array> arrays;
    uint64_t at = cdOffset;
    for (uint64_t e = 0; e < entries; ++e) {
        if (r.u32(at) != 0x02014b50u)
            fail("damaged archive (bad central directory entry " + std::to_string(e) + ")");
        const uint16_t flags = r.u16(at + 8);
        const uint16_t method = r.u16(at + 10);
        const uint32_t crc = r.u32(at + 16);
        uint64_t compressed = r.u32(at + 20);
        uint64_t size = r.u32(at + 24);
        const uint16_t nameLength = r.u16(at + 28);
        const uint16_t extraLength = r.u16(at + 30);
        const uint16_t commentLength = r.u16(at + 32);
        uint64_t local = r.u32(at + 42);
        r.le(at + 46, nameLength + extraLength + commentLength); // bounds
        const std::string name(reinterpret_cast<const char *>(b.data() + at + 46), nameLength);
        // zip64 sizes and offset, in this order, for the fields that overflowed.
        for (uint64_t x = at + 46 + nameLength; x + 4 <= at + 46 + nameLength + extraLength;) {
            const uint16_t id = r.u16(x);
            const uint16_t length = r.u16(x + 2);
            if (id == 0x0001) {
                uint64_t y = x + 4;
                if (size == 0xffffffffu) {
                    size = r.u64(y);
                    y += 8;
                }
                if (compressed == 0xffffffffu) {
                    compressed = r.u64(y);
                    y += 8;
                }
                if (local == 0xffffffffu)
                    local = r.u64(y);
            }
            x += 4 + uint64_t(length);
        }
        at += 46 + uint64_t(nameLength) + extraLength + commentLength;
        if (flags & 1u)
            fail("member '" + name + "' is encrypted");
        if (r.u32(local) != 0x04034b50u)
            fail("damaged archive (no local header for member '" + name + "')");
        const uint64_t dataAt = local + 30 + r.u16(local + 26) + r.u16(local + 28);
        if (dataAt > b.size() || compressed > b.size() - dataAt)
            fail("truncated archive (member '" + name + "' runs past the end)");
        if (size > (uint64_t(1) << 36) || (method == 8 && size / 1032 > compressed + 1))
            fail("member '" + name + "' declares an implausible size (" + std::to_string(size)
                 + " bytes)");
        std::vector<uint8_t> member;
        if (method == 0) {
            if (compressed != size)
                fail("damaged archive (stored member '" + name + "' has two sizes)");
            member.assign(b.begin() + std::ptrdiff_t(dataAt),
                          b.begin() + std::ptrdiff_t(dataAt + size));
        } else if (method == 8) {
            member = inflateRaw(b.data() + dataAt, compressed, size, name);
        } else {
            fail("member '" + name + "' uses compression method " + std::to_string(method)
                 + " (stored and deflate are read)");
        }
        uLong sum = crc32(0L, Z_NULL, 0);
        for (uint64_t done = 0; done < member.size();) {
            const uInt chunk = uInt(std::min<uint64_t>(member.size() - done, 1u << 30));
            sum = crc32(sum, member.data() + done, chunk);
            done += chunk;
        }
        if (uint32_t(sum) != crc)
            fail("member '" + name + "' fails its CRC check (damaged)");
        if (name.size() < 5 || name.compare(name.size() - 4, 4, ".npy") != 0)
            continue; // not an array (numpy writes only .npy members)
        Array a = parseNpy(member, "member '" + name + "'");
        a.name = name.substr(0, name.size() - 4);
        arrays.push_back(std::move(a));
    }
    if (arrays.empty())
        fail("the archive holds no .npy arrays");
    return arrays;
}

} // namespace frontier::npz
