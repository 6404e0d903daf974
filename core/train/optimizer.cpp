#include "optimizer.h"

#include "common/cpu.h"
#include "common/detmath.h"
#include "common/error.h"
#include "common/simd.h"

#include <cmath>

namespace frontier::train {

Optimizer::Optimizer(const std::string &name, float momentum, float weightDecay)
    : m_name(name)
    , m_momentum(momentum)
    , m_weightDecay(weightDecay)
{
    if (name == "sgd")
        m_kind = Kind::Sgd;
    else if (name == "nesterov")
        m_kind = Kind::Nesterov;
    else if (name == "adam")
        m_kind = Kind::Adam;
    else
        throw Error("optimizer", "unknown optimizer '" + name + "' (known: adam, nesterov, sgd)");
    if (!(momentum >= 0.0f && momentum < 1.0f))
        throw Error("optimizer", "momentum must be in [0, 1), got " + std::to_string(momentum));
    if (!(weightDecay >= 0.0f) || !std::isfinite(weightDecay))
        throw Error("optimizer", "weight decay must be >= 0, got " + std::to_string(weightDecay));
}

namespace {

struct Update
{
    Optimizer::Kind kind;
    float lr, mu, beta2, eps, decay, adamRate, secondScale;
};

// One parameter tensor's update. Element-wise IEEE operations only (no fused multiply-add,
// -ffp-contract=off), so the baseline and the AVX2 compilation of this body give the same
// bits; the AVX2 one runs 8 elements per instruction (sqrt and division included).
__attribute__((always_inline)) inline void updateBody(const Update &u, size_t size, float *w,
                                                      const float *g, float *m, float *v)
{
    const float lr = u.lr, mu = u.mu, decay = u.decay;
    switch (u.kind) {
    case Optimizer::Kind::Sgd:
        for (size_t i = 0; i < size; ++i) {
            const float gi = g[i] + decay * w[i];
            m[i] = mu * m[i] + gi;
            w[i] -= lr * m[i];
        }
        break;
    case Optimizer::Kind::Nesterov:
        for (size_t i = 0; i < size; ++i) {
            const float gi = g[i] + decay * w[i];
            m[i] = mu * m[i] + gi;
            w[i] -= lr * (gi + mu * m[i]);
        }
        break;
    case Optimizer::Kind::Adam: {
        const float shrink = 1.0f - lr * decay;
        const float beta2 = u.beta2, eps = u.eps, rate = u.adamRate, scale = u.secondScale;
        for (size_t i = 0; i < size; ++i) {
            m[i] = mu * m[i] + (1.0f - mu) * g[i];
            v[i] = beta2 * v[i] + (1.0f - beta2) * g[i] * g[i];
            w[i] = w[i] * shrink - rate * m[i] / (std::sqrt(v[i]) * scale + eps);
        }
        break;
    }
    }
}

void updatePortable(const Update &u, size_t size, float *w, const float *g, float *m, float *v)
{
    updateBody(u, size, w, g, m, v);
}

FRONTIER_TARGET_AVX2 void updateAvx2(const Update &u, size_t size, float *w, const float *g,
                                     float *m, float *v)
{
    updateBody(u, size, w, g, m, v);
}

} // namespace

void Optimizer::step(const std::vector<ParamSlot> &slots, float lr)
{
    if (m_first.empty()) {
        for (const ParamSlot &s : slots) {
            m_first.emplace_back(s.size, 0.0f);
            if (m_kind == Kind::Adam)
                m_second.emplace_back(s.size, 0.0f);
        }
    }
    if (m_first.size() != slots.size())
        throw Error("optimizer", "the parameter set changed between steps");
    ++m_t;
    const float mu = m_momentum;
    const float wd = m_weightDecay;
    const float beta2 = 0.999f;
    const float eps = 1e-8f;
    const double c1 = 1.0 - dmath::powi(double(mu), int64_t(m_t));
    const double c2 = 1.0 - dmath::powi(double(beta2), int64_t(m_t));
    // Adam's step with bias correction folded into the rate, as in PyTorch.
    const float adamRate = float(double(lr) / (c1 > 0.0 ? c1 : 1.0));
    const float secondScale = float(1.0 / std::sqrt(c2));

    for (size_t k = 0; k < slots.size(); ++k) {
        const ParamSlot &s = slots[k];
        if (m_first[k].size() != s.size)
            throw Error("optimizer", "a parameter changed size between steps");
        float *w = s.value;
        const float *g = s.grad;
        float *m = m_first[k].data();
        const float decay = s.decay ? wd : 0.0f;
        const Update u{m_kind, lr, mu, beta2, eps, decay, adamRate, secondScale};
        if (cpu::activeIsa() == cpu::Isa::Portable)
            updatePortable(u, s.size, w, g, m, m_second.empty() ? nullptr : m_second[k].data());
        else
            updateAvx2(u, s.size, w, g, m, m_second.empty() ? nullptr : m_second[k].data());
    }
}

std::vector<std::string> optimizerNames()
{
    return {"adam", "nesterov", "sgd"};
}

} // namespace frontier::train
