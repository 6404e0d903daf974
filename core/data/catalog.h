#pragma once

#include "dataset.h"

#include "common/normalization.h"

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::data {

// How to read a dataset given on the command line or in a study spec.
// Fields left at their defaults defer to the catalog entry, then to the data kind.
// testFraction and calibrationFraction apply to every seeded stratified split (catalog
// "stratified" entries and plain files) and calibrationFraction also to the calibration
// part carved out of an official training file; fixed catalog ranges (mnist) ignore both.
// normalization also accepts "x/<d>" for any d > 0 (e.g. "x/16").
struct LoadOptions
{
    // CSV: "first", "last", a 0-based index or a header name; "" = catalog/auto
    std::string labelColumn;
    bool dropMissing = false;         // CSV: drop rows with '?' or empty cells instead of failing
    uint64_t seed = 1;                // for generators and random splits
    int synthSamples = 0;             // synth-digits: number of samples (0 = catalog default)
    double testFraction = 0.2;        // random stratified splits: test share
    double calibrationFraction = 0.1; // share of the train part held out for calibration
    // "", "none", "global", "per-feature", "x/255"; "" = default for the data kind
    std::string normalization;
    // CSV: extra columns to drop (0-based indices or header names)
    std::vector<std::string> dropColumns;
    // NPY samples: the labels .npy (default: <stem>_labels.npy, <stem>-labels.npy,
    // <stem>.labels.npy or, for x*.npy, y*.npy beside it, when present)
    std::string labelsFile;
};

// A dataset split three ways, with the normalisation fitted on the train part already
// applied to all three (and kept so that models can store it).
struct PreparedData
{
    Dataset train;
    Dataset calibration; // a held-out part of the training data (may be empty for tiny sets)
    Dataset test;
    Normalization normalization;
    // The normalisation in words, as in description: "x/255", "per-feature
    // standardisation (fitted on train)", ...
    std::string normalizationText;
    std::string description; // one line: where it came from and how it was split
};

// Resolves `spec`, in this order: a catalog name ("mnist", "synth-digits", "iris", ...);
// "synth-digits" even without a catalog; an existing path; a relative path under each
// search-path folder. Paths: .csv/.tsv/.data/.txt (optionally .gz), .npy, IDX (.gz, .idx,
// *-ubyte; the labels file is found by name), optdigits .tra/.tes, CIFAR-10 .bin, or a
// folder of IDX pairs, CIFAR-10 batches or optdigits .tra/.tes files.
// Splits: the catalog's (fixed ranges, or the official train/test files with a seeded
// stratified calibration part of the train file), a folder's official train/test files,
// else a seeded stratified split (random if unlabelled); see split.h. Parts keep the
// original sample order. Normalisation (normalize.h) is fitted on the train part only,
// then applied to all three. Default by kind: x/255 for 8-bit images (IDX, CIFAR-10,
// synth-digits, uint8 NPY), x/16 for optdigits, per-feature for tabular data (CSV, 2-D
// NPY), none otherwise.
// Throws Error naming the file and the problem; a file that cannot be found gives an
// Error naming it and every search-path folder tried. Thread-safe (reads the environment
// and files only; no shared state).
PreparedData prepare(const std::string &spec, const LoadOptions &options = {});

// Loads without splitting or normalising (raw values as read; every part of a catalog
// set concatenated, train files first).
Dataset load(const std::string &spec, const LoadOptions &options = {});

// Names in the catalog, sorted (always including the built-in "synth-digits"), and the
// catalog file that was used: the first catalog.json along the search path, "" if none.
// catalogNames() throws Error naming the catalog file when it is not valid JSON.
std::vector<std::string> catalogNames();
std::string catalogPath();

// Why catalog entry `name` cannot be loaded: "" when its files are all found in one
// search-path folder (or it needs none, as synth-digits), else one line: "not found:
// searched <folders> for <files>", or why the catalog cannot be read. Never throws.
std::string catalogFilesMissing(const std::string &name);

// The dataset search path in order: $FRONTIER_DATA_DIR (several folders separated by ':'),
// <repo>/datasets, <repo>/../shared/datasets; cleaned, not checked for existence.
std::vector<std::string> dataSearchPath();

} // namespace frontier::data
