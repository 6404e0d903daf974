#pragma once

// What `eval --formats`, `variants add` and `bench --formats` share: where calibration
// samples come from, and a stored variant or a freshly calibrated one.

#include "common/error.h"
#include "data/dataset.h"
#include "data/npy.h"
#include "model/model.h"
#include "numeric/formatassignment.h"
#include "numeric/variant.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace frontier::cli {

struct CalibrationData
{
    std::vector<float> x;
    int n = 0;
    std::string source;
};

// All samples of a raw float .npy fed as is (like eval --input), shaped [N, <input shape>].
inline CalibrationData calibrationFromFile(const std::string &path, const model::Model &m)
{
    data::NpyArray a = data::readNpy(path);
    int64_t per = 1;
    for (size_t d = 1; d < a.shape.size(); ++d)
        per *= a.shape[d];
    if (a.shape.empty() || a.shape[0] < 1 || per != model::numel(m.inputShape))
        throw Error(path, "calibration tensor does not have the model's input shape [N, "
                              + model::shapeToString(m.inputShape) + "]");
    for (size_t i = 0; i < a.data.size(); ++i) {
        if (!std::isfinite(a.data[i]))
            throw Error(path, "calibration tensor holds a non-finite value (element "
                                  + std::to_string(i) + ")");
    }
    CalibrationData c;
    c.n = int(a.shape[0]);
    c.x = std::move(a.data);
    c.source = path + " (" + std::to_string(c.n) + " samples)";
    return c;
}

// The first kDefaultCalibrationSamples samples of a dataset's calibration part, already
// normalised like the model's input.
inline CalibrationData calibrationFromSplit(const data::Dataset &part, const std::string &name)
{
    CalibrationData c;
    c.n = std::min(part.size(), numeric::kDefaultCalibrationSamples);
    c.x.assign(part.x.begin(), part.x.begin() + int64_t(c.n) * part.sampleSize());
    c.source = name + " calibration split (first " + std::to_string(c.n) + " samples)";
    return c;
}

// Whether any layer of the assignment needs calibration data.
inline bool needsCalibration(const model::Model &m, const std::string &assignment)
{
    for (const numeric::FormatSpec &f : numeric::FormatAssignment::parse(assignment).resolve(m)) {
        if (f.kind == numeric::FormatSpec::Kind::Integer
            || f.kind == numeric::FormatSpec::Kind::Stochastic)
            return true;
    }
    return false;
}

// The variant for `assignment`: the one stored in the model file unless `preferFresh`,
// else calibrated on `cal` (which may be null for formats that need no calibration).
inline numeric::Variant variantFor(const model::Model &m,
                                   const std::vector<numeric::Variant> &stored,
                                   const std::string &assignment, const CalibrationData *cal,
                                   bool preferFresh, bool *fromFile, Progress *progress = nullptr)
{
    const std::string canonical = numeric::FormatAssignment::parse(assignment).canonical();
    const std::string name = (m.name.empty() ? std::string("model") : m.name) + "@" + canonical;
    *fromFile = false;
    if (!preferFresh || !cal) {
        for (const numeric::Variant &v : stored) {
            if (v.name == name) {
                *fromFile = true;
                return v;
            }
        }
    }
    if (!cal && needsCalibration(m, canonical))
        throw Error("variant " + name,
                    "needs calibration data: give --calibration C.npy or a --dataset with a "
                    "calibration split");
    return numeric::makeVariant(m, canonical, cal ? cal->x.data() : nullptr, cal ? cal->n : 0,
                                cal ? cal->source : std::string(), progress);
}

} // namespace frontier::cli
