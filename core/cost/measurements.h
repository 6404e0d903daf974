#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace frontier::cost {

// A measured cost of one model in one format on one device, imported from CSV.
struct Measurement
{
    std::string model;  // Model::name
    std::string format; // variant/format name as the cost model names it (e.g. "int8")
    std::string device; // preset name
    double latency_us = 0;
    double energy_pj = 0;
    std::optional<int64_t> memory_bytes;
    std::string source; // free text (instrument, date); "<file>:<line>" when absent
};

// Measurements keyed by (model, format, device). A later entry for the same key replaces
// an earlier one.
class MeasurementTable
{
public:
    // Reads a CSV file with a header line. Required columns: model, format, device,
    // latency_us, energy_pj; optional: memory_bytes, source. Lines starting with '#' and
    // empty lines are skipped. Throws Error("<path>:<line>", reason) on an unknown or
    // missing column, a bad or negative number, or a wrong number of fields.
    static MeasurementTable loadCsv(const std::string &path);

    void add(Measurement measurement);
    // nullptr when there is none.
    const Measurement *find(const std::string &model, const std::string &format,
                            const std::string &device) const;

    const std::vector<Measurement> &entries() const { return m_entries; }
    bool isEmpty() const { return m_entries.empty(); }

private:
    std::vector<Measurement> m_entries;
};

} // namespace frontier::cost
