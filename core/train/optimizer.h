#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace frontier::train {

// One trainable tensor as the optimizer sees it: values updated in place from the
// gradient of the mean mini-batch loss. `decay` marks tensors that take weight decay
// (dense and conv weights; never biases or BatchNorm scale/shift).
struct ParamSlot
{
    float *value = nullptr;
    const float *grad = nullptr;
    size_t size = 0;
    bool decay = false;
};

// First-order optimizers with per-tensor state. Names (optimizerNames()):
//   "sgd"       SGD with (heavy-ball) momentum:  v = μ·v + g;   w -= lr·v
//   "nesterov"  SGD with Nesterov momentum:      v = μ·v + g;   w -= lr·(g + μ·v)
//   "adam"      Adam (β1 = momentum, β2 = 0.999, ε = 1e-8, bias-corrected) with
//               DECOUPLED weight decay (AdamW): w -= lr·(m̂/(√v̂ + ε) + λ·w)
// Weight decay λ for "sgd" and "nesterov" is classic L2 (coupled): g += λ·w, as in
// PyTorch's SGD. Both only touch slots with decay = true. Updates are element-wise in a
// fixed order, so they are deterministic. Not thread-safe.
class Optimizer
{
public:
    Optimizer(const std::string &name, float momentum, float weightDecay);

    // One update of every slot with learning rate lr. The slots (count and sizes) must be
    // the same at every call; state is created at the first one. Throws Error otherwise.
    void step(const std::vector<ParamSlot> &slots, float lr);

    const std::string &name() const { return m_name; }
    long long steps() const { return m_t; }
    // Bytes of optimizer state held now (momentum and Adam buffers).
    long long stateBytes() const
    {
        long long bytes = 0;
        for (const std::vector<float> &v : m_first)
            bytes += (long long)(v.capacity() * sizeof(float));
        for (const std::vector<float> &v : m_second)
            bytes += (long long)(v.capacity() * sizeof(float));
        return bytes;
    }

    enum class Kind { Sgd, Nesterov, Adam };

private:
    std::string m_name;
    Kind m_kind = Kind::Adam;
    float m_momentum = 0.9f;
    float m_weightDecay = 0.0f;
    long long m_t = 0;
    std::vector<std::vector<float>> m_first;  // momentum buffer / Adam m
    std::vector<std::vector<float>> m_second; // Adam v
};

std::vector<std::string> optimizerNames();

} // namespace frontier::train
