#pragma once

#include "energytable.h"
#include "measurements.h"
#include "opcounter.h"
#include "preset.h"

#include "numeric/formatspec.h"

#include "model/model.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace frontier::cost {

// The cost of one layer for one inference on one device. Energies in pJ, times in µs.
// energy_pj = computeEnergy_pj + memoryEnergy_pj + staticEnergy_pj and
// latency_us = computeLatency_us + memoryLatency_us.
struct LayerCost
{
    LayerCounts counts;
    std::string weightLevel;     // memory level holding the weights
    std::string activationLevel; // memory level holding the activations
    double computeEnergy_pj = 0; // arithmetic (and power × compute time)
    double memoryEnergy_pj = 0;  // weight and activation accesses
    double staticEnergy_pj = 0;  // leakage power × latency
    double energy_pj = 0;
    double computeLatency_us = 0;
    double memoryLatency_us = 0;
    double latency_us = 0;
};

// The cost of a whole variant (a model with a format per layer) for one inference.
struct VariantCost
{
    std::string model;   // Model::name
    std::string variant; // as given, else the format name of the weighted layers
                         // (joined by ',' in layer order when they differ)
    std::string device;  // preset name
    std::vector<LayerCost> layers;
    LayerCost total;          // sums over layers (counts summed too), name "total"
    int64_t weight_bytes = 0; // resident weights and biases
    int64_t peakActivation_bytes = 0;
    int64_t memory_bytes = 0; // resident memory = weight_bytes + peakActivation_bytes
    std::string weightLevel;
    std::string activationLevel;
    bool fits = true;    // false: the device's memories cannot hold the variant
    std::string fitNote; // why not (empty when it fits)
    // Figures that are estimates beyond the preset's own provenance (e.g. the arithmetic
    // of a plugin's custom format), one line each.
    std::vector<std::string> estimates;
    bool measured = false; // energy and latency come from an imported measurement
    std::string measurementSource;
};

struct CostOptions
{
    // Price the addition of a minifloat MAC as fp32 (the simulator's default float32
    // accumulation) instead of in the format itself (a native minifloat FMA; default).
    bool minifloatAccumulateFp32 = false;
};

// Energy, latency and memory of variants on one device preset. Cheap to copy; evaluate()
// is const and thread-safe. Cost is per inference and independent of the data, so a
// caller evaluates a variant once and reuses the result for every sample (O(layers) per
// variant, nothing per sample).
class CostModel
{
public:
    // Throws Error(preset.where(), ...) unless the preset is a device.
    explicit CostModel(Preset device, CostOptions options = {});

    // Loads a device preset by name (search path) or file path.
    static CostModel load(const std::string &nameOrPath, CostOptions options = {});

    const Preset &preset() const { return m_preset; }
    const DeviceSpec &device() const { return *m_preset.device; }
    const CostOptions &options() const { return m_options; }

    // Imported measurements override the model for their (model, format, device).
    void setMeasurements(MeasurementTable table) { m_measurements = std::move(table); }
    const MeasurementTable &measurements() const { return m_measurements; }

    // One format for every layer.
    VariantCost evaluate(const model::Model &model, const numeric::FormatSpec &format) const;
    // A format per layer (or one entry for all), e.g. numeric::FormatAssignment::resolve()
    // or numeric::variantLayerFormats(); entries of layers without weights are ignored
    // (countOperations()). `variantName` names the variant in the result and in the
    // measurement lookup (default: see VariantCost::variant). Throws Error naming the
    // preset and key when the device has no timing for a format the variant uses, and
    // naming the model when the graph does not validate.
    VariantCost evaluate(const model::Model &model, const std::vector<numeric::FormatSpec> &formats,
                         const std::string &variantName = {}) const;

    // Device power while idle, waiting for an offloaded answer (mW).
    double idle_mw() const;

private:
    LayerCost costLayer(const LayerCounts &counts, const MemoryLevel &weights,
                        const MemoryLevel &activations) const;
    void applyMeasurement(VariantCost &cost) const;

    Preset m_preset;
    CostOptions m_options;
    std::optional<EnergyTable> m_table; // from the preset's arithmetic, when it has one
    MeasurementTable m_measurements;
};

// What an inference that stops at model.heads[head] has run: the layers that heads 0..head
// depend on (early-exit branches of earlier heads included), summed like
// VariantCost::total and named after the head. `cost` must come from evaluate() on
// `model`. head = model.heads.size() - 1 (the final head) gives the whole total when every
// layer feeds some head. Throws Error for a head index out of range.
LayerCost costToHead(const model::Model &model, const VariantCost &cost, int head);

} // namespace frontier::cost
