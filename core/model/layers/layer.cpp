#include "layer.h"

#include "layerutil.h"

#include "common/error.h"

#include "add.h"
#include "avgpool.h"
#include "batchnorm.h"
#include "clip.h"
#include "conv2d.h"
#include "dense.h"
#include "flatten.h"
#include "globalavgpool.h"
#include "leakyrelu.h"
#include "maxpool.h"
#include "relu.h"
#include "reshape.h"
#include "sigmoid.h"
#include "softmax.h"
#include "tanh.h"

#include <algorithm>
#include <cmath>

namespace frontier::model {

void Layer::forwardTrain(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws,
                         LayerCache &cache) const
{
    (void)cache;
    forward(in, out, ws);
}

LayerStats Layer::stats(const std::vector<Shape> &inputs) const
{
    LayerStats s;
    s.activations = numel(outputShape(inputs));
    for (const Param &p : m_params)
        s.params += numel(p.shape) * !p.shape.empty();
    return s;
}

Param *Layer::param(const std::string &paramName)
{
    for (Param &p : m_params) {
        if (p.name == paramName)
            return &p;
    }
    return nullptr;
}

const Param *Layer::param(const std::string &paramName) const
{
    for (const Param &p : m_params) {
        if (p.name == paramName)
            return &p;
    }
    return nullptr;
}

std::string Layer::where() const
{
    return name.empty() ? type() : "layer '" + name + "' (" + type() + ")";
}

namespace {

using Factory = std::unique_ptr<Layer> (*)(const Attributes &);

template<typename T>
std::unique_ptr<Layer> make(const Attributes &a)
{
    return std::make_unique<T>(a);
}

// "relu6" is an alias: clip(0, 6), whose type() is "clip".
std::unique_ptr<Layer> makeRelu6(const Attributes &a)
{
    detail::checkKnownKeys(a, "relu6", {});
    return std::make_unique<Clip>(Attributes{{"min", {0.0}}, {"max", {6.0}}});
}

struct Entry
{
    const char *type;
    Factory create;
};

// The registry, sorted by type.
const Entry registry[] = {
    {"add", make<Add>},
    {"avgpool", make<AvgPool>},
    {"batchnorm", make<BatchNorm>},
    {"clip", make<Clip>},
    {"conv2d", make<Conv2d>},
    {"dense", make<Dense>},
    {"flatten", make<Flatten>},
    {"globalavgpool", make<GlobalAvgPool>},
    {"leakyrelu", make<LeakyRelu>},
    {"maxpool", make<MaxPool>},
    {"relu", make<Relu>},
    {"relu6", makeRelu6},
    {"reshape", make<Reshape>},
    {"sigmoid", make<Sigmoid>},
    {"softmax", make<Softmax>},
    {"tanh", make<Tanh>},
};

} // namespace

std::unique_ptr<Layer> createLayer(const std::string &type, const Attributes &attributes)
{
    for (const Entry &e : registry) {
        if (type == e.type)
            return e.create(attributes);
    }
    std::string known;
    for (const std::string &t : layerTypes())
        known += (known.empty() ? "" : ", ") + t;
    throw Error("layer type '" + type + "'", "unknown (known: " + known + ")");
}

std::vector<std::string> layerTypes()
{
    std::vector<std::string> types;
    for (const Entry &e : registry)
        types.emplace_back(e.type);
    std::sort(types.begin(), types.end());
    return types;
}

double attrScalar(const Attributes &a, const std::string &type, const std::string &key)
{
    const auto it = a.find(key);
    if (it == a.end())
        throw Error(type, "missing attribute '" + key + "'");
    if (it->second.size() != 1)
        throw Error(type, "attribute '" + key + "' must be a single number, got "
                              + std::to_string(it->second.size()) + " values");
    if (!std::isfinite(it->second[0]))
        throw Error(type, "attribute '" + key + "' is not finite");
    return it->second[0];
}

double attrScalar(const Attributes &a, const std::string &type, const std::string &key,
                  double fallback)
{
    return a.count(key) ? attrScalar(a, type, key) : fallback;
}

std::vector<int> attrInts(const Attributes &a, const std::string &type, const std::string &key,
                          const std::vector<int> &fallback)
{
    const auto it = a.find(key);
    if (it == a.end())
        return fallback;
    std::vector<int> out;
    for (double v : it->second) {
        if (!std::isfinite(v) || v != std::floor(v) || std::abs(v) > 2147483647.0)
            throw Error(type, "attribute '" + key + "' must hold integers");
        out.push_back(int(v));
    }
    return out;
}

} // namespace frontier::model
