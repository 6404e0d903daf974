#pragma once

// Random test models covering every layer type, shared by the model and train suites.

#include "model/model.h"

#include "common/random.h"

#include <string>
#include <vector>

namespace frontier::test {

inline std::unique_ptr<model::Layer> makeLayer(const std::string &type,
                                               const model::Attributes &a = {})
{
    return model::createLayer(type, a);
}

inline model::Attributes conv(int filters, int kernel, int stride = 1,
                              std::vector<double> pad = {0}, int groups = 1)
{
    return {{"filters", {double(filters)}},
            {"kernel", {double(kernel), double(kernel)}},
            {"stride", {double(stride), double(stride)}},
            {"pad", pad},
            {"groups", {double(groups)}}};
}

inline model::Attributes units(int n)
{
    return {{"units", {double(n)}}};
}

inline model::Attributes pool(int kernel, int stride, std::vector<double> pad = {0})
{
    return {{"kernel", {double(kernel)}}, {"stride", {double(stride)}}, {"pad", pad}};
}

// Non-trivial BatchNorm parameters and running statistics, so that folding matters.
inline void randomizeBatchNorms(model::Model &m, uint64_t seed)
{
    Random rng(seed);
    for (const std::unique_ptr<model::Layer> &layer : m.layers) {
        if (layer->type() != "batchnorm")
            continue;
        for (model::Param &p : layer->params()) {
            for (float &v : p.value) {
                if (p.name == "gamma")
                    v = float(rng.uniform(0.5, 1.5));
                else if (p.name == "beta" || p.name == "running_mean")
                    v = float(rng.uniform(-0.5, 0.5));
                else if (p.name == "running_var")
                    v = float(rng.uniform(0.5, 2.0));
            }
        }
    }
}

// n samples uniform in [lo, hi).
inline std::vector<float> randomInput(int n, const model::Shape &shape, uint64_t seed,
                                      double lo = -1.0, double hi = 1.0)
{
    Random rng(seed);
    std::vector<float> x(size_t(int64_t(n) * model::numel(shape)));
    for (float &v : x)
        v = float(rng.uniform(lo, hi));
    return x;
}

// Dense stack with BatchNorm (foldable), every activation, and an early-exit head.
inline model::Model mlpAllActivations()
{
    using namespace model;
    Model m;
    m.name = "mlp-activations";
    m.inputShape = {20};
    m.add(makeLayer("dense", units(16)), {}, "fc1");
    m.add(makeLayer("batchnorm"), {}, "bn1");
    m.add(makeLayer("leakyrelu", {{"alpha", {0.1}}}), {}, "lrelu");
    m.add(makeLayer("dense", units(12)), {}, "fc2");
    m.add(makeLayer("sigmoid"), {}, "sig");
    m.add(makeLayer("dense", units(10)), {}, "fc3");
    const int t = m.add(makeLayer("tanh"), {}, "tanh");
    m.add(makeLayer("dense", units(4)), {t}, "exit1_fc");
    m.add(makeLayer("softmax"), {}, "exit1");
    m.addHead("exit1", -1, 0.5f);
    m.add(makeLayer("dense", units(8)), {t}, "fc4");
    m.add(makeLayer("relu6"), {}, "relu6");
    m.add(makeLayer("dense", units(4)), {}, "logits");
    m.add(makeLayer("softmax"), {}, "softmax");
    m.addHead("final");
    m.initialize(11);
    randomizeBatchNorms(m, 12);
    return m;
}

// Convolutions (strided, padded asymmetrically, grouped, depthwise), BatchNorm, clip, both
// poolings with padding, flatten and reshape.
inline model::Model cnnEveryOp()
{
    using namespace model;
    Model m;
    m.name = "cnn-every-op";
    m.inputShape = {3, 13, 11};
    m.add(makeLayer("conv2d", conv(8, 3, 2, {1})), {}, "conv1");
    m.add(makeLayer("batchnorm"), {}, "bn1");
    m.add(makeLayer("relu6"), {}, "relu6");
    m.add(makeLayer("conv2d", conv(6, 3, 1, {1, 0, 2, 1}, 2)), {}, "grouped");
    m.add(makeLayer("clip", {{"min", {-0.5}}, {"max", {2.0}}}), {}, "clip");
    m.add(makeLayer("conv2d", conv(6, 3, 1, {1}, 6)), {}, "depthwise");
    m.add(makeLayer("batchnorm"), {}, "bn2");
    m.add(makeLayer("maxpool", pool(2, 1, {0, 0, 1, 1})), {}, "maxpool");
    m.add(makeLayer("avgpool", pool(3, 2, {1})), {}, "avgpool");
    m.add(makeLayer("avgpool",
                    {{"kernel", {2}}, {"stride", {1}}, {"pad", {1}}, {"count_include_pad", {1}}}),
          {}, "avgpool_incl");
    m.add(makeLayer("flatten"), {}, "flatten");
    m.add(makeLayer("reshape", {{"shape", {2, -1}}}), {}, "reshape");
    m.add(makeLayer("dense", units(7)), {}, "logits");
    m.add(makeLayer("softmax"), {}, "softmax");
    m.addHead("final");
    m.initialize(21);
    randomizeBatchNorms(m, 22);
    return m;
}

// A residual block with Add, global average pooling, an early exit and a raw (non-softmax)
// head.
inline model::Model residualWithExits()
{
    using namespace model;
    Model m;
    m.name = "residual";
    m.inputShape = {4, 10, 10};
    m.add(makeLayer("conv2d", conv(8, 3, 1, {1})), {}, "stem");
    m.add(makeLayer("batchnorm"), {}, "stem_bn");
    const int r0 = m.add(makeLayer("relu"), {}, "stem_relu");
    m.add(makeLayer("conv2d", conv(8, 3, 1, {1})), {}, "c1");
    m.add(makeLayer("batchnorm"), {}, "c1_bn");
    m.add(makeLayer("relu"), {}, "c1_relu");
    m.add(makeLayer("conv2d", conv(8, 3, 1, {1})), {}, "c2");
    const int b2 = m.add(makeLayer("batchnorm"), {}, "c2_bn");
    m.add(makeLayer("add"), {b2, r0}, "add");
    const int a = m.add(makeLayer("relu"), {}, "add_relu");
    m.add(makeLayer("maxpool", pool(2, 2)), {a}, "exit1_pool");
    m.add(makeLayer("flatten"), {}, "exit1_flatten");
    m.add(makeLayer("dense", units(5)), {}, "exit1_fc");
    m.add(makeLayer("softmax"), {}, "exit1_softmax");
    m.addHead("exit1", -1, 0.3f);
    m.add(makeLayer("conv2d", conv(16, 3, 2, {1})), {a}, "c3");
    m.add(makeLayer("batchnorm"), {}, "c3_bn");
    m.add(makeLayer("relu"), {}, "c3_relu");
    m.add(makeLayer("globalavgpool"), {}, "gap");
    const int logits = m.add(makeLayer("dense", units(5)), {}, "logits");
    m.addHead("raw_logits", logits, 0.0f);
    m.add(makeLayer("softmax"), {}, "softmax");
    m.addHead("final");
    m.initialize(31);
    randomizeBatchNorms(m, 32);
    return m;
}

// BatchNorms that must not be folded (producer read twice; producer not weighted) next to
// one that must (dense -> BN).
inline model::Model unfoldableBatchNorm()
{
    using namespace model;
    Model m;
    m.name = "unfoldable";
    m.inputShape = {2, 6, 6};
    const int c1 = m.add(makeLayer("conv2d", conv(4, 3, 1, {1})), {}, "c1");
    const int bn1 = m.add(makeLayer("batchnorm"), {}, "bn1");
    m.add(makeLayer("add"), {bn1, c1}, "add");
    m.add(makeLayer("relu"), {}, "relu");
    m.add(makeLayer("batchnorm"), {}, "bn_after_relu");
    m.add(makeLayer("flatten"), {}, "flatten");
    m.add(makeLayer("dense", units(3)), {}, "fc");
    m.add(makeLayer("batchnorm"), {}, "bn_dense");
    m.add(makeLayer("softmax"), {}, "softmax");
    m.addHead("final");
    m.initialize(41);
    randomizeBatchNorms(m, 42);
    return m;
}

} // namespace frontier::test
