#pragma once

#include "layer.h"

namespace frontier::model {

// "batchnorm": y = gamma · (x - mean) / sqrt(var + eps) + beta per channel of {C, H, W}
// (statistics over batch and H·W) or per feature of {F} (over the batch); in general the
// first dim is the channel. Attributes: eps (> 0, default 1e-5), momentum (in [0, 1],
// default 0.1; PyTorch convention running = (1 - m) · running + m · batch).
// Params: gamma, beta [C] (trainable); running_mean, running_var [C] (trainable = false).
// forward() uses the running statistics; forwardTrain() the batch statistics (biased
// variance for normalising) and caches mean, 1/std and the unbiased variance, from which
// updateRunningStats() updates the running statistics (with one value per channel the
// unbiased variance is taken as the biased one, 0). backward() is the full batch-statistic
// gradient and needs the forwardTrain() cache. MACs per sample: one per element.
class BatchNorm : public Layer
{
public:
    explicit BatchNorm(const Attributes &attributes = {});

    std::string type() const override { return "batchnorm"; }
    std::unique_ptr<Layer> clone() const override;
    Shape outputShape(const std::vector<Shape> &inputs) const override;
    void forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const override;
    void forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const override;
    void forwardTrain(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws,
                      LayerCache &cache) const override;
    void backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gradOut,
                  const std::vector<Tensor *> &gradIn, std::vector<std::vector<float>> &gradParams,
                  const LayerCache &cache, Workspace &ws) const override;
    void updateRunningStats(const LayerCache &cache) override;
    void initialize(const std::vector<Shape> &inputs, uint64_t seed) override;
    Attributes attributes() const override;
    LayerStats stats(const std::vector<Shape> &inputs) const override;

    double eps() const { return m_eps; }
    double momentum() const { return m_momentum; }

private:
    // Kept as given (double) so that attributes() round-trips exactly.
    double m_eps = 1e-5;
    double m_momentum = 0.1;
};

// Folds an inference-mode BatchNorm into the weighted layer that feeds it: for every
// output channel f of `weighted` (a "dense" unit or a "conv2d" filter),
// s = gamma[f] / sqrt(running_var[f] + eps), weight[f, ...] *= s and
// bias[f] = (bias[f] - running_mean[f]) · s + beta[f]; afterwards `weighted` alone
// computes what weighted followed by bn computed (up to rounding). Returns false and
// changes nothing when `weighted` is not dense/conv2d, `bn` is not a batchnorm, or
// their channel counts or parameters do not match (e.g. not initialised).
bool foldBatchNormInto(Layer &weighted, const Layer &bn);

} // namespace frontier::model
