#include "npy.h"

#include "contenthash.h"

#include "common/error.h"
#include "common/fileutil.h"

#include <QFileInfo>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstring>
#include <map>

static_assert(std::endian::native == std::endian::little, "NPY I/O assumes a little-endian host");

namespace frontier::data {

namespace {

const char kMagic[] = "\x93NUMPY";

struct Header
{
    std::vector<int64_t> shape;
    std::string descr;
    char kind = 0; // 'f', 'u', 'i', 'b'
    int itemSize = 0;
    size_t dataOffset = 0;
    int64_t count = 1;
};

// A minimal reader for the Python dict literal of an NPY header.
class DictParser
{
public:
    DictParser(const std::string &path, const std::string &text)
        : m_path(path)
        , m_text(text)
    {}

    struct Value
    {
        enum class Type { String, Bool, Tuple } type = Type::String;
        std::string text;
        bool flag = false;
        std::vector<int64_t> items;
    };

    std::map<std::string, Value> parse()
    {
        std::map<std::string, Value> dict;
        expect('{');
        while (!peek('}')) {
            const std::string key = string();
            expect(':');
            if (dict.count(key))
                fail("duplicate key '" + key + "'");
            dict[key] = value(key);
            if (!peek('}'))
                expect(',');
        }
        expect('}');
        skipSpace();
        if (m_pos != m_text.size())
            fail("unexpected text after the dictionary");
        return dict;
    }

private:
    [[noreturn]] void fail(const std::string &problem) const
    {
        throw Error(m_path, "bad NPY header: " + problem + " (at character " + std::to_string(m_pos)
                                + " of \"" + m_text + "\")");
    }

    void skipSpace()
    {
        while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos])))
            ++m_pos;
    }

    bool peek(char c)
    {
        skipSpace();
        return m_pos < m_text.size() && m_text[m_pos] == c;
    }

    void expect(char c)
    {
        if (!peek(c))
            fail(std::string("expected '") + c + "'");
        ++m_pos;
    }

    std::string string()
    {
        skipSpace();
        if (m_pos >= m_text.size() || (m_text[m_pos] != '\'' && m_text[m_pos] != '"'))
            fail("expected a quoted string");
        const char quote = m_text[m_pos++];
        const size_t end = m_text.find(quote, m_pos);
        if (end == std::string::npos)
            fail("unterminated string");
        std::string s = m_text.substr(m_pos, end - m_pos);
        m_pos = end + 1;
        return s;
    }

    int64_t integer()
    {
        skipSpace();
        int64_t v = 0;
        size_t digits = 0;
        if (m_pos < m_text.size() && m_text[m_pos] == '-')
            fail("negative dimension");
        while (m_pos < m_text.size() && std::isdigit(static_cast<unsigned char>(m_text[m_pos]))) {
            if (v > (int64_t(1) << 50))
                fail("dimension too large");
            v = v * 10 + (m_text[m_pos++] - '0');
            ++digits;
        }
        if (digits == 0)
            fail("expected an integer");
        if (m_pos < m_text.size() && m_text[m_pos] == 'L') // Python 2 long
            ++m_pos;
        return v;
    }

    Value value(const std::string &key)
    {
        Value v;
        skipSpace();
        if (peek('\'') || peek('"')) {
            v.text = string();
        } else if (m_text.compare(m_pos, 4, "True") == 0) {
            v.type = Value::Type::Bool;
            v.flag = true;
            m_pos += 4;
        } else if (m_text.compare(m_pos, 5, "False") == 0) {
            v.type = Value::Type::Bool;
            m_pos += 5;
        } else if (peek('(')) {
            v.type = Value::Type::Tuple;
            ++m_pos;
            while (!peek(')')) {
                v.items.push_back(integer());
                if (!peek(')'))
                    expect(',');
            }
            ++m_pos;
        } else if (peek('[')) {
            fail("structured dtype in '" + key + "' is not supported");
        } else {
            fail("unexpected value for '" + key + "'");
        }
        return v;
    }

    const std::string &m_path;
    const std::string &m_text;
    size_t m_pos = 0;
};

uint32_t littleEndian(const uint8_t *p, int bytes)
{
    uint32_t v = 0;
    for (int i = bytes - 1; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

Header parseHeader(const std::string &path, const std::vector<uint8_t> &bytes)
{
    if (bytes.size() < 10 || std::memcmp(bytes.data(), kMagic, 6) != 0)
        throw Error(path, "not an NPY file (bad magic; expected \\x93NUMPY)");
    const int major = bytes[6];
    const int minor = bytes[7];
    if (major < 1 || major > 3 || minor != 0) {
        throw Error(path, "unsupported NPY format version " + std::to_string(major) + "."
                              + std::to_string(minor) + " (expected 1.0, 2.0 or 3.0)");
    }
    const int lenBytes = major == 1 ? 2 : 4;
    if (bytes.size() < size_t(8 + lenBytes))
        throw Error(path, "truncated NPY header");
    const size_t headerLen = littleEndian(bytes.data() + 8, lenBytes);
    Header h;
    h.dataOffset = size_t(8 + lenBytes) + headerLen;
    if (h.dataOffset > bytes.size()) {
        throw Error(path, "truncated NPY header: declares " + std::to_string(headerLen)
                              + " bytes, the file has " + std::to_string(bytes.size()) + " in all");
    }
    const std::string text(reinterpret_cast<const char *>(bytes.data()) + 8 + lenBytes, headerLen);
    const std::map<std::string, DictParser::Value> dict = DictParser(path, text).parse();
    for (const char *key : {"descr", "fortran_order", "shape"}) {
        if (!dict.count(key))
            throw Error(path, std::string("bad NPY header: no '") + key + "' key");
    }
    if (dict.size() != 3)
        throw Error(path, "bad NPY header: unexpected keys besides descr, fortran_order, shape");
    const DictParser::Value &descr = dict.at("descr");
    const DictParser::Value &fortran = dict.at("fortran_order");
    const DictParser::Value &shape = dict.at("shape");
    if (descr.type != DictParser::Value::Type::String)
        throw Error(path, "bad NPY header: 'descr' is not a string");
    if (fortran.type != DictParser::Value::Type::Bool)
        throw Error(path, "bad NPY header: 'fortran_order' is not True or False");
    if (shape.type != DictParser::Value::Type::Tuple)
        throw Error(path, "bad NPY header: 'shape' is not a tuple");
    if (fortran.flag) {
        throw Error(path, "Fortran-order (column-major) arrays are not supported; save with "
                          "numpy.ascontiguousarray");
    }
    h.descr = descr.text;
    h.shape = shape.items;
    const std::string &d = h.descr;
    if (d.size() >= 2 && d[0] == '>' && d != ">u1" && d != ">i1" && d != ">b1") {
        throw Error(path, "big-endian dtype '" + d
                              + "' is not supported; save with "
                                "array.astype('<"
                              + d.substr(1) + "')");
    }
    static const std::map<std::string, std::pair<char, int>> types
        = {{"f4", {'f', 4}}, {"f8", {'f', 8}}, {"u1", {'u', 1}}, {"i1", {'i', 1}},
           {"i4", {'i', 4}}, {"i8", {'i', 8}}, {"b1", {'b', 1}}};
    const bool orderOk
        = d.size() == 3 && (d[0] == '<' || d[0] == '|' || d[0] == '=' || d[0] == '>');
    const auto it = orderOk ? types.find(d.substr(1)) : types.end();
    if (it == types.end()) {
        throw Error(path, "unsupported dtype '" + d
                              + "' (supported: float32, float64, uint8, "
                                "int8, int32, int64, bool)");
    }
    h.kind = it->second.first;
    h.itemSize = it->second.second;
    for (int64_t dim : h.shape) {
        if (dim != 0 && h.count > (int64_t(1) << 40) / dim)
            throw Error(path, "NPY shape too large");
        h.count *= dim;
    }
    const int64_t need = h.count * h.itemSize;
    const int64_t have = int64_t(bytes.size() - h.dataOffset);
    if (have < need) {
        throw Error(path, "truncated NPY data: shape needs " + std::to_string(need)
                              + " bytes, the file has " + std::to_string(have));
    }
    if (have > need) {
        throw Error(path, "NPY file has " + std::to_string(have - need)
                              + " bytes after the data its shape declares");
    }
    return h;
}

template<typename T>
T load(const uint8_t *p)
{
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

double element(const Header &h, const uint8_t *data, int64_t i)
{
    const uint8_t *p = data + i * h.itemSize;
    switch (h.kind) {
    case 'f':
        return h.itemSize == 4 ? double(load<float>(p)) : load<double>(p);
    case 'u':
        return double(*p);
    case 'b':
        return *p ? 1.0 : 0.0;
    default:
        switch (h.itemSize) {
        case 1:
            return double(load<int8_t>(p));
        case 4:
            return double(load<int32_t>(p));
        default:
            return double(load<int64_t>(p));
        }
    }
}

std::string shapeText(const std::vector<int64_t> &shape)
{
    std::string s = "(";
    for (size_t i = 0; i < shape.size(); ++i)
        s += std::to_string(shape[i])
             + (shape.size() == 1      ? ","
                : i + 1 < shape.size() ? ", "
                                       : "");
    return s + ")";
}

void writeArray(const std::string &path, const std::vector<int64_t> &shape, const char *descr,
                const void *data, size_t itemSize)
{
    int64_t count = 1;
    for (int64_t d : shape) {
        if (d < 0)
            throw Error(path, "cannot write an NPY array with a negative dimension");
        count *= d;
    }
    std::string dict = std::string("{'descr': '") + descr
                       + "', 'fortran_order': False, 'shape': " + shapeText(shape) + ", }";
    // Pad with spaces so that the data starts on a 64-byte boundary, as NumPy does.
    const size_t unpadded = 10 + dict.size() + 1;
    dict.append((64 - unpadded % 64) % 64, ' ');
    dict += '\n';
    if (dict.size() > 65535)
        throw Error(path, "NPY header too long for format 1.0");
    std::vector<uint8_t> out(10 + dict.size() + size_t(count) * itemSize);
    std::memcpy(out.data(), kMagic, 6);
    out[6] = 1;
    out[7] = 0;
    out[8] = uint8_t(dict.size() & 0xff);
    out[9] = uint8_t(dict.size() >> 8);
    std::memcpy(out.data() + 10, dict.data(), dict.size());
    if (count > 0)
        std::memcpy(out.data() + 10 + dict.size(), data, size_t(count) * itemSize);
    writeFileAtomic(path, out.data(), out.size());
}

NpyArray decodeArray(const std::string &path, const std::vector<uint8_t> &bytes)
{
    const Header h = parseHeader(path, bytes);
    NpyArray a;
    a.shape = h.shape;
    a.dtype = h.descr;
    a.data.resize(size_t(h.count));
    const uint8_t *data = bytes.data() + h.dataOffset;
    if (h.kind == 'f' && h.itemSize == 4) {
        if (h.count > 0)
            std::memcpy(a.data.data(), data, size_t(h.count) * 4);
    } else {
        for (int64_t i = 0; i < h.count; ++i)
            a.data[size_t(i)] = float(element(h, data, i));
    }
    return a;
}

std::vector<int64_t> decodeLabels(const std::string &path, const std::vector<uint8_t> &bytes)
{
    const Header h = parseHeader(path, bytes);
    const bool column = h.shape.size() == 2 && h.shape[1] == 1;
    if (h.shape.size() != 1 && !column)
        throw Error(path, "labels must be a 1-D array, got shape " + shapeText(h.shape));
    std::vector<int64_t> labels(size_t(h.count));
    const uint8_t *data = bytes.data() + h.dataOffset;
    for (int64_t i = 0; i < h.count; ++i) {
        if (h.kind == 'i' && h.itemSize == 8) {
            labels[size_t(i)] = load<int64_t>(data + i * 8);
            continue;
        }
        const double v = element(h, data, i);
        if (!(v == std::floor(v)) || std::abs(v) > 9.0e15) {
            throw Error(path, "label " + std::to_string(i) + " is not a whole number ("
                                  + std::to_string(v) + ")");
        }
        labels[size_t(i)] = int64_t(v);
    }
    return labels;
}

} // namespace

NpyArray readNpy(const std::string &path)
{
    return decodeArray(path, readMaybeGzip(path));
}

void writeNpy(const std::string &path, const std::vector<int64_t> &shape, const float *data)
{
    writeArray(path, shape, "<f4", data, sizeof(float));
}

std::vector<int64_t> readNpyLabels(const std::string &path)
{
    return decodeLabels(path, readMaybeGzip(path));
}

void writeNpyInt64(const std::string &path, const std::vector<int64_t> &shape, const int64_t *data)
{
    writeArray(path, shape, "<i8", data, sizeof(int64_t));
}

void writeNpyInt64(const std::string &path, const std::vector<int64_t> &values)
{
    writeNpyInt64(path, {int64_t(values.size())}, values.data());
}

Dataset loadNpy(const std::string &samplesPath, const std::string &labelsPath, std::string *dtype)
{
    const std::vector<uint8_t> samplesBytes = readMaybeGzip(samplesPath);
    NpyArray a = decodeArray(samplesPath, samplesBytes);
    if (a.shape.empty() || a.shape[0] == 0)
        throw Error(samplesPath,
                    "expected samples of shape (N, ...) with N > 0, got " + shapeText(a.shape));
    Dataset set;
    set.name = QFileInfo(QString::fromStdString(samplesPath)).fileName().toStdString();
    set.source = samplesPath;
    if (a.shape.size() == 1)
        set.shape = {1};
    else if (a.shape.size() == 3)
        set.shape = {1, int(a.shape[1]), int(a.shape[2])};
    else
        set.shape.assign(a.shape.begin() + 1, a.shape.end());
    if (set.sampleSize() == 0)
        throw Error(samplesPath, "samples are empty: shape " + shapeText(a.shape));
    for (size_t i = 0; i < a.data.size(); ++i) {
        if (!std::isfinite(a.data[i])) {
            throw Error(samplesPath, "element " + std::to_string(i) + " (sample "
                                         + std::to_string(int64_t(i) / set.sampleSize())
                                         + ") is not a finite float32 value");
        }
    }
    set.x = std::move(a.data);
    if (dtype)
        *dtype = a.dtype;
    ContentHash hash;
    hash.add(samplesBytes.data(), samplesBytes.size());
    if (!labelsPath.empty()) {
        const std::vector<uint8_t> labelBytes = readMaybeGzip(labelsPath);
        const std::vector<int64_t> labels = decodeLabels(labelsPath, labelBytes);
        if (int64_t(labels.size()) != a.shape[0]) {
            throw Error(labelsPath, "has " + std::to_string(labels.size()) + " labels but "
                                        + samplesPath + " has " + std::to_string(a.shape[0])
                                        + " samples");
        }
        int64_t maxLabel = 0;
        for (size_t i = 0; i < labels.size(); ++i) {
            if (labels[i] < 0 || labels[i] > 65535) {
                throw Error(labelsPath, "label " + std::to_string(i) + " is "
                                            + std::to_string(labels[i]) + " (expected 0..65535)");
            }
            maxLabel = std::max(maxLabel, labels[i]);
        }
        set.y.assign(labels.begin(), labels.end());
        for (int64_t c = 0; c <= maxLabel; ++c)
            set.classNames.push_back(std::to_string(c));
        hash.add(labelBytes.data(), labelBytes.size());
        set.source += " + " + labelsPath;
    }
    set.contentHash = hash.hex();
    return set;
}

} // namespace frontier::data
