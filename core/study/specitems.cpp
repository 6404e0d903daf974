// The small value types of studyspec.h: policies' helpers, labels, objectives,
// constraints and the metric vocabulary.

#include "studyspec.h"

#include "specreader.h"

#include "common/error.h"

#include <QRegularExpression>

#include <set>

namespace frontier::study {

using policy::PolicyKind;

bool PolicySpec::offloads() const
{
    return kind == PolicyKind::Hi || kind == PolicyKind::EeHi || kind == PolicyKind::AriHi;
}

bool PolicySpec::hasTaus() const
{
    return kind == PolicyKind::Ari || kind == PolicyKind::AriHi || kind == PolicyKind::Ee
           || kind == PolicyKind::EeHi;
}

std::string DecisionSpec::label() const
{
    if (kind != "fixed")
        return kind;
    return "fixed(" + numberText(beta) + "," + numberText(w1) + "," + numberText(w2) + ")";
}

std::string RemoteSpec::label() const
{
    if (ideal())
        return "ideal(" + numberText(accuracy) + (seed != 1 ? ",seed=" + std::to_string(seed) : "")
               + ")";
    return model + "/" + format;
}

bool isKnownMetric(const std::string &name)
{
    static const std::set<std::string> names{"accuracy",
                                             "fidelity",
                                             "escalated",
                                             "offloaded",
                                             "energy_pj",
                                             "energy_p95_pj",
                                             "device_energy_pj",
                                             "device_energy_p95_pj",
                                             "latency_us",
                                             "latency_p95_us",
                                             "memory_bytes",
                                             "energy_saving",
                                             "device_energy_saving",
                                             "latency_saving",
                                             "tau",
                                             "decision_tau",
                                             "train_energy_pj",
                                             "train_gemm_energy_pj",
                                             "param_memory_bytes"};
    if (names.count(name))
        return true;
    for (const std::string &m : intermittentMetricNames())
        if (m == name)
            return true;
    static const QRegularExpression indexed(QStringLiteral("^(reached|tau)_[0-9]{1,3}$"));
    return indexed.match(QString::fromStdString(name)).hasMatch();
}

std::vector<std::string> knownMetrics()
{
    std::vector<std::string> out{"accuracy",
                                 "fidelity",
                                 "escalated",
                                 "offloaded",
                                 "energy_pj",
                                 "energy_p95_pj",
                                 "device_energy_pj",
                                 "device_energy_p95_pj",
                                 "latency_us",
                                 "latency_p95_us",
                                 "memory_bytes",
                                 "energy_saving",
                                 "device_energy_saving",
                                 "latency_saving",
                                 "tau",
                                 "decision_tau",
                                 "train_energy_pj",
                                 "train_gemm_energy_pj",
                                 "param_memory_bytes"};
    const std::vector<std::string> &intermittent = intermittentMetricNames();
    out.insert(out.end(), intermittent.begin(), intermittent.end());
    for (int s = 1; s <= 9; ++s) {
        out.push_back("reached_" + std::to_string(s));
        out.push_back("tau_" + std::to_string(s));
    }
    return out;
}

} // namespace frontier::study
