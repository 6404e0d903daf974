#include "layerutil.h"

#include "common/error.h"
#include "common/random.h"

#include <algorithm>
#include <climits>
#include <cmath>

namespace frontier::model::detail {

namespace {

std::string quoted(const std::string &key)
{
    return "attribute '" + key + "'";
}

int toInt(double v, const std::string &type, const std::string &key, int minValue)
{
    if (!std::isfinite(v) || v != std::floor(v) || v < double(minValue) || v > double(INT_MAX))
        throw Error(type, quoted(key) + " must be an integer >= " + std::to_string(minValue)
                              + ", got " + std::to_string(v));
    return int(v);
}

} // namespace

void checkKnownKeys(const Attributes &a, const std::string &type,
                    std::initializer_list<const char *> known)
{
    for (const auto &entry : a) {
        const std::string &key = entry.first; // a structured binding is not capturable in clang 14
        if (std::none_of(known.begin(), known.end(), [&](const char *k) { return key == k; }))
            throw Error(type, "unknown " + quoted(key));
    }
}

int attrInt(const Attributes &a, const std::string &type, const std::string &key, int minValue,
            const int *fallback)
{
    if (fallback && !a.count(key))
        return *fallback;
    return toInt(attrScalar(a, type, key), type, key, minValue);
}

std::vector<int> attrIntList(const Attributes &a, const std::string &type, const std::string &key,
                             int count, int minValue, const std::vector<int> &fallback)
{
    const auto it = a.find(key);
    if (it == a.end()) {
        if (fallback.empty())
            throw Error(type, "missing " + quoted(key));
        return fallback;
    }
    const std::vector<double> &v = it->second;
    if (v.size() != 1 && v.size() != size_t(count))
        throw Error(type, quoted(key) + " needs 1 or " + std::to_string(count) + " values, got "
                              + std::to_string(v.size()));
    std::vector<int> out;
    for (int i = 0; i < count; ++i)
        out.push_back(toInt(v[v.size() == 1 ? 0 : size_t(i)], type, key, minValue));
    return out;
}

void checkInputCount(const Layer &layer, const std::vector<Shape> &inputs)
{
    if (int(inputs.size()) != layer.inputCount())
        throw Error(layer.where(), "expects " + std::to_string(layer.inputCount())
                                       + " input(s), got " + std::to_string(inputs.size()));
}

void checkRank(const Layer &layer, const Shape &shape, size_t rank, const char *what)
{
    const bool positive = std::all_of(shape.begin(), shape.end(), [](int d) { return d > 0; });
    if (shape.size() != rank || !positive)
        throw Error(layer.where(),
                    std::string("expects a ") + what + " input, got " + shapeToString(shape));
}

void checkNonEmpty(const Layer &layer, const Shape &shape)
{
    const bool positive = std::all_of(shape.begin(), shape.end(), [](int d) { return d > 0; });
    if (shape.empty() || !positive)
        throw Error(layer.where(), "expects a non-empty input, got " + shapeToString(shape));
}

void checkParam(const Layer &layer, const Param &p, const Shape &expected)
{
    if (p.value.empty() && p.shape.empty())
        return;
    if (p.shape != expected || int64_t(p.value.size()) != numel(expected))
        throw Error(layer.where(), "parameter '" + p.name + "' has shape " + shapeToString(p.shape)
                                       + " (" + std::to_string(p.value.size())
                                       + " values), expected " + shapeToString(expected));
}

void fillParam(Param &p, const Shape &shape, float constant)
{
    p.shape = shape;
    p.value.assign(size_t(numel(shape)), constant);
}

void fillNormal(Param &p, const Shape &shape, double stddev, Random &rng)
{
    p.shape = shape;
    p.value.resize(size_t(numel(shape)));
    for (float &v : p.value)
        v = float(rng.normal() * stddev);
}

int prepareForward(const Layer &layer, const std::vector<const Tensor *> &in, Tensor &out)
{
    if (int(in.size()) != layer.inputCount())
        throw Error(layer.where(), "expects " + std::to_string(layer.inputCount())
                                       + " input(s), got " + std::to_string(in.size()));
    std::vector<Shape> shapes;
    for (const Tensor *t : in) {
        if (!t)
            throw Error(layer.where(), "null input");
        if (t->n != in[0]->n)
            throw Error(layer.where(), "inputs have different batch sizes");
        if (int64_t(t->data.size()) != int64_t(t->n) * t->sampleSize())
            throw Error(layer.where(),
                        "input data does not match its shape " + shapeToString(t->shape));
        shapes.push_back(t->shape);
    }
    for (const Param &p : layer.params()) {
        if (p.value.empty())
            throw Error(layer.where(), "parameter '" + p.name + "' is not initialised");
    }
    const Shape shape = layer.outputShape(shapes);
    out.resize(in[0]->n, shape);
    return in[0]->n;
}

bool prepareBackward(const Layer &layer, const std::vector<const Tensor *> &in, const Tensor &out,
                     const Tensor &gradOut, const std::vector<Tensor *> &gradIn,
                     std::vector<std::vector<float>> &gradParams)
{
    if (int(in.size()) != layer.inputCount())
        throw Error(layer.where(), "backward: expects " + std::to_string(layer.inputCount())
                                       + " input(s), got " + std::to_string(in.size()));
    if (gradOut.n != out.n || gradOut.shape != out.shape || gradOut.data.size() != out.data.size())
        throw Error(layer.where(), "backward: output gradient " + shapeToString(gradOut.shape)
                                       + " does not match the output " + shapeToString(out.shape));
    if (gradIn.size() > in.size())
        throw Error(layer.where(), "backward: more input gradients than inputs");
    for (size_t k = 0; k < gradIn.size(); ++k) {
        if (gradIn[k])
            gradIn[k]->resize(in[k]->n, in[k]->shape);
    }
    if (gradParams.empty())
        return false;
    const std::vector<Param> &params = layer.params();
    if (gradParams.size() != params.size())
        throw Error(layer.where(), "backward: " + std::to_string(gradParams.size())
                                       + " parameter gradients for " + std::to_string(params.size())
                                       + " parameters");
    for (size_t p = 0; p < params.size(); ++p) {
        if (!params[p].trainable)
            continue;
        if (gradParams[p].empty())
            gradParams[p].assign(params[p].value.size(), 0.0f);
        if (gradParams[p].size() != params[p].value.size())
            throw Error(layer.where(),
                        "backward: gradient of '" + params[p].name + "' has the wrong size");
    }
    return true;
}

int64_t paramCount(const std::vector<Shape> &shapes)
{
    int64_t n = 0;
    for (const Shape &s : shapes)
        n += numel(s);
    return n;
}

Window2d Window2d::fromAttributes(const Attributes &a, const std::string &type,
                                  const std::vector<int> &kernelFallback)
{
    Window2d w;
    const std::vector<int> k = attrIntList(a, type, "kernel", 2, 1, kernelFallback);
    const std::vector<int> s = attrIntList(a, type, "stride", 2, 1, {1, 1});
    std::vector<int> p;
    const auto it = a.find("pad");
    if (it != a.end() && it->second.size() == 2) {
        const std::vector<int> hv = attrIntList(a, type, "pad", 2, 0, {0, 0});
        p = {hv[0], hv[1], hv[0], hv[1]};
    } else {
        p = attrIntList(a, type, "pad", 4, 0, {0, 0, 0, 0});
    }
    auto limit = [&](const std::vector<int> &values, const char *key) {
        for (int v : values) {
            if (v > kMaxWindow)
                throw Error(type, quoted(key) + " " + std::to_string(v) + " exceeds the limit of "
                                      + std::to_string(kMaxWindow));
        }
    };
    limit(k, "kernel");
    limit(s, "stride");
    limit(p, "pad");
    w.kh = k[0];
    w.kw = k[1];
    w.sh = s[0];
    w.sw = s[1];
    w.pt = p[0];
    w.pl = p[1];
    w.pb = p[2];
    w.pr = p[3];
    return w;
}

Window2d Window2d::forPooling(const Attributes &a, const std::string &type)
{
    Window2d w = fromAttributes(a, type);
    if (!a.count("stride")) {
        w.sh = w.kh;
        w.sw = w.kw;
    }
    if (w.pt >= w.kh || w.pb >= w.kh || w.pl >= w.kw || w.pr >= w.kw)
        throw Error(type, "padding must be smaller than the kernel");
    return w;
}

void Window2d::toAttributes(Attributes &a) const
{
    a["kernel"] = {double(kh), double(kw)};
    a["stride"] = {double(sh), double(sw)};
    a["pad"] = {double(pt), double(pl), double(pb), double(pr)};
}

} // namespace frontier::model::detail
