#include "optimizer.h"

#include "common/detmath.h"
#include "common/error.h"

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
        switch (m_kind) {
        case Kind::Sgd:
            for (size_t i = 0; i < s.size; ++i) {
                const float gi = g[i] + decay * w[i];
                m[i] = mu * m[i] + gi;
                w[i] -= lr * m[i];
            }
            break;
        case Kind::Nesterov:
            for (size_t i = 0; i < s.size; ++i) {
                const float gi = g[i] + decay * w[i];
                m[i] = mu * m[i] + gi;
                w[i] -= lr * (gi + mu * m[i]);
            }
            break;
        case Kind::Adam: {
            float *v = m_second[k].data();
            const float shrink = 1.0f - lr * decay;
            for (size_t i = 0; i < s.size; ++i) {
                m[i] = mu * m[i] + (1.0f - mu) * g[i];
                v[i] = beta2 * v[i] + (1.0f - beta2) * g[i] * g[i];
                w[i] = w[i] * shrink - adamRate * m[i] / (std::sqrt(v[i]) * secondScale + eps);
            }
            break;
        }
        }
    }
}

std::vector<std::string> optimizerNames()
{
    return {"adam", "nesterov", "sgd"};
}

} // namespace frontier::train
