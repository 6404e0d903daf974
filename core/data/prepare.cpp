// prepare(): split and normalise a resolved dataset (see catalog.h).

#include "catalog.h"

#include "loadedset.h"
#include "normalize.h"
#include "split.h"

#include "common/error.h"
#include "common/random.h"

#include <numeric>

namespace frontier::data {

namespace {

std::vector<int> indexRange(const std::string &spec, const char *part, Range r, int size)
{
    if (r.end > size) {
        throw Error(spec, std::string("the ") + part + " range [" + std::to_string(r.begin) + ", "
                              + std::to_string(r.end) + ") goes beyond the " + std::to_string(size)
                              + " samples");
    }
    std::vector<int> v(size_t(r.end - r.begin));
    std::iota(v.begin(), v.end(), r.begin);
    return v;
}

void checkOptions(const LoadOptions &options)
{
    if (!(options.testFraction > 0.0 && options.testFraction < 1.0)) {
        throw Error("options",
                    "test fraction " + std::to_string(options.testFraction) + " must be in (0, 1)");
    }
    if (!(options.calibrationFraction >= 0.0 && options.calibrationFraction < 1.0)) {
        throw Error("options", "calibration fraction " + std::to_string(options.calibrationFraction)
                                   + " must be in [0, 1)");
    }
    if (options.synthSamples < 0)
        throw Error("options", "synth-digits sample count must be positive");
    if (!options.normalization.empty())
        checkNormalizationMode(options.normalization);
}

} // namespace

PreparedData prepare(const std::string &spec, const LoadOptions &options)
{
    checkOptions(options);
    LoadedSet set = resolveSpec(spec, options);
    const int n = set.data.size();
    if (n == 0)
        throw Error(spec, "the dataset has no samples");
    const std::vector<int> labels
        = set.data.hasLabels() ? set.data.y : std::vector<int>(size_t(n), 0);

    SplitIndices parts;
    std::string how;
    const std::string seedText = "seed " + std::to_string(options.seed);
    switch (set.split) {
    case LoadedSet::Split::Stratified:
        parts = stratifiedSplit3(labels, options.testFraction, options.calibrationFraction,
                                 options.seed);
        how = std::string(set.data.hasLabels() ? "stratified" : "random") + " split, " + seedText;
        break;
    case LoadedSet::Split::Ranges:
        parts.train = indexRange(spec, "train", set.train, n);
        parts.calibration = indexRange(spec, "calibration", set.calibration, n);
        parts.test = indexRange(spec, "test", set.test, n);
        how = "fixed index ranges";
        break;
    case LoadedSet::Split::TrainTest: {
        std::vector<int> official(size_t(set.trainCount));
        std::iota(official.begin(), official.end(), 0);
        // The same seed stream as the calibration part of stratifiedSplit3.
        stratifiedSplit(official, labels, options.calibrationFraction,
                        Random(options.seed).split(1).next(), parts.train, parts.calibration);
        parts.test.resize(size_t(n - set.trainCount));
        std::iota(parts.test.begin(), parts.test.end(), set.trainCount);
        how = "official train/test files, calibration stratified from train, " + seedText;
        break;
    }
    }
    if (parts.train.empty())
        throw Error(spec, "the training part is empty (" + std::to_string(n) + " samples)");

    PreparedData out;
    out.train = set.data.subset(parts.train);
    out.calibration = set.data.subset(parts.calibration);
    out.test = set.data.subset(parts.test);
    set.data = Dataset();

    const std::string mode
        = options.normalization.empty() ? set.defaultNormalization : options.normalization;
    out.normalization = fitNormalization(out.train, mode);
    applyNormalization(out.train, out.normalization);
    applyNormalization(out.calibration, out.normalization);
    applyNormalization(out.test, out.normalization);
    out.normalizationText = describeNormalization(mode);

    out.description = out.train.name + " (" + out.train.source + "): train "
                      + std::to_string(out.train.size()) + ", calibration "
                      + std::to_string(out.calibration.size()) + ", test "
                      + std::to_string(out.test.size()) + " (" + how + "); normalisation "
                      + out.normalizationText;
    return out;
}

} // namespace frontier::data
