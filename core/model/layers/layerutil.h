#pragma once

#include <algorithm>
#include <climits>
#include <cstdint>

// Helpers shared by the layer implementations: attribute parsing with range checks,
// input and parameter validation, initialisation, and the 2-D window geometry of
// convolution and pooling. Not used outside core/model/layers.

#include "layer.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace frontier {
class Random;
}

namespace frontier::model::detail {

// Throws Error(type, ...) when `a` holds a key not in `known` (catches typos in files).
void checkKnownKeys(const Attributes &a, const std::string &type,
                    std::initializer_list<const char *> known);

// An integer scalar attribute in [minValue, INT_MAX]; `fallback` when absent (required
// when fallback is nullptr).
int attrInt(const Attributes &a, const std::string &type, const std::string &key, int minValue,
            const int *fallback = nullptr);

// An integer list attribute of 1 or `count` elements (one element is broadcast), each
// >= minValue; `fallback` when absent.
std::vector<int> attrIntList(const Attributes &a, const std::string &type, const std::string &key,
                             int count, int minValue, const std::vector<int> &fallback);

// Throws unless inputs.size() == layer.inputCount().
void checkInputCount(const Layer &layer, const std::vector<Shape> &inputs);

// Throws unless the shape has `rank` dimensions, all positive.
void checkRank(const Layer &layer, const Shape &shape, size_t rank, const char *what);

// Throws unless the shape has at least one dimension, all positive.
void checkNonEmpty(const Layer &layer, const Shape &shape);

// A parameter that holds values must have exactly `expected` as its shape (it may still
// be empty before initialize()).
void checkParam(const Layer &layer, const Param &p, const Shape &expected);

// Sets shape and value; value = constant, or N(0, std^2) from `rng` when std > 0.
void fillParam(Param &p, const Shape &shape, float constant);
void fillNormal(Param &p, const Shape &shape, double stddev, Random &rng);

// Validates the inputs of a forward call against the layer (count, consistent batch
// size, data sizes) and its params (initialised, shapes), resizes `out` to
// {n, outputShape} and returns n.
int prepareForward(const Layer &layer, const std::vector<const Tensor *> &in, Tensor &out);

// Validates the arguments of a backward call: gradOut shaped like `out`; resizes every
// non-null gradIn[k] like in[k]. Returns whether parameter gradients are wanted
// (gradParams non-empty); then gradParams must have one entry per param, and empty
// entries of trainable params are sized with zeros.
bool prepareBackward(const Layer &layer, const std::vector<const Tensor *> &in, const Tensor &out,
                     const Tensor &gradOut, const std::vector<Tensor *> &gradIn,
                     std::vector<std::vector<float>> &gradParams);

int64_t paramCount(const std::vector<Shape> &shapes);

// floor(a / b) and ceil(a / b) for b > 0 and any sign of a.
inline int floorDiv(int a, int b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}
inline int ceilDiv(int a, int b)
{
    return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

// kernel [kh, kw], stride [sh, sw], pad [top, left, bottom, right] of a 2-D window.
struct Window2d
{
    int kh = 1, kw = 1;
    int sh = 1, sw = 1;
    int pt = 0, pl = 0, pb = 0, pr = 0;

    // Reads "kernel" (required unless kernelFallback is non-empty), "stride" (default 1),
    // "pad" (default 0; 1, 2 = [vertical, horizontal] or 4 elements).
    static Window2d fromAttributes(const Attributes &a, const std::string &type,
                                   const std::vector<int> &kernelFallback = {});
    // fromAttributes() for pooling: the stride defaults to the kernel (as in PyTorch), and
    // each pad must be smaller than the kernel. Throws Error naming the type.
    static Window2d forPooling(const Attributes &a, const std::string &type);
    void toAttributes(Attributes &a) const;

    // The largest kernel, stride and padding a window accepts: far beyond any real model,
    // and small enough that sizes computed from them cannot overflow.
    static constexpr int kMaxWindow = 65535;

    // floor((size + pads - k) / s) + 1, computed in 64 bits; <= 0 when the window does not
    // fit.
    int outH(int h) const { return outSize(h, pt + pb, kh, sh); }
    int outW(int w) const { return outSize(w, pl + pr, kw, sw); }
    static int outSize(int size, int pads, int k, int s)
    {
        const int64_t span = int64_t(size) + pads - k;
        const int64_t q = (span >= 0 ? span : span - (s - 1)) / s;
        return int(std::clamp<int64_t>(q + 1, INT_MIN, INT_MAX));
    }
};

} // namespace frontier::model::detail
