#include "dataset.h"

#include "common/error.h"

#include <algorithm>

namespace frontier::data {

int Dataset::size() const
{
    const int64_t n = sampleSize();
    if (n <= 0)
        return 0;
    return int(int64_t(x.size()) / n);
}

int64_t Dataset::sampleSize() const
{
    if (shape.empty())
        return 0;
    int64_t n = 1;
    for (int d : shape)
        n *= d;
    return n;
}

Dataset Dataset::subset(const std::vector<int> &indices) const
{
    Dataset out;
    out.name = name;
    out.source = source;
    out.contentHash = contentHash;
    out.shape = shape;
    out.classNames = classNames;
    out.featureNames = featureNames;
    const int n = size();
    const int64_t stride = sampleSize();
    out.x.resize(indices.size() * size_t(stride));
    if (hasLabels())
        out.y.reserve(indices.size());
    float *dst = out.x.data();
    for (int i : indices) {
        if (i < 0 || i >= n) {
            throw Error(name.empty() ? std::string("dataset") : name,
                        "subset index " + std::to_string(i) + " out of range [0, "
                            + std::to_string(n) + ")");
        }
        const float *src = sample(i);
        std::copy(src, src + stride, dst);
        dst += stride;
        if (hasLabels())
            out.y.push_back(y[size_t(i)]);
    }
    return out;
}

std::vector<int> Dataset::classCounts() const
{
    std::vector<int> counts(classNames.size(), 0);
    for (int label : y) {
        if (label >= 0 && size_t(label) < counts.size())
            ++counts[size_t(label)];
    }
    return counts;
}

void Dataset::append(const Dataset &other)
{
    if (x.empty() && shape.empty()) {
        shape = other.shape;
        classNames = other.classNames;
        featureNames = other.featureNames;
    } else if (other.shape != shape) {
        throw Error(other.source, "sample shape differs from the data it is appended to");
    } else if (other.hasLabels() != hasLabels() || other.classNames != classNames) {
        throw Error(other.source, "labels or class names differ from the data it is appended to");
    }
    x.insert(x.end(), other.x.begin(), other.x.end());
    y.insert(y.end(), other.y.begin(), other.y.end());
}

} // namespace frontier::data
