#pragma once

#include "dataset.h"

#include "common/normalization.h"

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::data {

// How to read a dataset given on the command line or in a study spec.
struct LoadOptions
{
    std::string labelColumn;   // CSV: "first", "last", a 0-based index or a header name; "" = catalog/auto
    bool dropMissing = false;  // CSV: drop rows with '?' or empty cells instead of failing
    uint64_t seed = 1;         // for generators and random splits
    int synthSamples = 0;      // synth-digits: number of samples (0 = catalog default)
    double testFraction = 0.2; // random stratified splits: test share
    double calibrationFraction = 0.1; // share of the train part held out for calibration
    std::string normalization; // "", "none", "global", "per-feature", "x/255"; "" = default for the data kind
};

// A dataset split three ways, with the normalisation fitted on the train part already
// applied to all three (and kept so that models can store it).
struct PreparedData
{
    Dataset train;
    Dataset calibration; // a held-out part of the training data (may be empty for tiny sets)
    Dataset test;
    Normalization normalization;
    std::string description; // one line: where it came from and how it was split
};

// Resolves `spec`: a catalog name ("mnist", "synth-digits", "iris", ...), a file path
// (.csv, .npy, .gz/IDX, optdigits .tra/.tes, CIFAR-10 .bin) or a folder holding IDX files.
// Loads it, splits it (catalog-defined split, else seeded stratified) and normalises.
// Throws Error naming the file and the problem.
PreparedData prepare(const std::string &spec, const LoadOptions &options = {});

// Loads without splitting or normalising (raw values as read).
Dataset load(const std::string &spec, const LoadOptions &options = {});

// Names in datasets/catalog.json, sorted, and the catalog file that was used.
std::vector<std::string> catalogNames();
std::string catalogPath();

// The dataset search path in order: $FRONTIER_DATA_DIR, <repo>/datasets, <repo>/../shared/datasets.
std::vector<std::string> dataSearchPath();

} // namespace frontier::data
