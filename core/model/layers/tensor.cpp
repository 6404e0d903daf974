#include "tensor.h"

#include <algorithm>
#include <cstdint>

namespace frontier::model {

int64_t numel(const Shape &shape)
{
    // Saturates at INT64_MAX instead of overflowing (hostile shapes); a non-positive
    // dimension gives its own product as before.
    int64_t n = 1;
    for (int d : shape) {
        if (d <= 0)
            return n * d;
        if (__builtin_mul_overflow(n, int64_t(d), &n))
            return INT64_MAX;
    }
    return n;
}

std::string shapeToString(const Shape &shape)
{
    std::string s;
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i)
            s += 'x';
        s += std::to_string(shape[i]);
    }
    return s.empty() ? "scalar" : s;
}

Tensor::Tensor(int n, Shape s)
{
    resize(n, s);
}

void Tensor::resize(int count, const Shape &s)
{
    n = count;
    shape = s;
    data.resize(size_t(int64_t(count) * numel(s)));
}

void Tensor::setZero()
{
    std::fill(data.begin(), data.end(), 0.0f);
}

} // namespace frontier::model
