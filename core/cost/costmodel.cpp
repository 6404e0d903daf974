#include "costmodel.h"

#include "energytable.h"
#include "presetlibrary.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <limits>

// Pricing rules: docs/cost-model.md, "Energy and latency". Precedence for the energy of
// any operation: an explicit `pj` in the device's timing entry (a measured kernel), else
// the arithmetic table, else active power × the operation's time.

namespace frontier::cost {

using numeric::FormatSpec;

namespace {

constexpr double kPjPerMwUs = 1000.0; // 1 mW · 1 µs = 1 nJ = 1000 pJ

double sizeOf(const MemoryLevel &m)
{
    return m.size_bytes ? m.size_bytes->value : std::numeric_limits<double>::infinity();
}

double valueOr(const std::optional<Quantity> &q, double fallback = 0)
{
    return q ? q->value : fallback;
}

std::string macKeys(const DeviceSpec &d)
{
    std::string keys;
    for (const auto &[k, v] : d.mac)
        keys += (keys.empty() ? "" : ", ") + k;
    return keys;
}

// The device's timing entry for a format (see DeviceSpec::mac for the keys).
const MacTiming &macTiming(const Preset &preset, const FormatSpec &f)
{
    const DeviceSpec &d = *preset.device;
    auto find = [&](const std::string &key) -> const MacTiming * {
        const auto it = d.mac.find(key);
        return it == d.mac.end() ? nullptr : &it->second;
    };
    const MacTiming *t = nullptr;
    switch (f.kind) {
    case FormatSpec::Kind::Float32:
        t = find("fp32");
        break;
    case FormatSpec::Kind::Float64:
        t = find("fp64");
        break;
    case FormatSpec::Kind::Minifloat:
        t = find(f.name);
        if (!t) {
            std::string key = "e";
            key += std::to_string(f.exponentBits);
            key += 'm';
            key += std::to_string(f.mantissaBits);
            t = find(key);
        }
        if (!t)
            t = find("minifloat");
        break;
    case FormatSpec::Kind::Integer:
    case FormatSpec::Kind::FixedPoint: {
        // The narrowest integer datapath at least as wide as the operands.
        const int width = std::max(f.weightBits, f.activationBits);
        int best = std::numeric_limits<int>::max();
        for (const auto &[key, timing] : d.mac) {
            if (key.rfind("int", 0) != 0)
                continue;
            const int bits = std::stoi(key.substr(3));
            if (bits >= width && bits < best) {
                best = bits;
                t = &timing;
            }
        }
        break;
    }
    case FormatSpec::Kind::Stochastic:
        t = find("sc");
        break;
    case FormatSpec::Kind::Custom:
        // A plugin's format: its own entry, its family's, else the minifloat class (an
        // estimate either way; the cost notes say so).
        t = find(f.name);
        if (!t && f.custom)
            t = find(f.custom->family());
        if (!t)
            t = find("minifloat");
        break;
    }
    if (!t)
        throw Error(preset.where(), "key 'device.mac': no entry for format '" + f.name
                                        + "' (has: " + macKeys(d) + ")");
    return *t;
}

// Adds the counts, energies and latencies of `l` to `sum`.
void addLayerCost(LayerCost &sum, const LayerCost &l)
{
    LayerCounts &s = sum.counts;
    const LayerCounts &c = l.counts;
    s.macs += c.macs;
    s.dotProducts += c.dotProducts;
    s.multiplies += c.multiplies;
    s.additions += c.additions;
    s.comparisons += c.comparisons;
    s.activationEvals += c.activationEvals;
    s.scBitOps += c.scBitOps;
    s.scCounterBits += c.scCounterBits;
    s.scStreams += c.scStreams;
    s.scStreamBits += c.scStreamBits;
    s.weightCount += c.weightCount;
    s.biasCount += c.biasCount;
    s.weightBits += c.weightBits;
    s.activationBitsRead += c.activationBitsRead;
    s.activationBitsWritten += c.activationBitsWritten;
    s.outputBits += c.outputBits;
    sum.computeEnergy_pj += l.computeEnergy_pj;
    sum.memoryEnergy_pj += l.memoryEnergy_pj;
    sum.staticEnergy_pj += l.staticEnergy_pj;
    sum.energy_pj += l.energy_pj;
    sum.computeLatency_us += l.computeLatency_us;
    sum.memoryLatency_us += l.memoryLatency_us;
    sum.latency_us += l.latency_us;
}

} // namespace

CostModel::CostModel(Preset device, CostOptions options)
    : m_preset(std::move(device))
    , m_options(options)
{
    if (!m_preset.device)
        throw Error(m_preset.where(), "preset '" + m_preset.name + "' is a " + m_preset.type
                                          + " preset, not a device");
    if (m_preset.device->arithmetic)
        m_table.emplace(*m_preset.device->arithmetic);
}

CostModel CostModel::load(const std::string &nameOrPath, CostOptions options)
{
    return CostModel(loadPreset(nameOrPath), options);
}

double CostModel::idle_mw() const
{
    return device().idle_mw.value;
}

VariantCost CostModel::evaluate(const model::Model &model, const FormatSpec &format) const
{
    return evaluate(model, std::vector<FormatSpec>{format});
}

VariantCost CostModel::evaluate(const model::Model &model, const std::vector<FormatSpec> &formats,
                                const std::string &variantName) const
{
    const VariantCounts variantCounts = countOperations(model, formats);
    const std::vector<LayerCounts> &counts = variantCounts.layers;

    VariantCost v;
    v.model = model.name;
    v.device = m_preset.name;
    v.variant = variantName;
    if (v.variant.empty()) {
        std::vector<std::string> names;
        for (size_t i = 0; i < counts.size(); ++i) {
            if (counts[i].macs > 0 || counts[i].type == "dense" || counts[i].type == "conv2d")
                names.push_back(counts[i].format.name);
        }
        const bool uniform = std::all_of(names.begin(), names.end(),
                                         [&](const std::string &s) { return s == names.front(); });
        for (size_t i = 0; i < names.size() && !(uniform && i > 0); ++i)
            v.variant += (i ? "," : "") + names[i];
        if (names.empty())
            v.variant = formats.front().name;
    }

    v.weight_bytes = variantCounts.weight_bytes;
    v.peakActivation_bytes = variantCounts.peakActivation_bytes;
    v.memory_bytes = v.weight_bytes + v.peakActivation_bytes;

    // Placement: weights in the smallest level holding weights that they fit in; the
    // activations in the smallest level with room left for them.
    const std::vector<MemoryLevel> &levels = device().memories;
    std::vector<const MemoryLevel *> bySize;
    for (const MemoryLevel &m : levels)
        bySize.push_back(&m);
    std::stable_sort(bySize.begin(), bySize.end(), [](const MemoryLevel *a, const MemoryLevel *b) {
        return sizeOf(*a) < sizeOf(*b);
    });
    const MemoryLevel *wLevel = nullptr;
    const MemoryLevel *largestW = nullptr;
    for (const MemoryLevel *m : bySize) {
        if (!m->holdsWeights)
            continue;
        largestW = m;
        if (!wLevel && sizeOf(*m) >= double(v.weight_bytes))
            wLevel = m;
    }
    if (!wLevel) {
        wLevel = largestW;
        v.fits = false;
        v.fitNote = "weights (" + std::to_string(v.weight_bytes)
                    + " B) exceed every level "
                      "holding weights (largest: "
                    + wLevel->name + ")";
    }
    const MemoryLevel *aLevel = nullptr;
    const MemoryLevel *largestA = nullptr;
    for (const MemoryLevel *m : bySize) {
        if (!m->holdsActivations)
            continue;
        largestA = m;
        const double room = sizeOf(*m) - (m == wLevel ? double(v.weight_bytes) : 0.0);
        if (!aLevel && room >= double(v.peakActivation_bytes))
            aLevel = m;
    }
    if (!aLevel) {
        aLevel = largestA;
        v.fits = false;
        v.fitNote += std::string(v.fitNote.empty() ? "" : "; ") + "activations ("
                     + std::to_string(v.peakActivation_bytes)
                     + " B) exceed the room in every "
                       "level holding activations (largest: "
                     + aLevel->name + ")";
    }
    v.weightLevel = wLevel->name;
    v.activationLevel = aLevel->name;

    v.total.counts.name = "total";
    v.total.weightLevel = wLevel->name;
    v.total.activationLevel = aLevel->name;
    for (const LayerCounts &c : counts) {
        v.layers.push_back(costLayer(c, *wLevel, *aLevel));
        addLayerCost(v.total, v.layers.back());
    }
    applyMeasurement(v);
    for (const LayerCost &l : v.layers) {
        const FormatSpec &f = l.counts.format;
        if (f.kind != FormatSpec::Kind::Custom || !f.custom)
            continue;
        std::string line = "format " + f.name + " (plugin " + f.provider
                           + "): arithmetic energy and timing are estimates";
        const std::string note = f.custom->cost().note;
        if (!note.empty())
            line.append(": ").append(note);
        line.append("; devices priced by MAC timings use the format's own entry, else its "
                    "family's ('")
            .append(f.custom->family())
            .append("'), else 'minifloat'");
        if (std::find(v.estimates.begin(), v.estimates.end(), line) == v.estimates.end())
            v.estimates.push_back(line);
    }
    return v;
}

LayerCost CostModel::costLayer(const LayerCounts &c, const MemoryLevel &weights,
                               const MemoryLevel &activations) const
{
    const DeviceSpec &d = device();
    const double clock = d.clock_mhz.value;
    const std::optional<EnergyTable> &table = m_table;
    // Active power × time, for work without an energy of its own.
    auto powered = [&](double cycles, const std::string &what) {
        if (cycles == 0)
            return 0.0;
        if (!d.active_mw)
            throw Error(m_preset.where(), "key 'device.active_mw': missing (needed for " + what
                                              + ", which has no energy of its own)");
        return d.active_mw->value * (cycles / clock) * kPjPerMwUs;
    };

    LayerCost l;
    l.counts = c;
    l.weightLevel = weights.name;
    l.activationLevel = activations.name;
    double computeCycles = 0;
    double memoryCycles = 0;

    // Multiply-accumulates.
    if (c.macs > 0) {
        const MacTiming &t = macTiming(m_preset, c.format);
        const bool sc = c.format.kind == FormatSpec::Kind::Stochastic;
        const double units = sc ? double(c.macs) * double(c.format.streamLength()) : double(c.macs);
        const double macCycles = units * t.cycles.value;
        const double dotCycles = double(c.dotProducts) * valueOr(t.dotCycles);
        computeCycles += macCycles + dotCycles;
        if (t.energy_pj)
            l.computeEnergy_pj += units * t.energy_pj->value;
        else if (table)
            l.computeEnergy_pj
                += sc ? units * (table->spec().scXnor_pj.value + table->spec().scCounter_pj.value)
                      : units * table->mac_pj(c.format, m_options.minifloatAccumulateFp32);
        else
            l.computeEnergy_pj += powered(macCycles, "MACs in " + c.format.name);
        if (t.dotEnergy_pj)
            l.computeEnergy_pj += double(c.dotProducts) * t.dotEnergy_pj->value;
        else if (!table)
            l.computeEnergy_pj += powered(dotCycles, "dot products in " + c.format.name);
    }

    // Element-wise operations, in the layer's arithmetic.
    const FormatSpec &ef = c.format;
    struct Op
    {
        const char *key;
        int64_t count;
    };
    const Op ops[] = {{"add", c.extraAdditions()},
                      {"mul", c.extraMultiplies()},
                      {"compare", c.comparisons},
                      {"activation_function", c.activationEvals},
                      {"sc_generate", c.scStreamBits}};
    for (const Op &op : ops) {
        if (op.count == 0)
            continue;
        const auto it = d.ops.find(op.key);
        if (it == d.ops.end())
            throw Error(m_preset.where(), std::string("key 'device.ops.") + op.key
                                              + "': missing (needed by layer '" + c.name + "')");
        const OpTiming &t = it->second;
        const double n = double(op.count);
        const double cycles = n * t.cycles.value;
        computeCycles += cycles;
        const std::string key = op.key;
        if (t.energy_pj)
            l.computeEnergy_pj += n * t.energy_pj->value;
        else if (table) {
            double e = 0;
            if (key == "add")
                e = table->add_pj(ef);
            else if (key == "mul")
                e = table->mul_pj(ef);
            else if (key == "compare")
                e = table->compare_pj(ef);
            else if (key == "activation_function")
                e = table->spec().activationFunction_pj.value;
            else
                e = table->scGenerate_pj(c.format.scBits);
            l.computeEnergy_pj += n * e;
        } else {
            l.computeEnergy_pj += powered(cycles, key + " operations");
        }
    }

    // Memory: weights read from their level, activations read and written in theirs.
    auto access = [&](const MemoryLevel &m, int64_t bits, bool write) {
        if (bits == 0)
            return;
        const double bytes = double(bits) / 8.0;
        const auto &pjPerBit = write ? m.write_pjPerBit : m.read_pjPerBit;
        const double cycles = bytes * valueOr(write ? m.writeCyclesPerByte : m.readCyclesPerByte);
        memoryCycles += cycles;
        l.memoryEnergy_pj
            += pjPerBit ? double(bits) * pjPerBit->value : powered(cycles, "accesses to " + m.name);
        if (m.transfer_bytes) {
            const double transfers = std::ceil(bytes / m.transfer_bytes->value);
            const auto &fixedPj = write ? m.writeTransfer_pj : m.readTransfer_pj;
            const double fixedCycles
                = transfers * valueOr(write ? m.writeTransferCycles : m.readTransferCycles);
            memoryCycles += fixedCycles;
            l.memoryEnergy_pj += fixedPj ? transfers * fixedPj->value
                                         : powered(fixedCycles, "transfers to " + m.name);
        }
    };
    access(weights, c.weightBits, false);
    access(activations, c.activationBitsRead, false);
    access(activations, c.activationBitsWritten, true);

    l.computeLatency_us = computeCycles / clock;
    l.memoryLatency_us = memoryCycles / clock;
    l.latency_us = l.computeLatency_us + l.memoryLatency_us;
    l.staticEnergy_pj = valueOr(d.leakage_mw) * l.latency_us * kPjPerMwUs;
    l.energy_pj = l.computeEnergy_pj + l.memoryEnergy_pj + l.staticEnergy_pj;
    return l;
}

LayerCost costToHead(const model::Model &model, const VariantCost &cost, int head)
{
    if (head < 0 || head >= int(model.heads.size()))
        throw Error("model '" + model.name + "'", "no head " + std::to_string(head) + " (it has "
                                                      + std::to_string(model.heads.size()) + ")");
    if (cost.layers.size() != model.layers.size())
        throw Error("model '" + model.name + "'", "the cost is not of this model");
    std::vector<bool> needed(model.layers.size(), false);
    for (int h = 0; h <= head; ++h)
        needed[size_t(model.heads[size_t(h)].layer)] = true;
    for (size_t i = model.layers.size(); i-- > 0;) {
        if (!needed[i])
            continue;
        for (int in : model.layers[i]->inputs) {
            if (in >= 0)
                needed[size_t(in)] = true;
        }
    }
    LayerCost sum;
    sum.counts.name = model.heads[size_t(head)].name;
    sum.weightLevel = cost.weightLevel;
    sum.activationLevel = cost.activationLevel;
    for (size_t i = 0; i < needed.size(); ++i) {
        if (needed[i])
            addLayerCost(sum, cost.layers[i]);
    }
    return sum;
}

void CostModel::applyMeasurement(VariantCost &v) const
{
    const Measurement *m = m_measurements.find(v.model, v.variant, v.device);
    if (!m)
        return;
    // Keep the modelled split, scaled so that it sums to the measured totals.
    const double modelledEnergy = v.total.energy_pj;
    const double modelledLatency = v.total.latency_us;
    const double se = modelledEnergy > 0 ? m->energy_pj / modelledEnergy : 0;
    const double sl = modelledLatency > 0 ? m->latency_us / modelledLatency : 0;
    auto scale = [&](LayerCost &l) {
        l.computeEnergy_pj *= se;
        l.memoryEnergy_pj *= se;
        l.staticEnergy_pj *= se;
        l.energy_pj *= se;
        l.computeLatency_us *= sl;
        l.memoryLatency_us *= sl;
        l.latency_us *= sl;
    };
    for (LayerCost &l : v.layers)
        scale(l);
    scale(v.total);
    if (modelledEnergy <= 0)
        v.total.computeEnergy_pj = v.total.energy_pj = m->energy_pj;
    if (modelledLatency <= 0)
        v.total.computeLatency_us = v.total.latency_us = m->latency_us;
    // Exact measured totals (the scaled sums may differ in the last bit).
    v.total.energy_pj = m->energy_pj;
    v.total.latency_us = m->latency_us;
    if (m->memory_bytes)
        v.memory_bytes = *m->memory_bytes;
    v.measured = true;
    v.measurementSource = m->source;
}

} // namespace frontier::cost
