#pragma once

#include "layers/layer.h"

#include "common/normalization.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace frontier::model {

// The largest activation of one sample a layer may produce (elements); a model whose shapes
// exceed it is refused when loaded.
constexpr int64_t kMaxActivationElements = int64_t(1) << 26; // 256 MiB of float32

// A named output of the model: the final classifier or an early-exit head attached to
// an inner layer. Heads are ordered from the earliest exit to the final output, which is
// always the last head. Training weights each head's loss by lossWeight.
struct Head
{
    std::string name;
    int layer = -1;
    float lossWeight = 1.0f;
};

// A layer graph in topological order. Value type: copying clones every layer.
// Layer i may only read the model input (-1) or layers j < i.
class Model
{
public:
    Model() = default;
    Model(const Model &other);
    Model &operator=(const Model &other);
    Model(Model &&) noexcept = default;
    Model &operator=(Model &&) noexcept = default;

    // Appends a layer reading `inputs` (-1 = model input; empty = the previous layer, or
    // the model input for the first). Returns its index. The name defaults to
    // "<type><index>". Throws Error on a duplicate name or a forward reference.
    int add(std::unique_ptr<Layer> layer, std::vector<int> inputs = {}, std::string name = {});
    // Adds a head on `layer` (default: the last layer).
    void addHead(std::string name, int layer = -1, float lossWeight = 1.0f);

    // Output shape of every layer; throws Error naming the first layer that does not fit.
    std::vector<Shape> layerShapes() const;
    // The input shapes of layer i, given all layer shapes.
    std::vector<Shape> inputShapesOf(int i, const std::vector<Shape> &layerShapes) const;

    // Creates every layer's parameters (seeded) for inputShape.
    void initialize(uint64_t seed);

    int numClasses() const; // size of the final head's output
    const Head &finalHead() const { return heads.back(); }
    int layerIndex(const std::string &name) const; // -1 if absent
    int64_t parameterCount() const;

    std::string name;
    Shape inputShape;
    std::vector<std::string> classNames;
    Normalization normalization; // applied to raw dataset samples before the model
    std::vector<std::unique_ptr<Layer>> layers;
    std::vector<Head> heads;
    std::map<std::string, std::string> metadata; // recipe, dataset, dataset hash, seed, ...
};

} // namespace frontier::model
