#include "search.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

namespace frontier::intermittent {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

Program layerProgram(const ExecLayer &layer, const Tiling &tiling, DataFormat format,
                     const Platform &platform)
{
    Program p;
    p.layerNames.push_back(layer.name);
    appendLayerTasks(layer, 0, tiling, format, platform, p);
    return p;
}

double maxCold(const Program &p)
{
    double e = 0;
    for (const Task &t : p.tasks)
        e = std::max(e, t.cold.energy_J());
    return e;
}

int64_t tileCount(const ExecLayer &l, const Tiling &t)
{
    const int64_t nn = l.kind == ExecLayer::Kind::Pool ? 1 : l.n / t.tn;
    return int64_t(l.m / t.tm) * (l.r / t.tr) * nn * l.groups;
}

std::vector<int> divisorsOf(int v)
{
    std::vector<int> d;
    for (int i = 1; i <= v; ++i)
        if (v % i == 0)
            d.push_back(i);
    return d;
}

using Key = std::tuple<int, int, int, int, int>;
Key keyOf(const Tiling &t)
{
    return {t.tm, t.tr, t.tn, int(t.order), t.tilesPerTask};
}

class LayerSearcher
{
public:
    LayerSearcher(const ExecLayer &l, DataFormat f, const Platform &p, const Capacitor &c,
                  const Harvester &h, const SearchOptions &o)
        : m_l(l)
        , m_f(f)
        , m_p(p)
        , m_c(c)
        , m_h(h)
        , m_o(o)
    {}

    // Simulated latency of the layer alone; inf when not atomic, not finishing, or
    // certainly slower than `best` (a lower bound from its compute alone, or the
    // simulation passing `best`: both exact, so pruning never changes the choice).
    double evaluate(const Tiling &t, double best)
    {
        const auto it = m_cache.find(keyOf(t));
        if (it != m_cache.end())
            return it->second;
        double latency = kInf;
        if (validTiling(m_l, t) && sramBytes(m_l, t, m_p) <= m_p.sram_bytes
            && lowerBound(t) < best) {
            const Program prog = layerProgram(m_l, t, m_f, m_p);
            if (maxCold(prog) + m_p.reboot_J <= m_c.usableEnergy_J()) {
                ++m_atomic;
                SimOptions so;
                so.start_s = m_o.start_s;
                if (std::isfinite(best))
                    so.deadline_s = best;
                const SimResult r = simulate(prog, m_p, m_c, m_h, so);
                ++m_evaluated;
                if (r.terminates)
                    latency = r.latency_s;
            }
        }
        m_cache.emplace(keyOf(t), latency);
        return latency;
    }

    // No configuration with these tiles finishes faster: its compute alone needs this many
    // power cycles (RC: each but the last followed by a recharge from V_off), or this much
    // harvested energy at the trace's highest power.
    double lowerBound(const Tiling &t) const
    {
        const TaskCost c = computeBound(m_l, t, m_f, m_p);
        const double perCycle = m_c.cycleEnergy_J() - m_p.reboot_J;
        if (m_h.kind == Harvester::Kind::Rc) {
            if (perCycle <= 0)
                return kInf;
            const double cycles = std::max(1.0, std::ceil(c.compute_J / perCycle * (1 - 1e-9)));
            return c.compute_s + cycles * m_p.reboot_s
                   + (cycles - 1) * rechargeTime_s(m_c, m_h, m_c.vOff_V);
        }
        double pMax = 0;
        for (size_t i = m_h.segmentAt(m_o.start_s); i < m_h.power_W.size(); ++i)
            pMax = std::max(pMax, m_h.power_W[i]);
        const double deficit = c.compute_J + m_p.reboot_J - m_c.cycleEnergy_J();
        const double byEnergy = deficit <= 0 ? 0 : pMax > 0 ? deficit / pMax : kInf;
        return std::max(c.compute_s + m_p.reboot_s, byEnergy * (1 - 1e-9));
    }

    LayerSearch run(const Tiling &start)
    {
        LayerSearch out;
        out.layer = m_l.name;
        const std::vector<Tiling> all = tilingsThatFit(m_l, m_p);
        out.candidates = int64_t(all.size());
        int64_t tiles = 0;
        for (const Tiling &t : all)
            tiles += tileCount(m_l, t);
        const bool exhaustive
            = !m_o.forceLocal && (m_o.forceExhaustive || tiles <= m_o.exhaustiveTileBudget);
        out.exhaustive = exhaustive;
        Tiling best = start;
        double bestLatency = evaluate(start, kInf);
        if (exhaustive) {
            for (const Tiling &t : all) {
                const double l = evaluate(t, bestLatency);
                if (l < bestLatency) {
                    bestLatency = l;
                    best = t;
                }
            }
        } else {
            bool moved = true;
            while (moved) {
                moved = false;
                Tiling stepBest = best;
                double stepLatency = bestLatency;
                for (const Tiling &t : neighbours(best)) {
                    const double l = evaluate(t, stepLatency);
                    if (l < stepLatency) {
                        stepLatency = l;
                        stepBest = t;
                    }
                }
                if (stepLatency < bestLatency) {
                    best = stepBest;
                    bestLatency = stepLatency;
                    moved = true;
                }
            }
        }
        out.tiling = best;
        out.latency_s = bestLatency;
        out.evaluated = m_evaluated;
        out.atomicCandidates = m_atomic;
        return out;
    }

private:
    std::vector<Tiling> neighbours(const Tiling &t) const
    {
        auto around = [](const std::vector<int> &d, int v) {
            std::vector<int> out{v};
            const auto it = std::find(d.begin(), d.end(), v);
            if (it != d.begin())
                out.push_back(*(it - 1));
            if (it + 1 != d.end())
                out.push_back(*(it + 1));
            return out;
        };
        const bool pool = m_l.kind == ExecLayer::Kind::Pool;
        const std::vector<int> dm = divisorsOf(m_l.m), dr = divisorsOf(m_l.r),
                               dn = divisorsOf(m_l.n);
        std::vector<Tiling> out;
        for (int tm : around(dm, t.tm))
            for (int tr : around(dr, t.tr))
                for (int tn : pool ? std::vector<int>{tm} : around(dn, t.tn))
                    for (LoopOrder order : {LoopOrder::ReuseOutputs, LoopOrder::ReuseInputs,
                                            LoopOrder::ReuseWeights}) {
                        Tiling n{tm, tr, tn, order, 1};
                        if (!validTiling(m_l, n))
                            continue;
                        for (int s : divisorsOf(innerCount(m_l, n))) {
                            n.tilesPerTask = s;
                            out.push_back(n);
                        }
                    }
        return out;
    }

    const ExecLayer &m_l;
    const DataFormat m_f;
    const Platform &m_p;
    const Capacitor &m_c;
    const Harvester &m_h;
    const SearchOptions &m_o;
    std::map<Key, double> m_cache;
    int64_t m_evaluated = 0;
    int64_t m_atomic = 0;
};

// The per-task baseline's tiling of one layer.
Tiling perTaskTiling(const ExecLayer &l, DataFormat f, const Platform &p, const Capacitor &c)
{
    std::vector<Tiling> options;
    for (const Tiling &t : tilingsThatFit(l, p))
        if (t.order == LoopOrder::ReuseOutputs && t.tilesPerTask == 1)
            options.push_back(t);
    if (options.empty())
        return Tiling{};
    std::sort(options.begin(), options.end(), [](const Tiling &a, const Tiling &b) {
        return std::tie(a.tn, a.tm, a.tr) > std::tie(b.tn, b.tm, b.tr);
    });
    for (const Tiling &t : options)
        if (atomic(l, t, f, p, c))
            return t;
    return options.back();
}

} // namespace

bool atomic(const ExecLayer &layer, const Tiling &tiling, DataFormat format,
            const Platform &platform, const Capacitor &capacitor, double *maxEnergy_J)
{
    const double e = maxCold(layerProgram(layer, tiling, format, platform)) + platform.reboot_J;
    if (maxEnergy_J)
        *maxEnergy_J = e;
    return e <= capacitor.usableEnergy_J();
}

void checkFitsSram(const std::vector<ExecLayer> &layers, const Platform &platform,
                   const std::string &where)
{
    for (const ExecLayer &l : layers) {
        if (!tilingsThatFit(l, platform).empty())
            continue;
        int64_t smallest = -1;
        for (int tn : divisorsOf(l.n)) {
            const Tiling t{1, 1, l.kind == ExecLayer::Kind::Pool ? 1 : tn, LoopOrder::ReuseOutputs,
                           1};
            if (validTiling(l, t)) {
                smallest = sramBytes(l, t, platform);
                break;
            }
        }
        throw Error(where, "layer '" + l.name + "': no tiling fits the "
                               + std::to_string(platform.sram_bytes)
                               + " B of SRAM (the smallest tile needs " + std::to_string(smallest)
                               + " B)");
    }
}

Configuration naiveConfiguration(const std::vector<ExecLayer> &layers, DataFormat format,
                                 const Platform &platform, const Capacitor &capacitor)
{
    Configuration c = perTaskConfiguration(layers, format, platform, capacitor);
    c.name = "naive";
    for (Tiling &t : c.tilings)
        t.tilesPerTask = 0;
    return c;
}

Configuration perTaskConfiguration(const std::vector<ExecLayer> &layers, DataFormat format,
                                   const Platform &platform, const Capacitor &capacitor)
{
    Configuration c;
    c.name = "per-task";
    c.format = format;
    for (const ExecLayer &l : layers)
        c.tilings.push_back(perTaskTiling(l, format, platform, capacitor));
    return c;
}

SearchOutcome searchConfiguration(const std::vector<ExecLayer> &layers,
                                  const std::vector<DataFormat> &formats, const Platform &platform,
                                  const Capacitor &capacitor, const Harvester &harvester,
                                  const SearchOptions &options, const std::string &where)
{
    checkFitsSram(layers, platform, where);
    SearchOutcome best;
    double bestLatency = kInf;
    bool first = true;
    for (DataFormat f : formats) {
        SearchOutcome o;
        o.configuration.name = "searched";
        o.configuration.format = f;
        const Configuration start = perTaskConfiguration(layers, f, platform, capacitor);
        for (size_t i = 0; i < layers.size(); ++i) {
            LayerSearcher searcher(layers[i], f, platform, capacitor, harvester, options);
            LayerSearch ls = searcher.run(start.tilings[i]);
            o.evaluated += ls.evaluated;
            o.configuration.tilings.push_back(ls.tiling);
            o.layers.push_back(ls);
        }
        SimOptions so;
        so.start_s = options.start_s;
        const SimResult r = simulate(buildProgram(layers, o.configuration, platform, where),
                                     platform, capacitor, harvester, so);
        double latency = r.terminates ? r.latency_s : kInf;
        // Layers were searched each from a full capacitor; end to end, the charge a layer
        // leaves to the next can make the per-task tiling faster after all: keep the
        // faster network.
        const SimResult base = simulate(buildProgram(layers, start, platform, where), platform,
                                        capacitor, harvester, so);
        if (base.terminates && base.latency_s < latency) {
            latency = base.latency_s;
            o.configuration.tilings = start.tilings;
            for (size_t i = 0; i < layers.size(); ++i)
                o.layers[i].tiling = start.tilings[i];
        }
        best.formats.emplace_back(f, latency);
        best.evaluated += o.evaluated;
        if (first || latency < bestLatency) {
            first = false;
            bestLatency = latency;
            best.configuration = o.configuration;
            best.layers = o.layers;
        }
    }
    return best;
}

} // namespace frontier::intermittent
