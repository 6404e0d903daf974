#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::model {

// Per-sample shape, batch axis excluded: {C, H, W} for images, {F} for vectors.
using Shape = std::vector<int>;

int64_t numel(const Shape &shape);
std::string shapeToString(const Shape &shape); // "1x28x28"

// A batch of activations: n samples of `shape`, stored contiguously and sample-major
// (NCHW for images). Value type; resize() keeps the allocation when shrinking.
struct Tensor
{
    int n = 0;
    Shape shape;
    std::vector<float> data;

    Tensor() = default;
    Tensor(int n, Shape shape);

    void resize(int n, const Shape &shape);
    int64_t sampleSize() const { return numel(shape); }
    float *sample(int i) { return data.data() + int64_t(i) * sampleSize(); }
    const float *sample(int i) const { return data.data() + int64_t(i) * sampleSize(); }
    void setZero();
};

} // namespace frontier::model
