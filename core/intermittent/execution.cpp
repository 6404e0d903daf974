#include "execution.h"

#include "common/error.h"
#include "model/layers/layer.h"
#include "numeric/formatspec.h"
#include "numeric/weightedgeometry.h"

#include <algorithm>
#include <array>
#include <cmath>

// Cost of one tile (docs/intermittent.md, "Execution model"):
//   input tile   tn·inRows(tr)·inCols values, one DMA per input row
//   weight tile  tm·tn·kh·kw values (+ tm biases with the first input-channel tile), one DMA
//   partial sum  tm·tr·c values, one DMA per output row, read back unless still in SRAM
//   compute      conv: kh·tr·c·tm LEA calls of length kw·tn (a kernel row across the tile's
//                channels, contiguous in channel-tiled HWC layout), each followed by a scalar
//                add into the partial sum (iNAS: S·Kh·Kw·Tr·Tc·Tm·(E_vmac(Tn) + E_add));
//                dense: tm calls of length tn; pool: (kh·kw − 1) compares (max) or adds
//                and one multiply (average) per output, on the CPU
//   last tile    fused element-wise ops per output; int8: one multiply to requantize
//   preserve     every output slot of the task (final outputs int8-packed, partial sums
//                Q15), one DMA per row, then the loop indices
// int8 halves the DMA words of inputs, weights and final outputs and pays one widening per
// value fetched. A cold task (first after a reboot) also fetches the loop indices.

namespace frontier::intermittent {

namespace {

std::vector<int> divisors(int v)
{
    std::vector<int> d;
    for (int i = 1; i <= v; ++i)
        if (v % i == 0)
            d.push_back(i);
    return d;
}

int64_t packedWords(int64_t values, DataFormat format)
{
    return format == DataFormat::Int8 ? (values + 1) / 2 : values;
}

struct Counts
{
    int nm = 1, nr = 1, nn = 1;
};

Counts countsOf(const ExecLayer &l, const Tiling &t)
{
    Counts c;
    c.nm = l.m / t.tm;
    c.nr = l.r / t.tr;
    c.nn = l.kind == ExecLayer::Kind::Pool ? 1 : l.n / t.tn;
    return c;
}

} // namespace

const char *dataFormatName(DataFormat format)
{
    return format == DataFormat::Int8 ? "int8" : "q15";
}

DataFormat dataFormatOf(const std::string &formatName, const std::string &where)
{
    numeric::FormatSpec f;
    try {
        f = numeric::parseFormat(formatName);
    } catch (const Error &e) {
        throw Error(where, "key 'format': " + std::string(e.what()));
    }
    const bool integer = f.kind == numeric::FormatSpec::Kind::Integer
                         || f.kind == numeric::FormatSpec::Kind::FixedPoint;
    const int bits = std::max(f.weightBits, f.activationBits);
    if (!integer || bits > 16)
        throw Error(where, "key 'format': '" + formatName
                               + "' does not run on the vector unit, which computes in Q15: use "
                                 "int8, int16 or q1.15");
    return bits <= 8 ? DataFormat::Int8 : DataFormat::Q15;
}

int64_t ExecLayer::macs() const
{
    if (kind == Kind::Pool)
        return 0;
    return int64_t(m) * groups * r * c * n * kh * kw;
}

int64_t ExecLayer::weights() const
{
    if (kind == Kind::Pool)
        return 0;
    return int64_t(m) * groups * (int64_t(n) * kh * kw + 1);
}

namespace {

// The execution layers of model.layers[order[0..]], in that order. Every layer reads one
// input: the previous layer of `order`, or (the first one) the model input or any layer
// run before (an early-exit branch leaves the backbone there).
std::vector<ExecLayer> layersOf(const model::Model &model, const std::vector<int> &order,
                                const std::vector<model::Shape> &shapes, const std::string &where)
{
    std::vector<ExecLayer> out;
    std::vector<bool> isHead(model.layers.size(), false);
    for (const model::Head &h : model.heads)
        if (h.layer >= 0 && size_t(h.layer) < isHead.size())
            isHead[size_t(h.layer)] = true;
    for (size_t at = 0; at < order.size(); ++at) {
        const int i = order[at];
        const model::Layer &layer = *model.layers[size_t(i)];
        const std::string type = layer.type();
        auto fail = [&](const std::string &problem) {
            throw Error(where, "layer '" + layer.name + "' (" + type + "): " + problem);
        };
        const bool chained = layer.inputs.size() == 1
                             && (at == 0 ? layer.inputs[0] < i : layer.inputs[0] == order[at - 1]);
        if (!chained)
            fail("the intermittent execution model runs chains of layers only (early-exit "
                 "branches allowed; no residual adds)");
        const int inputIndex = layer.inputs[0];
        const model::Shape input = inputIndex < 0 ? model.inputShape : shapes[size_t(inputIndex)];
        if (type == "conv2d" || type == "dense") {
            const numeric::WeightedGeometry g = numeric::WeightedGeometry::of(layer, input);
            ExecLayer e;
            e.name = layer.name;
            e.m = g.outputsPerGroup();
            e.groups = g.groups;
            if (g.conv) {
                if (g.sh != g.sw)
                    fail("unequal strides are not supported");
                e.kind = ExecLayer::Kind::Conv;
                e.n = g.channelsPerGroup();
                e.r = g.oh;
                e.c = g.ow;
                e.kh = g.kh;
                e.kw = g.kw;
                e.stride = g.sh;
            } else {
                e.kind = ExecLayer::Kind::Dense;
                e.n = int(g.k);
            }
            out.push_back(e);
        } else if (type == "maxpool" || type == "avgpool" || type == "globalavgpool") {
            const model::Shape &o = shapes[size_t(i)];
            if (input.size() != 3 || o.size() != 3)
                fail("pooling needs a {C, H, W} input");
            ExecLayer e;
            e.name = layer.name;
            e.kind = ExecLayer::Kind::Pool;
            e.maxPool = type == "maxpool";
            e.m = e.n = input[0];
            e.r = o[1];
            e.c = o[2];
            if (type == "globalavgpool") {
                e.kh = input[1];
                e.kw = input[2];
                e.stride = 1;
            } else {
                const model::Attributes a = layer.attributes();
                const std::vector<int> k = model::attrInts(a, type, "kernel", {2, 2});
                const std::vector<int> s = model::attrInts(a, type, "stride", k);
                e.kh = k.at(0);
                e.kw = k.size() > 1 ? k[1] : k[0];
                e.stride = s.at(0);
                if ((s.size() > 1 ? s[1] : s[0]) != e.stride)
                    fail("unequal strides are not supported");
            }
            out.push_back(e);
        } else if (type == "relu" || type == "clip" || type == "leakyrelu") {
            if (out.empty())
                fail("an element-wise layer before the first weighted layer");
            ++out.back().fusedCompares;
        } else if (type == "sigmoid" || type == "tanh") {
            if (out.empty())
                fail("an element-wise layer before the first weighted layer");
            ++out.back().fusedActivations;
        } else if (type == "softmax") {
            if (out.empty() || !isHead[size_t(i)])
                fail("softmax is supported as a head's last layer only (the device reports "
                     "the argmax)");
            ++out.back().fusedCompares;
        } else if (type == "batchnorm") {
            if (out.empty() || out.back().kind == ExecLayer::Kind::Pool)
                fail("batch norm must follow a conv or dense layer (it is folded into it)");
        } else if (type == "flatten" || type == "reshape" || type == "view") {
            // a view: no data moved
        } else {
            fail("not supported by the intermittent execution model");
        }
    }
    return out;
}

// The layers that `layer` needs (itself and its ancestors), in model order.
std::vector<int> ancestorsOf(const model::Model &model, int layer)
{
    std::vector<bool> need(model.layers.size(), false);
    need[size_t(layer)] = true;
    for (int i = layer; i >= 0; --i)
        if (need[size_t(i)])
            for (int in : model.layers[size_t(i)]->inputs)
                if (in >= 0)
                    need[size_t(in)] = true;
    std::vector<int> out;
    for (int i = 0; i <= layer; ++i)
        if (need[size_t(i)])
            out.push_back(i);
    return out;
}

} // namespace

std::vector<ExecStage> executionStages(const model::Model &model, const std::string &where)
{
    const std::vector<model::Shape> shapes = model.layerShapes();
    std::vector<ExecStage> stages;
    std::vector<bool> done(model.layers.size(), false);
    std::vector<model::Head> heads = model.heads;
    if (heads.empty() && !model.layers.empty())
        heads.push_back({"output", int(model.layers.size()) - 1, 1.0f});
    for (const model::Head &head : heads) {
        if (head.layer < 0 || size_t(head.layer) >= model.layers.size())
            throw Error(where, "head '" + head.name + "' names no layer");
        std::vector<int> order;
        for (int i : ancestorsOf(model, head.layer))
            if (!done[size_t(i)]) {
                order.push_back(i);
                done[size_t(i)] = true;
            }
        ExecStage stage;
        stage.head = head.name;
        stage.layers = layersOf(model, order, shapes, where);
        if (stage.layers.empty())
            throw Error(where, "head '" + head.name
                                   + "' adds no conv, dense or pooling layer to the heads "
                                     "before it");
        stages.push_back(std::move(stage));
    }
    for (size_t i = 0; i < done.size(); ++i)
        if (!done[i])
            throw Error(where, "layer '" + model.layers[i]->name + "' (" + model.layers[i]->type()
                                   + "): feeds no head");
    return stages;
}

std::vector<ExecLayer> executionLayers(const model::Model &model, const std::string &where)
{
    std::vector<ExecLayer> out;
    for (ExecStage &stage : executionStages(model, where))
        out.insert(out.end(), std::make_move_iterator(stage.layers.begin()),
                   std::make_move_iterator(stage.layers.end()));
    return out;
}

const char *loopOrderName(LoopOrder order)
{
    switch (order) {
    case LoopOrder::ReuseOutputs:
        return "reuse_O";
    case LoopOrder::ReuseInputs:
        return "reuse_I";
    case LoopOrder::ReuseWeights:
        return "reuse_W";
    }
    return "?";
}

std::string Tiling::label() const
{
    return "tm=" + std::to_string(tm) + " tr=" + std::to_string(tr) + " tn=" + std::to_string(tn)
           + " " + loopOrderName(order)
           + " S=" + (tilesPerTask == 0 ? std::string("layer") : std::to_string(tilesPerTask));
}

int innerCount(const ExecLayer &layer, const Tiling &t)
{
    const Counts c = countsOf(layer, t);
    switch (t.order) {
    case LoopOrder::ReuseOutputs:
        return layer.kind == ExecLayer::Kind::Pool ? c.nr : c.nn;
    case LoopOrder::ReuseInputs:
        return c.nm;
    case LoopOrder::ReuseWeights:
        return c.nr;
    }
    return 1;
}

bool validTiling(const ExecLayer &l, const Tiling &t)
{
    if (t.tm < 1 || t.tr < 1 || t.tn < 1 || l.m % t.tm || l.r % t.tr)
        return false;
    if (l.kind == ExecLayer::Kind::Pool) {
        if (t.tn != t.tm || t.order != LoopOrder::ReuseOutputs)
            return false;
    } else if (l.n % t.tn || (t.tn % 2 && t.tn != l.n)) {
        return false;
    }
    if (t.tilesPerTask < 0)
        return false;
    return t.tilesPerTask == 0 || innerCount(l, t) % t.tilesPerTask == 0;
}

int64_t sramBytes(const ExecLayer &l, const Tiling &t, const Platform &platform)
{
    const int64_t in = int64_t(t.tn) * l.inRows(t.tr) * l.inCols();
    const int64_t w
        = l.kind == ExecLayer::Kind::Pool ? 0 : int64_t(t.tm) * t.tn * l.kh * l.kw + t.tm;
    const int64_t o = int64_t(t.tm) * t.tr * l.c;
    const int slots
        = t.order == LoopOrder::ReuseOutputs || t.tilesPerTask == 0 ? 1 : t.tilesPerTask;
    return 2 * (in + w + o * slots + platform.indexWords);
}

std::vector<Tiling> tilingsThatFit(const ExecLayer &l, const Platform &platform)
{
    std::vector<Tiling> out;
    const bool pool = l.kind == ExecLayer::Kind::Pool;
    const std::vector<int> tms = divisors(l.m), trs = divisors(l.r), tns = divisors(l.n);
    for (int tm : tms)
        for (int tr : trs)
            for (int tn : pool ? std::vector<int>{tm} : tns)
                for (LoopOrder order :
                     {LoopOrder::ReuseOutputs, LoopOrder::ReuseInputs, LoopOrder::ReuseWeights}) {
                    if (pool && order != LoopOrder::ReuseOutputs)
                        continue;
                    Tiling t{tm, tr, tn, order, 1};
                    if (!validTiling(l, t) || sramBytes(l, t, platform) > platform.sram_bytes)
                        continue;
                    for (int s : divisors(innerCount(l, t))) {
                        t.tilesPerTask = s;
                        if (sramBytes(l, t, platform) <= platform.sram_bytes)
                            out.push_back(t);
                    }
                }
    return out;
}

namespace {

// What SRAM holds after a task: the last input and weight tiles and the output slots.
struct Resident
{
    int64_t input = -1;
    int64_t weight = -1;
    std::vector<int64_t> outputs;
};

class LayerCoster
{
public:
    LayerCoster(const ExecLayer &l, const Tiling &t, DataFormat f, const Platform &p)
        : m_l(l)
        , m_t(t)
        , m_f(f)
        , m_p(p)
        , m_c(countsOf(l, t))
    {
        const bool pool = l.kind == ExecLayer::Kind::Pool;
        const int64_t inValues = int64_t(t.tn) * l.inRows(t.tr) * l.inCols();
        const int64_t inRowWords = packedWords(int64_t(t.tn) * l.inCols(), f);
        m_input.fetch_J = l.inRows(t.tr) * p.dmaRead.energy_J(double(inRowWords));
        m_input.fetch_s = p.seconds(l.inRows(t.tr) * p.dmaRead.cycles(double(inRowWords)));
        if (f == DataFormat::Int8)
            widen(m_input, inValues);
        if (!pool) {
            const int64_t wValues = int64_t(t.tm) * t.tn * l.kh * l.kw;
            const int64_t wWords = packedWords(wValues, f);
            m_weight.fetch_J = p.dmaRead.energy_J(double(wWords));
            m_weight.fetch_s = p.seconds(p.dmaRead.cycles(double(wWords)));
            if (f == DataFormat::Int8)
                widen(m_weight, wValues);
            m_bias.fetch_J = p.dmaRead.perItem_J * t.tm;
            m_bias.fetch_s = p.seconds(p.dmaRead.perItemCycles * t.tm);
        }
        const int64_t outValues = int64_t(t.tm) * t.tr * l.c;
        const int64_t rowValues = int64_t(t.tm) * l.c;
        m_psumIn.fetch_J = t.tr * p.dmaRead.energy_J(double(rowValues));
        m_psumIn.fetch_s = p.seconds(t.tr * p.dmaRead.cycles(double(rowValues)));
        m_psumOut.preserve_J = t.tr * p.dmaWrite.energy_J(double(rowValues));
        m_psumOut.preserve_s = p.seconds(t.tr * p.dmaWrite.cycles(double(rowValues)));
        const int64_t finalRow = packedWords(rowValues, f);
        m_finalOut.preserve_J = t.tr * p.dmaWrite.energy_J(double(finalRow));
        m_finalOut.preserve_s = p.seconds(t.tr * p.dmaWrite.cycles(double(finalRow)));

        double cycles = 0, energy = 0;
        if (l.kind == ExecLayer::Kind::Conv || l.kind == ExecLayer::Kind::Dense) {
            const double calls = double(l.kh) * t.tr * l.c * t.tm;
            const double length = double(l.kw) * t.tn;
            cycles = calls * (p.vmac.cycles(length) + p.add.cycles);
            energy = calls * (p.vmac.energy_J(length) + p.add.energy_J);
            m_macs = int64_t(calls * length);
        } else {
            const double window = double(l.kh) * l.kw;
            if (l.maxPool) {
                cycles = double(outValues) * (window - 1) * p.compare.cycles;
                energy = double(outValues) * (window - 1) * p.compare.energy_J;
            } else {
                cycles = double(outValues) * ((window - 1) * p.add.cycles + p.mul.cycles);
                energy = double(outValues) * ((window - 1) * p.add.energy_J + p.mul.energy_J);
            }
        }
        m_compute.compute_J = energy;
        m_compute.compute_s = p.seconds(cycles);
        double fc = double(outValues)
                    * (l.fusedCompares * p.compare.cycles + l.fusedActivations * p.divide.cycles);
        double fe
            = double(outValues)
              * (l.fusedCompares * p.compare.energy_J + l.fusedActivations * p.divide.energy_J);
        if (f == DataFormat::Int8) {
            fc += double(outValues) * p.mul.cycles;
            fe += double(outValues) * p.mul.energy_J;
        }
        m_finish.compute_J = fe;
        m_finish.compute_s = p.seconds(fc);
        m_index.fetch_J = p.dmaRead.energy_J(p.indexWords);
        m_index.fetch_s = p.seconds(p.dmaRead.cycles(p.indexWords));
        m_commit.preserve_J = p.dmaWrite.energy_J(p.indexWords);
        m_commit.preserve_s = p.seconds(p.dmaWrite.cycles(p.indexWords));
    }

    void append(int layerIndex, Program &program) const
    {
        // The tiles in loop order, as (m, r, n) indices.
        std::vector<std::array<int, 3>> tiles;
        tiles.reserve(size_t(m_c.nm) * m_c.nr * m_c.nn);
        switch (m_t.order) {
        case LoopOrder::ReuseOutputs:
            for (int mi = 0; mi < m_c.nm; ++mi)
                for (int ri = 0; ri < m_c.nr; ++ri)
                    for (int ni = 0; ni < m_c.nn; ++ni)
                        tiles.push_back({mi, ri, ni});
            break;
        case LoopOrder::ReuseInputs:
            for (int ri = 0; ri < m_c.nr; ++ri)
                for (int ni = 0; ni < m_c.nn; ++ni)
                    for (int mi = 0; mi < m_c.nm; ++mi)
                        tiles.push_back({mi, ri, ni});
            break;
        case LoopOrder::ReuseWeights:
            for (int mi = 0; mi < m_c.nm; ++mi)
                for (int ni = 0; ni < m_c.nn; ++ni)
                    for (int ri = 0; ri < m_c.nr; ++ri)
                        tiles.push_back({mi, ri, ni});
            break;
        }
        const size_t perTask = m_t.tilesPerTask == 0 ? tiles.size() : size_t(m_t.tilesPerTask);
        program.tasks.reserve(program.tasks.size()
                              + size_t(m_l.groups) * ((tiles.size() + perTask - 1) / perTask));
        Resident state, after, empty;
        for (int g = 0; g < m_l.groups; ++g) {
            for (size_t begin = 0; begin < tiles.size(); begin += perTask) {
                const size_t end = std::min(tiles.size(), begin + perTask);
                Task task;
                task.layer = layerIndex;
                task.cold = cost(tiles, begin, end, g, empty, after);
                task.cold += m_index;
                task.warm = cost(tiles, begin, end, g, state, after);
                task.macs = m_macs * int64_t(end - begin);
                program.tasks.push_back(task);
                std::swap(state, after);
            }
        }
    }

    // The compute of every tile and the final outputs' fused operations.
    TaskCost computeTotal() const
    {
        const double tiles = double(m_c.nm) * m_c.nr * m_c.nn * m_l.groups;
        const double finals = double(m_c.nm) * m_c.nr * m_l.groups;
        TaskCost c;
        c.compute_J = tiles * m_compute.compute_J + finals * m_finish.compute_J;
        c.compute_s = tiles * m_compute.compute_s + finals * m_finish.compute_s;
        return c;
    }

private:
    void widen(TaskCost &c, int64_t values) const
    {
        c.fetch_J += double(values) * m_p.unpackInt8.energy_J;
        c.fetch_s += m_p.seconds(double(values) * m_p.unpackInt8.cycles);
    }

    TaskCost cost(const std::vector<std::array<int, 3>> &tiles, size_t begin, size_t end, int group,
                  const Resident &initial, Resident &after) const
    {
        TaskCost c;
        const int64_t groupBase = int64_t(group) * m_c.nm * m_c.nr * m_c.nn;
        Resident &state = m_state;
        state.input = initial.input;
        state.weight = initial.weight;
        state.outputs.assign(initial.outputs.begin(), initial.outputs.end());
        std::vector<int64_t> &written = m_written;
        std::vector<char> &final = m_final;
        written.clear();
        final.clear();
        for (size_t i = begin; i < end; ++i) {
            const auto [mi, ri, ni] = tiles[i];
            const int64_t inId = groupBase + int64_t(ni) * m_c.nr + ri;
            const int64_t wId = groupBase + int64_t(mi) * m_c.nn + ni;
            const int64_t outId = groupBase + int64_t(mi) * m_c.nr + ri;
            if (inId != state.input) {
                c += m_input;
                state.input = inId;
            }
            if (m_l.kind != ExecLayer::Kind::Pool && wId != state.weight) {
                c += m_weight;
                if (ni == 0)
                    c += m_bias;
                state.weight = wId;
            }
            const bool resident = std::find(state.outputs.begin(), state.outputs.end(), outId)
                                  != state.outputs.end();
            if (ni > 0 && !resident)
                c += m_psumIn;
            if (!resident)
                state.outputs.push_back(outId);
            c += m_compute;
            const bool last = ni == m_c.nn - 1;
            if (last)
                c += m_finish;
            const auto w = std::find(written.begin(), written.end(), outId);
            if (w == written.end()) {
                written.push_back(outId);
                final.push_back(char(last));
            } else {
                final[size_t(w - written.begin())] = char(last);
            }
        }
        for (size_t i = 0; i < written.size(); ++i)
            c += final[i] ? m_finalOut : m_psumOut;
        c += m_commit;
        after.input = state.input;
        after.weight = state.weight;
        after.outputs.assign(written.begin(), written.end());
        return c;
    }

    const ExecLayer &m_l;
    const Tiling &m_t;
    const DataFormat m_f;
    const Platform &m_p;
    const Counts m_c;
    TaskCost m_input, m_weight, m_bias, m_psumIn, m_psumOut, m_finalOut, m_compute, m_finish,
        m_index, m_commit;
    int64_t m_macs = 0;
    mutable Resident m_state;
    mutable std::vector<int64_t> m_written;
    mutable std::vector<char> m_final;
};

} // namespace

TaskCost computeBound(const ExecLayer &layer, const Tiling &tiling, DataFormat format,
                      const Platform &platform)
{
    return LayerCoster(layer, tiling, format, platform).computeTotal();
}

void appendLayerTasks(const ExecLayer &layer, int layerIndex, const Tiling &tiling,
                      DataFormat format, const Platform &platform, Program &program)
{
    LayerCoster(layer, tiling, format, platform).append(layerIndex, program);
}

Program buildProgram(const std::vector<ExecLayer> &layers, const Configuration &config,
                     const Platform &platform, const std::string &where)
{
    if (config.tilings.size() != layers.size())
        throw Error(where, "key 'tilings': " + std::to_string(config.tilings.size())
                               + " tilings for " + std::to_string(layers.size()) + " layers");
    Program program;
    for (size_t i = 0; i < layers.size(); ++i) {
        const ExecLayer &l = layers[i];
        const Tiling &t = config.tilings[i];
        if (!validTiling(l, t))
            throw Error(where, "layer '" + l.name + "': tiling " + t.label()
                                   + " does not divide the layer");
        const int64_t bytes = sramBytes(l, t, platform);
        if (bytes > platform.sram_bytes)
            throw Error(where, "layer '" + l.name + "': tiling " + t.label() + " needs "
                                   + std::to_string(bytes) + " B of SRAM, more than the "
                                   + std::to_string(platform.sram_bytes) + " B available");
        program.layerNames.push_back(l.name);
        if (t.tilesPerTask > 0) {
            appendLayerTasks(l, int(i), t, config.format, platform, program);
            continue;
        }
        // Checkpoints at layer boundaries only: the layer's tile tasks merged into one,
        // cold only for its first tile.
        Tiling perTile = t;
        perTile.tilesPerTask = 1;
        Program tiles;
        appendLayerTasks(l, int(i), perTile, config.format, platform, tiles);
        Task merged;
        merged.layer = int(i);
        merged.cold = tiles.tasks.front().cold;
        merged.warm = tiles.tasks.front().warm;
        merged.macs = tiles.tasks.front().macs;
        for (size_t k = 1; k < tiles.tasks.size(); ++k) {
            merged.cold += tiles.tasks[k].warm;
            merged.warm += tiles.tasks[k].warm;
            merged.macs += tiles.tasks[k].macs;
        }
        program.tasks.push_back(merged);
    }
    return program;
}

} // namespace frontier::intermittent
