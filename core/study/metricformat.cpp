#include "metricformat.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <string_view>

namespace frontier::study {

namespace {

bool endsWith(std::string_view s, std::string_view suffix)
{
    return s.ends_with(suffix);
}

bool startsWith(std::string_view s, std::string_view prefix)
{
    return s.starts_with(prefix);
}

// Significant digits for a shown value: three decimals below 10, two below 100, one
// below 1000, none above (a column never mixes scientific notation into its numbers).
std::string fixed(double v, int decimals = -1)
{
    if (decimals < 0) {
        const double a = std::abs(v);
        decimals = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : 3;
    }
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
    std::string s(buffer);
    if (s == "-0" || s.find_first_not_of("-0.") == std::string::npos)
        s.erase(0, s[0] == '-' ? 1 : 0); // "-0.000" -> "0.000"
    return s;
}

} // namespace

std::string MetricFormat::titleOf(const std::string &metric)
{
    static const std::map<std::string, std::string> titles{
        {"accuracy", "accuracy"},
        {"fidelity", "fidelity to the full model"},
        {"escalated", "escalated"},
        {"offloaded", "offloaded"},
        {"energy_pj", "energy per inference"},
        {"energy_p95_pj", "p95 energy per inference"},
        {"device_energy_pj", "device energy per inference"},
        {"device_energy_p95_pj", "p95 device energy per inference"},
        {"latency_us", "mean latency"},
        {"latency_p95_us", "p95 latency"},
        {"memory_bytes", "resident memory"},
        {"energy_saving", "energy saving"},
        {"device_energy_saving", "device energy saving"},
        {"latency_saving", "latency saving"},
        {"tau", "threshold τ"},
        {"decision_tau", "decision threshold"},
        {"intermittent_latency_s", "end-to-end latency on harvested power"},
        {"intermittent_latency_worst_s", "slowest path on harvested power"},
        {"power_cycles", "power cycles"},
        {"terminates", "terminates"},
        {"train_energy_pj", "training energy"},
        {"train_gemm_energy_pj", "training GEMM energy"},
        {"param_memory_bytes", "parameter memory"},
        {"intermittent_active_s", "active time on harvested power"},
        {"intermittent_recharge_s", "recharge time"},
        {"reboots", "reboots"},
        {"intermittent_energy_j", "energy on harvested power"},
        {"reexecution_j", "re-execution energy"},
        {"preservation_j", "preservation energy"},
        {"data_movement_j", "data-movement energy"},
        {"intermittent_compute_j", "compute energy on harvested power"},
    };
    const auto it = titles.find(metric);
    if (it != titles.end())
        return it->second;
    if (startsWith(metric, "reached_"))
        return std::string("reached exit ").append(metric, 8);
    std::string t = metric;
    for (char &c : t) {
        if (c == '_')
            c = ' ';
    }
    return t;
}

std::string MetricFormat::shortTitleOf(const std::string &metric)
{
    static const std::map<std::string, std::string> titles{
        {"fidelity", "fidelity"},
        {"energy_pj", "energy"},
        {"energy_p95_pj", "p95 energy"},
        {"device_energy_pj", "device energy"},
        {"device_energy_p95_pj", "p95 device energy"},
        {"latency_us", "latency"},
        {"latency_p95_us", "p95 latency"},
        {"memory_bytes", "memory"},
        {"energy_saving", "saving"},
        {"device_energy_saving", "device saving"},
        {"latency_saving", "latency saving"},
        {"tau", "τ"},
        {"decision_tau", "decision τ"},
        {"intermittent_latency_s", "intermittent latency"},
        {"intermittent_latency_worst_s", "worst intermittent latency"},
        {"intermittent_active_s", "active"},
        {"intermittent_recharge_s", "recharge"},
        {"intermittent_energy_j", "harvested energy"},
        {"reexecution_j", "re-execution"},
        {"preservation_j", "preservation"},
        {"data_movement_j", "data movement"},
        {"intermittent_compute_j", "compute"},
        {"train_energy_pj", "training energy"},
        {"train_gemm_energy_pj", "training GEMM energy"},
        {"param_memory_bytes", "parameter memory"},
    };
    const auto it = titles.find(metric);
    return it != titles.end() ? it->second : titleOf(metric);
}

MetricFormat MetricFormat::of(const std::string &metric, double typical)
{
    MetricFormat f;
    f.metric = metric;
    f.title = titleOf(metric);
    f.shortTitle = shortTitleOf(metric);
    const double v = std::isfinite(typical) ? std::abs(typical) : 0.0;
    if (endsWith(metric, "_j")) { // joules (intermittent power): shown from nJ to J
        f.kind = Kind::Energy;
        f.unit = std::string(v >= 1 ? "J" : v >= 1e-3 ? "mJ" : v >= 1e-6 ? "µJ" : "nJ");
        f.scale = v >= 1 ? 1.0 : v >= 1e-3 ? 1e3 : v >= 1e-6 ? 1e6 : 1e9;
    } else if (endsWith(metric, "_pj")) {
        f.kind = Kind::Energy;
        static const struct
        {
            double from;
            const char *unit;
        } units[] = {{1e12, "J"}, {1e9, "mJ"}, {1e6, "µJ"}, {1e3, "nJ"}};
        f.unit = std::string("pJ");
        for (const auto &u : units) {
            if (v >= u.from) {
                f.scale = 1.0 / u.from;
                f.unit = std::string(u.unit);
                break;
            }
        }
    } else if (endsWith(metric, "_us") || endsWith(metric, "_s")) {
        f.kind = Kind::Time;
        const double us = endsWith(metric, "_s") ? v * 1e6 : v;
        const double toUs = endsWith(metric, "_s") ? 1e6 : 1.0;
        if (us >= 1e6) {
            f.unit = std::string("s");
            f.scale = toUs * 1e-6;
        } else if (us >= 1e3) {
            f.unit = std::string("ms");
            f.scale = toUs * 1e-3;
        } else {
            f.unit = std::string("µs");
            f.scale = toUs;
        }
    } else if (endsWith(metric, "_bytes")) {
        f.kind = Kind::Bytes;
        f.unit = std::string(v >= 1048576 ? "MiB" : v >= 1024 ? "KiB" : "B");
        f.scale = v >= 1048576 ? 1.0 / 1048576 : v >= 1024 ? 1.0 / 1024 : 1.0;
    } else if (endsWith(metric, "_saving")) {
        f.kind = Kind::Saving;
        f.unit = std::string("%");
        f.scale = 100.0;
    } else if (metric == "accuracy" || metric == "fidelity" || metric == "escalated"
               || metric == "offloaded" || startsWith(metric, "reached_")) {
        f.kind = Kind::Share;
        f.unit = std::string("%");
        f.scale = 100.0;
    } else if (metric == "tau" || metric == "decision_tau") {
        f.kind = Kind::Threshold;
    } else if (metric == "power_cycles" || metric == "reboots" || metric == "terminates"
               || endsWith(metric, "_count")) {
        f.kind = Kind::Count;
    }
    f.maximize = metric == "accuracy" || metric == "fidelity" || f.kind == Kind::Saving
                 || metric == "terminates" || startsWith(metric, "reached_");
    return f;
}

MetricFormat MetricFormat::forValues(const std::string &metric, const std::vector<double> &values)
{
    double typical = 0;
    for (double v : values) {
        if (std::isfinite(v))
            typical = std::max(typical, std::abs(v));
    }
    return of(metric, typical);
}

std::string MetricFormat::header() const
{
    return unit.empty() ? title : title + " (" + unit + ")";
}

std::string MetricFormat::columnHeader() const
{
    return unit.empty() ? shortTitle : shortTitle + " (" + unit + ")";
}

std::string MetricFormat::number(double raw) const
{
    if (std::isnan(raw))
        return {};
    switch (kind) {
    case Kind::Saving:
        // A saving below zero is a cost above the baseline's: "175× more", not "-17,271 %".
        if (raw < 0) {
            char buffer[64];
            const double times = 1.0 - raw;
            std::snprintf(buffer, sizeof buffer, times >= 100 ? "%.0f× more" : "%.3g× more", times);
            return buffer;
        }
        return fixed(raw * scale, 2);
    case Kind::Share:
        return fixed(raw * scale, 2);
    case Kind::Threshold:
        // Rule M's bound 0 is stored as the next double above it: "escalate at or below 0".
        if (raw > 0 && raw < 1e-300)
            return "0⁺";
        return fixed(raw, 4);
    case Kind::Count:
        return fixed(raw, std::floor(raw) == raw ? 0 : 2);
    default:
        return fixed(raw * scale);
    }
}

std::string MetricFormat::text(double raw) const
{
    if (std::isnan(raw))
        return "–";
    const std::string n = number(raw);
    if (unit.empty() || (kind == Kind::Saving && raw < 0))
        return n;
    return n + " " + unit;
}

} // namespace frontier::study
