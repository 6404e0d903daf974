#pragma once

#include "tensor.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace frontier::model {

// Numeric attributes of a layer ("units", "kernel", "stride", "pad", "groups", "min",
// "max", "eps", "momentum", "shape", ...). Every attribute is a list of numbers; scalar
// attributes have one element. Serialised as JSON by the model file.
using Attributes = std::map<std::string, std::vector<double>>;

// A learned or tracked tensor of a layer. `trainable` is false for running statistics.
struct Param
{
    std::string name; // "weight", "bias", "gamma", "beta", "running_mean", "running_var"
    Shape shape;
    std::vector<float> value;
    bool trainable = true;
};

// Per-thread scratch memory, owned by the caller and reused between calls, so that
// layers stay const (shareable by all threads) and the hot path does not allocate.
struct Workspace
{
    std::vector<float> a;
    std::vector<float> b;
    std::vector<float> c;
};

// What forwardTrain() keeps for backward() (e.g. BatchNorm's batch mean and 1/std,
// MaxPool's argmax). Opaque to everyone but the layer.
struct LayerCache
{
    std::vector<float> f;
    std::vector<int> i;
};

struct LayerStats
{
    int64_t params = 0;      // number of parameters (trainable + running statistics)
    int64_t macs = 0;        // multiply-accumulates per sample
    int64_t activations = 0; // output elements per sample
};

// A node of the layer graph. Layers are immutable during inference: forward() is const
// and may run concurrently on different batches from several threads. Every forward()
// has a naive serial twin forwardNaive() (direct loops, no GEMM, no im2col) that tests
// compare against. Errors (bad attributes, incompatible input shapes) throw
// frontier::Error naming the layer.
class Layer
{
public:
    virtual ~Layer() = default;

    virtual std::string type() const = 0; // registry key: "dense", "conv2d", "relu", ...
    virtual std::unique_ptr<Layer> clone() const = 0;

    // Number of inputs this layer takes (Add: 2, everything else: 1).
    virtual int inputCount() const { return 1; }

    // Output shape for the given input shapes; throws Error on a mismatch.
    // Also allocates/validates the parameters for these shapes (see initialize()).
    virtual Shape outputShape(const std::vector<Shape> &inputs) const = 0;

    // Inference on a batch. BatchNorm uses its running statistics.
    virtual void forward(const std::vector<const Tensor *> &in, Tensor &out,
                         Workspace &ws) const = 0;

    // The serial twin of forward(): same result within float rounding.
    virtual void forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const = 0;

    // Training-time forward: like forward(), but BatchNorm uses batch statistics; keeps
    // in `cache` what backward() needs.
    virtual void forwardTrain(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws,
                              LayerCache &cache) const;

    // Given dL/d(out), writes dL/d(in[k]) into *gradIn[k] (skipped when null) and ADDS
    // dL/d(param) into gradParams[p] (same order as params(); sized like each value;
    // entries for non-trainable params are left alone).
    virtual void backward(const std::vector<const Tensor *> &in, const Tensor &out,
                          const Tensor &gradOut, const std::vector<Tensor *> &gradIn,
                          std::vector<std::vector<float>> &gradParams, const LayerCache &cache,
                          Workspace &ws) const = 0;

    // After a training step: update running statistics from the batch cache (BatchNorm).
    virtual void updateRunningStats(const LayerCache &cache) { (void)cache; }

    // Creates parameters for the given input shapes with seeded random initialisation
    // (He/Glorot as suits the layer). Layers without parameters do nothing.
    virtual void initialize(const std::vector<Shape> &inputs, uint64_t seed)
    {
        (void)inputs;
        (void)seed;
    }

    virtual Attributes attributes() const { return {}; }
    virtual LayerStats stats(const std::vector<Shape> &inputs) const;

    std::vector<Param> &params() { return m_params; }
    const std::vector<Param> &params() const { return m_params; }
    Param *param(const std::string &name); // nullptr when absent
    const Param *param(const std::string &name) const;

    // "layer '<name>' (<type>)", or just the type when the layer has no name: the
    // `where` of every Error the layer throws.
    std::string where() const;

    std::string name;        // unique within a model
    std::vector<int> inputs; // indices of earlier layers in the model; -1 = the model input

protected:
    std::vector<Param> m_params;
};

// The layer registry: creates a layer of `type` from its attributes (as written by
// attributes()). Throws Error naming the type for an unknown type or bad attributes.
std::unique_ptr<Layer> createLayer(const std::string &type, const Attributes &attributes);

// All registered layer type names, sorted.
std::vector<std::string> layerTypes();

// Attribute helpers for layer implementations: throw Error naming the layer type and key.
double attrScalar(const Attributes &a, const std::string &type, const std::string &key);
double attrScalar(const Attributes &a, const std::string &type, const std::string &key,
                  double fallback);
std::vector<int> attrInts(const Attributes &a, const std::string &type, const std::string &key,
                          const std::vector<int> &fallback);

} // namespace frontier::model
