#pragma once

#include "calibration.h"
#include "footprint.h"
#include "formatspec.h"

#include "common/progress.h"
#include "model/model.h"

#include <string>
#include <vector>

namespace frontier::numeric {

// A reduced-precision variant of a model: a format per weighted layer plus what its
// calibration found, so that it evaluates the same way forever without the calibration
// data. Named "<model>@<assignment>", e.g. "lenet@w4a8;first=int8;last=int8". Stored in
// the model file (variantio.h). Value type.
struct Variant
{
    std::string name;                          // "<model>@<assignment>"
    std::string assignment;                    // canonical FormatAssignment text
    std::vector<std::string> layers;           // weighted layers by name, in layer order
    std::vector<std::string> formats;          // their canonical format names
    std::vector<LayerCalibration> calibration; // per weighted layer that needs one
    std::string calibrationSource;             // where the calibration samples came from
    int calibrationSamples = 0;
    Footprint footprint;
};

// Default number of calibration samples taken from a dataset's calibration split
// (DESIGN.md: the first 512; a calibration file given explicitly is used whole).
constexpr int kDefaultCalibrationSamples = 512;

// Builds a variant of `model` for `assignment` (FormatAssignment syntax). Integer and sc
// layers are calibrated on the n samples at `calibration` (normalised like the model's
// input) by running the fp32 model (BatchNorm folded) and observing each weighted layer's
// input and, for last weighted layers, output; each range is reduced by the layer
// format's method (calibration.h). Runs in parallel; the result does not depend on the
// thread count. Throws Error for a bad assignment, a model that cannot be quantized, or
// missing calibration data (n == 0 while a layer needs it); Cancelled through `progress`.
Variant makeVariant(const model::Model &model, const std::string &assignment,
                    const float *calibration, int n, const std::string &calibrationSource,
                    Progress *progress = nullptr);

// One format per model layer for a stored variant (fp32 for layers without weights).
// Throws Error when the variant names a layer the model lacks, misses one of the model's
// weighted layers, or holds a bad format.
std::vector<FormatSpec> variantLayerFormats(const model::Model &model, const Variant &variant);

} // namespace frontier::numeric
