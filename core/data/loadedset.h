#pragma once

#include "catalog.h"
#include "dataset.h"

#include <string>

// Internal to core/data: a dataset as loaded, with the split and normalisation its kind
// calls for. catalog.cpp makes one from a catalog entry, pathloader.cpp from a file or
// folder, and prepare.cpp splits and normalises it.

namespace frontier::data {

struct Range
{
    int begin = 0;
    int end = 0;
};

struct LoadedSet
{
    enum class Split {
        Stratified, // seeded stratified test / calibration / train
        Ranges,     // fixed index ranges (catalog)
        TrainTest   // [0, trainCount) is the official train part, the rest the test part
    };

    Dataset data;
    std::string defaultNormalization = "none"; // a mode for fitNormalization()
    Split split = Split::Stratified;
    int trainCount = 0;
    Range train, calibration, test; // Split::Ranges
};

// A file (by extension or content) or a folder of IDX files or CIFAR-10 batches.
// `path` must exist. Throws Error naming the path and the problem.
LoadedSet loadPath(const std::string &path, const LoadOptions &options);

// A catalog name or a path (tried as given, then under each search-path folder).
LoadedSet resolveSpec(const std::string &spec, const LoadOptions &options);

// The parts one after the other; contentHash is the SHA-256 of the parts' hashes (hex)
// joined in order, or the part's own hash for a single part.
Dataset concatenate(const std::vector<Dataset> &parts);

// "a, b, c" for error messages.
std::string searchPathText();

} // namespace frontier::data
