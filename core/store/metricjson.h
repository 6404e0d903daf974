#pragma once

#include "records.h"

#include <string>
#include <string_view>

namespace frontier::store {

// A trial's metrics as stored in trials.metrics: one flat JSON object in the order given,
// {"accuracy":0.9731,"energy_pj":1523.5}, numbers in the shortest form that reads back
// to the same double, NaN as null, ±infinity as ±9e999 (SQLite's own spelling), so that
// SQL can query them too: json_extract(metrics, '$.accuracy').
//
// Names must be non-empty and printable ASCII without '"' or '\' (Error otherwise).
std::string metricsToJson(const MetricValues &metrics);

// Reads what metricsToJson writes (and any flat object of numbers and nulls with plain
// keys). Numbers are parsed exactly (std::from_chars). Throws Error("<where>", ...) for
// anything else.
MetricValues metricsFromJson(std::string_view json, const std::string &where);

} // namespace frontier::store
