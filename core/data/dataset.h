#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::data {

// A labelled (or unlabelled) set of float32 samples. Value type.
// Samples are stored sample-major: x[i * sampleSize() + j]. Images are {C, H, W}
// (NCHW over the set), tabular data {F}.
struct Dataset
{
    std::string name;                    // "mnist", "iris", file name, ...
    std::string source;                  // where it came from: path(s) or generator spec
    std::string contentHash;             // SHA-256 (hex) of the bytes it was read or made from
    std::vector<int> shape;              // per-sample shape
    std::vector<float> x;                // size() * sampleSize() values
    std::vector<int> y;                  // size() labels in [0, classNames.size()), or empty
    std::vector<std::string> classNames; // one per class
    // Tabular data: one name per feature (a CSV file's header); empty when unnamed.
    std::vector<std::string> featureNames;

    int size() const;
    int64_t sampleSize() const;
    int numClasses() const { return int(classNames.size()); }
    bool hasLabels() const { return !y.empty(); }
    bool isImage() const { return shape.size() == 3; }
    const float *sample(int i) const { return x.data() + int64_t(i) * sampleSize(); }

    // The samples at `indices`, in that order (same name, shape and classes).
    Dataset subset(const std::vector<int> &indices) const;
    // Per-class sample counts.
    std::vector<int> classCounts() const;
    // Appends the samples and labels of `other`, which must have the same per-sample shape,
    // both or neither labelled, and the same class names. Name, source and contentHash are
    // left for the caller to set. Throws Error naming other.source on a mismatch.
    void append(const Dataset &other);
};

} // namespace frontier::data
