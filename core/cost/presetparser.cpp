#include "presetparser.h"

#include "common/jsonutil.h"

#include "energytable.h"

#include "common/error.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <set>

// Validation walks the JSON with one ObjectReader per object: each read consumes a key,
// finish() rejects the keys nobody read (typos), and every problem throws at once with
// the full key path. The first problem is the one reported.

namespace frontier::cost {

namespace {

enum class Range { NonNegative, Positive, Fraction };

std::string number(double v)
{
    return QString::number(v, 'g', 10).toStdString();
}

struct Context
{
    std::string where;
    Preset *preset = nullptr;

    [[noreturn]] void fail(const std::string &key, const std::string &problem) const
    {
        throw Error(where, "key '" + key + "': " + problem);
    }
};

class ObjectReader
{
public:
    ObjectReader(const QJsonObject &object, std::string path, const Context &context)
        : m_object(object)
        , m_path(std::move(path))
        , m_context(context)
    {}

    std::string keyPath(const std::string &key) const
    {
        return m_path.empty() ? key : m_path + "." + key;
    }

    bool has(const std::string &key) const
    {
        return m_object.contains(QString::fromStdString(key));
    }

    QJsonValue take(const std::string &key, const char *expected, QJsonValue::Type type,
                    bool required = true)
    {
        const QString k = QString::fromStdString(key);
        m_seen.insert(key);
        if (!m_object.contains(k)) {
            if (required)
                m_context.fail(keyPath(key), std::string("missing (expected ") + expected + ")");
            return {};
        }
        const QJsonValue v = m_object.value(k);
        if (v.type() != type)
            m_context.fail(keyPath(key),
                           std::string("expected ") + expected + ", got " + jsonTypeName(v));
        return v;
    }

    std::string string(const std::string &key, bool required = true)
    {
        const QJsonValue v = take(key, "a string", QJsonValue::String, required);
        if (required && v.toString().trimmed().isEmpty())
            m_context.fail(keyPath(key), "empty string");
        return v.toString().toStdString();
    }

    int integer(const std::string &key, int lo, int hi)
    {
        const double d = take(key, "an integer", QJsonValue::Double).toDouble();
        if (d != std::floor(d) || d < lo || d > hi)
            m_context.fail(keyPath(key), number(d) + " is not an integer in [" + std::to_string(lo)
                                             + ", " + std::to_string(hi) + "]");
        return int(d);
    }

    QJsonArray array(const std::string &key, bool required = true)
    {
        return take(key, "an array", QJsonValue::Array, required).toArray();
    }

    ObjectReader object(const std::string &key)
    {
        return ObjectReader(take(key, "an object", QJsonValue::Object).toObject(), keyPath(key),
                            m_context);
    }

    Quantity quantity(const std::string &key, Range range = Range::NonNegative)
    {
        ObjectReader q = object(key);
        return q.readQuantity(range);
    }

    std::optional<Quantity> optional(const std::string &key, Range range = Range::NonNegative)
    {
        if (!has(key)) {
            m_seen.insert(key);
            return std::nullopt;
        }
        return quantity(key, range);
    }

    // This object itself is a value: {value, kind, source, note?} plus `extra` keys the
    // caller reads (anchors).
    Quantity readQuantity(Range range)
    {
        Quantity q;
        q.value = take("value", "a number", QJsonValue::Double).toDouble();
        const std::string kind = string("kind");
        if (kind == "measured")
            q.kind = Quantity::Kind::Measured;
        else if (kind == "cited")
            q.kind = Quantity::Kind::Cited;
        else if (kind == "estimate")
            q.kind = Quantity::Kind::Estimate;
        else
            m_context.fail(keyPath("kind"), "'" + kind + "' is not measured, cited or estimate");
        q.source = string("source");
        if (!m_context.preset->sources.count(q.source))
            m_context.fail(keyPath("source"),
                           "unknown source '" + q.source + "' (not a key of 'sources')");
        q.note = string("note", false);
        if (q.value < 0)
            m_context.fail(keyPath("value"), "negative value " + number(q.value));
        if (range == Range::Positive && q.value <= 0)
            m_context.fail(keyPath("value"), "must be > 0, got " + number(q.value));
        if (range == Range::Fraction && (q.value <= 0 || q.value > 1))
            m_context.fail(keyPath("value"), "must be in (0, 1], got " + number(q.value));
        m_context.preset->values.emplace_back(m_path, q);
        return q;
    }

    // Rejects keys nobody read.
    void finish() const
    {
        for (auto it = m_object.begin(); it != m_object.end(); ++it) {
            const std::string key = it.key().toStdString();
            if (!m_seen.count(key))
                m_context.fail(keyPath(key), "unknown key");
        }
    }

    const std::string &path() const { return m_path; }
    const Context &context() const { return m_context; }

private:
    QJsonObject m_object;
    std::string m_path;
    const Context &m_context;
    std::set<std::string> m_seen;
};

// An array of objects, each read by `read(reader, index)`.
template<typename Read>
void forEachObject(ObjectReader &parent, const std::string &key, bool required, Read read)
{
    const QJsonArray items = parent.array(key, required);
    if (required && items.isEmpty())
        parent.context().fail(parent.keyPath(key), "empty array");
    for (int i = 0; i < items.size(); ++i) {
        const std::string path = parent.keyPath(key) + "[" + std::to_string(i) + "]";
        if (!items.at(i).isObject())
            parent.context().fail(path, std::string("expected an object, got ")
                                            + jsonTypeName(items.at(i)));
        ObjectReader item(items.at(i).toObject(), path, parent.context());
        read(item);
        item.finish();
    }
}

std::vector<EnergyAnchor> readAnchors(ObjectReader &parent, const std::string &key, bool isFloat,
                                      double (*feature)(const EnergyAnchor &))
{
    std::vector<EnergyAnchor> anchors;
    forEachObject(parent, key, true, [&](ObjectReader &item) {
        EnergyAnchor a;
        if (isFloat) {
            a.exponentBits = item.integer("exponent_bits", 1, 15);
            a.mantissaBits = item.integer("mantissa_bits", 0, 112);
        } else {
            a.bits = item.integer("bits", 1, 64);
        }
        a.energy_pj = item.readQuantity(Range::Positive);
        anchors.push_back(a);
    });
    std::stable_sort(
        anchors.begin(), anchors.end(),
        [&](const EnergyAnchor &x, const EnergyAnchor &y) { return feature(x) < feature(y); });
    for (size_t i = 1; i < anchors.size(); ++i) {
        if (feature(anchors[i]) == feature(anchors[i - 1]))
            parent.context().fail(parent.keyPath(key), "two anchors of the same width");
    }
    return anchors;
}

ArithmeticSpec readArithmetic(ObjectReader r)
{
    ArithmeticSpec a;
    a.intAdd_pj = readAnchors(r, "int_add_pj", false, intAddFeature);
    a.intMul_pj = readAnchors(r, "int_mul_pj", false, intMulFeature);
    a.floatAdd_pj = readAnchors(r, "float_add_pj", true, floatAddFeature);
    a.floatMul_pj = readAnchors(r, "float_mul_pj", true, floatMulFeature);
    a.scGenerate_pj = readAnchors(r, "sc_generate_pj", false, intAddFeature);
    a.scXnor_pj = r.quantity("sc_xnor_pj", Range::Positive);
    a.scCounter_pj = r.quantity("sc_counter_pj", Range::Positive);
    a.activationFunction_pj = r.quantity("activation_function_pj", Range::Positive);
    r.finish();
    return a;
}

MemoryLevel readMemory(ObjectReader &r)
{
    static const std::set<std::string> kinds = {"register", "sram", "dram", "flash", "fram"};
    MemoryLevel m;
    m.name = r.string("name");
    m.kind = r.string("kind");
    if (!kinds.count(m.kind))
        r.context().fail(r.keyPath("kind"),
                         "'" + m.kind + "' is not register, sram, dram, flash or fram");
    const QJsonArray holds = r.array("holds");
    for (int i = 0; i < holds.size(); ++i) {
        const QString h = holds.at(i).toString();
        if (h == QLatin1String("weights"))
            m.holdsWeights = true;
        else if (h == QLatin1String("activations"))
            m.holdsActivations = true;
        else
            r.context().fail(r.keyPath("holds") + "[" + std::to_string(i) + "]",
                             "expected \"weights\" or \"activations\"");
    }
    m.size_bytes = r.optional("size_bytes", Range::Positive);
    m.read_pjPerBit = r.optional("read_pj_per_bit");
    m.write_pjPerBit = r.optional("write_pj_per_bit");
    m.readCyclesPerByte = r.optional("read_cycles_per_byte");
    m.writeCyclesPerByte = r.optional("write_cycles_per_byte");
    m.transfer_bytes = r.optional("transfer_bytes", Range::Positive);
    m.readTransfer_pj = r.optional("read_transfer_pj");
    m.readTransferCycles = r.optional("read_transfer_cycles");
    m.writeTransfer_pj = r.optional("write_transfer_pj");
    m.writeTransferCycles = r.optional("write_transfer_cycles");
    const bool fixedCosts
        = m.readTransfer_pj || m.readTransferCycles || m.writeTransfer_pj || m.writeTransferCycles;
    if (fixedCosts && !m.transfer_bytes)
        r.context().fail(r.keyPath("transfer_bytes"), "missing (required with per-transfer costs)");
    return m;
}

bool validMacKey(const std::string &key)
{
    static const QRegularExpression pattern(QStringLiteral(
        "^(fp32|fp64|fp16|bf16|fp8e4m3|fp8e5m2|minifloat|sc|int([1-9]|[1-5][0-9]|6[0-4])"
        "|e([1-9]|1[0-5])m([0-9]|[1-9][0-9]|1[01][0-9]))$"));
    return pattern.match(QString::fromStdString(key)).hasMatch();
}

DeviceSpec readDevice(ObjectReader r)
{
    DeviceSpec d;
    d.clock_mhz = r.quantity("clock_mhz", Range::Positive);
    d.active_mw = r.optional("active_mw", Range::Positive);
    d.idle_mw = r.quantity("idle_mw");
    d.sleep_mw = r.optional("sleep_mw");
    d.leakage_mw = r.optional("leakage_mw");
    if (r.has("arithmetic"))
        d.arithmetic = readArithmetic(r.object("arithmetic"));
    else
        r.take("arithmetic", "an object", QJsonValue::Object, false);

    forEachObject(r, "memories", true,
                  [&](ObjectReader &item) { d.memories.push_back(readMemory(item)); });
    std::set<std::string> names;
    bool weights = false, activations = false;
    for (const MemoryLevel &m : d.memories) {
        if (!names.insert(m.name).second)
            r.context().fail(r.keyPath("memories"), "two levels named '" + m.name + "'");
        weights = weights || m.holdsWeights;
        activations = activations || m.holdsActivations;
    }
    if (!weights || !activations)
        r.context().fail(r.keyPath("memories"),
                         std::string("no level holds ") + (weights ? "activations" : "weights"));

    ObjectReader mac = r.object("mac");
    const QJsonObject macObject = r.take("mac", "an object", QJsonValue::Object).toObject();
    if (macObject.isEmpty())
        r.context().fail(r.keyPath("mac"), "no format class");
    for (const QString &key : macObject.keys()) {
        const std::string k = key.toStdString();
        if (!validMacKey(k))
            r.context().fail(mac.keyPath(k), "unknown format class (fp32, fp64, fp16, bf16, "
                                             "e<E>m<M>, minifloat, int<b>, sc)");
        ObjectReader t = mac.object(k);
        MacTiming timing;
        timing.cycles = t.quantity("cycles");
        timing.dotCycles = t.optional("dot_cycles");
        timing.energy_pj = t.optional("pj");
        timing.dotEnergy_pj = t.optional("dot_pj");
        t.finish();
        d.mac[k] = timing;
    }
    mac.finish();

    ObjectReader ops = r.object("ops");
    for (const char *key : {"add", "mul", "compare", "activation_function", "sc_generate"}) {
        const bool required = std::string(key) != "sc_generate";
        if (!required && !ops.has(key)) {
            ops.take(key, "an object", QJsonValue::Object, false);
            continue;
        }
        ObjectReader t = ops.object(key);
        OpTiming timing;
        timing.cycles = t.quantity("cycles");
        timing.energy_pj = t.optional("pj");
        t.finish();
        d.ops[key] = timing;
    }
    ops.finish();
    r.finish();
    return d;
}

LinkSpec readLink(ObjectReader r)
{
    LinkSpec l;
    l.uplink_kbps = r.quantity("uplink_kbps", Range::Positive);
    l.downlink_kbps = r.quantity("downlink_kbps", Range::Positive);
    l.rtt_ms = r.quantity("rtt_ms");
    l.tx_mw = r.optional("tx_mw");
    l.rx_mw = r.optional("rx_mw");
    l.txNjPerByte = r.optional("tx_nj_per_byte");
    l.rxNjPerByte = r.optional("rx_nj_per_byte");
    l.listen_mw = r.optional("listen_mw");
    l.overhead_bytes = r.optional("overhead_bytes");
    l.maxPayload_bytes = r.optional("max_payload_bytes", Range::Positive);
    l.dutyCycle = r.optional("duty_cycle", Range::Fraction);
    l.setup_ms = r.optional("setup_ms");
    l.setup_uj = r.optional("setup_uj");
    if (bool(l.tx_mw) == bool(l.txNjPerByte))
        r.context().fail(r.keyPath("tx_mw"), "give exactly one of tx_mw and tx_nj_per_byte");
    if (bool(l.rx_mw) == bool(l.rxNjPerByte))
        r.context().fail(r.keyPath("rx_mw"), "give exactly one of rx_mw and rx_nj_per_byte");
    r.finish();
    return l;
}

ServerSpec readServer(ObjectReader r)
{
    ServerSpec s;
    s.latency_ms = r.quantity("latency_ms");
    s.energy_mj = r.optional("energy_mj");
    r.finish();
    return s;
}

void readIntermittent(ObjectReader r, Preset &preset)
{
    static const std::pair<const char *, Range> keys[] = {
        {"capacitor_mf", Range::Positive},      {"harvester_ohm", Range::Positive},
        {"supply_v", Range::Positive},          {"v_on_v", Range::Positive},
        {"v_off_v", Range::Positive},           {"energy_margin", Range::Fraction},
        {"reboot_uj", Range::NonNegative},      {"reboot_ms", Range::NonNegative},
        {"sram_buffer_bytes", Range::Positive}, {"nvm_bytes", Range::Positive},
        {"index_words", Range::NonNegative},    {"unpack_int8_cycles", Range::NonNegative},
        {"unpack_int8_nj", Range::NonNegative},
    };
    for (const auto &[key, range] : keys) {
        if (const std::optional<Quantity> q = r.optional(key, range))
            preset.intermittent[key] = *q;
    }
    r.finish();
    const auto &im = preset.intermittent;
    if (im.count("v_on_v") && im.count("v_off_v")
        && im.at("v_on_v").value <= im.at("v_off_v").value)
        r.context().fail(r.keyPath("v_on_v"), "must be above v_off_v");
}

} // namespace

Preset parsePreset(const std::string &json, const std::string &where,
                   const std::string &expectedName)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw Error(where, "bad JSON at offset " + std::to_string(parseError.offset) + ": "
                               + parseError.errorString().toStdString());
    if (!doc.isObject())
        throw Error(where, "a preset is a JSON object");
    checkUniqueKeys(QByteArray::fromStdString(json), where);

    Preset preset;
    Context context{where, &preset};
    ObjectReader top(doc.object(), {}, context);

    const int schema = top.integer("schema", 1, 1000000);
    if (schema > kPresetSchemaVersion)
        context.fail("schema", "version " + std::to_string(schema)
                                   + " is newer than this "
                                     "Frontier reads ("
                                   + std::to_string(kPresetSchemaVersion) + ")");
    preset.name = top.string("name");
    static const QRegularExpression namePattern(QStringLiteral("^[a-z0-9][a-z0-9._-]*$"));
    if (!namePattern.match(QString::fromStdString(preset.name)).hasMatch())
        context.fail("name", "'" + preset.name + "' is not lower-case letters, digits, . _ -");
    if (!expectedName.empty() && preset.name != expectedName)
        context.fail("name",
                     "'" + preset.name + "' differs from the file name '" + expectedName + "'");
    preset.type = top.string("type");
    preset.description = top.string("description");

    ObjectReader sources = top.object("sources");
    const QJsonObject sourceObject = doc.object().value(QStringLiteral("sources")).toObject();
    for (auto it = sourceObject.begin(); it != sourceObject.end(); ++it)
        preset.sources[it.key().toStdString()] = sources.string(it.key().toStdString());
    if (preset.sources.empty())
        context.fail("sources", "no source");

    if (preset.type == "device") {
        preset.device = readDevice(top.object("device"));
        if (top.has("intermittent"))
            readIntermittent(top.object("intermittent"), preset);
    } else if (preset.type == "link") {
        preset.link = readLink(top.object("link"));
    } else if (preset.type == "server") {
        preset.server = readServer(top.object("server"));
    } else {
        context.fail("type", "'" + preset.type + "' is not device, link or server");
    }
    top.finish();
    return preset;
}

} // namespace frontier::cost
