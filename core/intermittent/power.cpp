#include "power.h"

#include "common/detmath.h"
#include "common/error.h"
#include "common/fileutil.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace frontier::intermittent {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string number(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

std::string trim(const std::string &s)
{
    const size_t b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos)
        return {};
    const size_t e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

std::vector<std::string> splitCells(const std::string &line)
{
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream in(line);
    while (std::getline(in, cell, ','))
        cells.push_back(trim(cell));
    if (!line.empty() && line.back() == ',')
        cells.emplace_back();
    return cells;
}

bool parseNumber(const std::string &text, double &value)
{
    if (text.empty())
        return false;
    char *end = nullptr;
    value = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size();
}

} // namespace

double Capacitor::voltageAt(double energy_J) const
{
    return std::sqrt(std::max(0.0, 2 * energy_J / capacitance_F));
}

double Capacitor::cycleEnergy_J() const
{
    return energyAt(vOn_V) - energyAt(vOff_V);
}

double Capacitor::usableEnergy_J() const
{
    return cycleEnergy_J() * margin;
}

double Capacitor::voltageAfter(double used_J) const
{
    const double e = energyAt(vOn_V) - used_J;
    if (e < energyAt(vOff_V))
        return NAN;
    return voltageAt(e);
}

void Capacitor::validate(const std::string &where, const std::string &keyPrefix) const
{
    auto fail = [&](const std::string &key, const std::string &problem) {
        throw Error(where, "key '" + keyPrefix + key + "': " + problem);
    };
    if (!(capacitance_F > 0) || !std::isfinite(capacitance_F))
        fail("capacitor_mf", "must be above 0 (got " + number(capacitance_F * 1e3) + " mF)");
    if (!(vOff_V > 0))
        fail("v_off_v", "must be above 0 (got " + number(vOff_V) + " V)");
    if (!(vOn_V > vOff_V))
        fail("v_off_v",
             "must be below v_on_v (" + number(vOff_V) + " V >= " + number(vOn_V) + " V)");
    if (!(vMax_V >= vOn_V))
        fail("supply_v",
             "must be at least v_on_v (" + number(vMax_V) + " V < " + number(vOn_V) + " V)");
    if (!(margin > 0 && margin <= 1))
        fail("energy_margin", "must be in (0, 1] (got " + number(margin) + ")");
}

Harvester Harvester::rc(double supply_V, double resistance_Ohm)
{
    Harvester h;
    h.kind = Kind::Rc;
    h.supply_V = supply_V;
    h.resistance_Ohm = resistance_Ohm;
    h.description = "R = " + number(resistance_Ohm) + " Ohm from " + number(supply_V) + " V";
    return h;
}

Harvester Harvester::constant(double power_W)
{
    Harvester h;
    h.kind = Kind::Power;
    h.times_s = {0.0};
    h.power_W = {power_W};
    h.description = number(power_W * 1e3) + " mW";
    return h;
}

Harvester Harvester::loadTrace(const std::string &path)
{
    const std::vector<uint8_t> bytes = readFileBytes(path);
    std::istringstream in(std::string(bytes.begin(), bytes.end()));
    std::string line;
    int lineNo = 0;
    int timeColumn = -1, powerColumn = -1;
    double timeScale = 1, powerScale = 1;
    std::string timeName, powerName;
    Harvester h;
    h.kind = Kind::Power;
    h.description = path;
    auto fail = [&](const std::string &problem) {
        throw Error(path, "line " + std::to_string(lineNo) + ": " + problem);
    };
    while (std::getline(in, line)) {
        ++lineNo;
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#')
            continue;
        const std::vector<std::string> cells = splitCells(t);
        if (timeColumn < 0) {
            for (int i = 0; i < int(cells.size()); ++i) {
                std::string name = cells[size_t(i)];
                std::transform(name.begin(), name.end(), name.begin(), ::tolower);
                if (name == "time_s" || name == "time_ms" || name == "time_us") {
                    timeColumn = i;
                    timeName = name;
                    timeScale = name == "time_s" ? 1 : name == "time_ms" ? 1e-3 : 1e-6;
                } else if (name == "power_w" || name == "power_mw" || name == "power_uw") {
                    powerColumn = i;
                    powerName = name;
                    powerScale = name == "power_w" ? 1 : name == "power_mw" ? 1e-3 : 1e-6;
                }
            }
            if (timeColumn < 0 || powerColumn < 0)
                fail("the header names no time column (time_s, time_ms, time_us) and power "
                     "column (power_w, power_mw, power_uw)");
            continue;
        }
        const int needed = std::max(timeColumn, powerColumn) + 1;
        if (int(cells.size()) < needed)
            fail(std::to_string(cells.size()) + " cells, expected at least "
                 + std::to_string(needed));
        double time = 0, power = 0;
        if (!parseNumber(cells[size_t(timeColumn)], time) || !std::isfinite(time))
            fail("key '" + timeName + "': '" + cells[size_t(timeColumn)] + "' is not a number");
        if (!parseNumber(cells[size_t(powerColumn)], power) || !std::isfinite(power))
            fail("key '" + powerName + "': '" + cells[size_t(powerColumn)] + "' is not a number");
        if (power < 0)
            fail("key '" + powerName + "': negative power " + cells[size_t(powerColumn)]);
        if (time < 0)
            fail("key '" + timeName + "': negative time " + cells[size_t(timeColumn)]);
        time *= timeScale;
        if (!h.times_s.empty() && !(time > h.times_s.back()))
            fail("key '" + timeName + "': time goes backwards or repeats ("
                 + cells[size_t(timeColumn)] + " after " + number(h.times_s.back() / timeScale)
                 + ")");
        h.times_s.push_back(time);
        h.power_W.push_back(power * powerScale);
    }
    if (timeColumn < 0)
        throw Error(path, "empty trace (no header)");
    if (h.times_s.empty())
        throw Error(path, "the trace has no samples");
    return h;
}

bool Harvester::constantFrom(double t) const
{
    return kind == Kind::Rc || t >= times_s.back();
}

size_t Harvester::segmentAt(double t) const
{
    const auto it = std::upper_bound(times_s.begin(), times_s.end(), t);
    return it == times_s.begin() ? 0 : size_t(it - times_s.begin()) - 1;
}

double Harvester::segmentEnd(size_t segment) const
{
    return segment + 1 < times_s.size() ? times_s[segment + 1] : kInf;
}

double Harvester::powerAt(double t) const
{
    return kind == Kind::Rc ? 0.0 : power_W[segmentAt(t)];
}

double Harvester::meanPower_W() const
{
    if (kind == Kind::Rc || times_s.size() == 1)
        return kind == Kind::Rc ? 0.0 : power_W[0];
    double energy = 0;
    for (size_t i = 0; i + 1 < times_s.size(); ++i)
        energy += power_W[i] * (times_s[i + 1] - times_s[i]);
    return energy / (times_s.back() - times_s.front());
}

void Harvester::validate(const std::string &where) const
{
    if (kind == Kind::Rc) {
        if (!(resistance_Ohm > 0))
            throw Error(where, "key 'harvester_ohm': must be above 0");
        if (!(supply_V > 0))
            throw Error(where, "key 'supply_v': must be above 0");
        return;
    }
    if (times_s.empty() || times_s.size() != power_W.size())
        throw Error(where, "key 'power': no harvested power");
    for (size_t i = 0; i < times_s.size(); ++i) {
        if (!(power_W[i] >= 0) || !std::isfinite(power_W[i]))
            throw Error(where, "key 'power': negative or non-finite power " + number(power_W[i]));
        if (i > 0 && !(times_s[i] > times_s[i - 1]))
            throw Error(where, "key 'time': time goes backwards");
    }
}

double rechargeTime_s(const Capacitor &c, const Harvester &h, double v_V)
{
    if (v_V >= c.vOn_V)
        return 0;
    if (h.supply_V <= c.vOn_V)
        return kInf;
    const double rc = h.resistance_Ohm * c.capacitance_F;
    return -rc * dmath::log((c.vOn_V - h.supply_V) / (v_V - h.supply_V));
}

double gatherTime_s(const Harvester &h, double t_s, double energy_J)
{
    double t = t_s;
    double need = energy_J;
    size_t seg = h.segmentAt(t);
    while (need > 0) {
        const double p = h.power_W[seg];
        const double end = h.segmentEnd(seg);
        if (p > 0) {
            const double dt = need / p;
            if (t + dt <= end)
                return t + dt - t_s;
            need -= p * (end - t);
        } else if (!std::isfinite(end)) {
            return kInf;
        }
        t = end;
        ++seg;
    }
    return t - t_s;
}

} // namespace frontier::intermittent
