#include "trialconfig.h"

#include "canonicaljson.h"
#include "specreader.h"

#include "common/error.h"
#include "common/fileutil.h"

#include <QJsonArray>

#include <algorithm>

namespace frontier::study {

using policy::PolicyKind;

bool TrialConfig::offloads() const
{
    return kind == PolicyKind::Hi || kind == PolicyKind::EeHi || kind == PolicyKind::AriHi;
}

QJsonObject TrialConfig::knobs() const
{
    QJsonObject o;
    o[QStringLiteral("policy")] = QString::fromStdString(policy::policyName(kind));
    o[QStringLiteral("policy_index")] = policyIndex;
    QJsonArray t;
    for (const TierRef &tier : tiers) {
        QJsonObject x;
        x[QStringLiteral("model")] = QString::fromStdString(tier.model);
        x[QStringLiteral("format")] = QString::fromStdString(tier.format);
        t.append(x);
    }
    o[QStringLiteral("tiers")] = t;
    if (!tauRule.empty())
        o[QStringLiteral("tau_rule")] = QString::fromStdString(tauRule);
    o[QStringLiteral("device")] = QString::fromStdString(device);
    if (offloads()) {
        QJsonObject d;
        d[QStringLiteral("kind")] = QString::fromStdString(decision.kind);
        if (decision.kind == "fixed") {
            d[QStringLiteral("beta")] = decision.beta;
            d[QStringLiteral("w1")] = decision.w1;
            d[QStringLiteral("w2")] = decision.w2;
        }
        o[QStringLiteral("decision")] = d;
        if (!std::isnan(decisionTau))
            o[QStringLiteral("decision_tau")] = decisionTau;
        QJsonObject r;
        if (remote.ideal()) {
            r[QStringLiteral("accuracy")] = remote.accuracy;
            r[QStringLiteral("seed")] = double(remote.seed);
        } else {
            r[QStringLiteral("model")] = QString::fromStdString(remote.model);
            r[QStringLiteral("format")] = QString::fromStdString(remote.format);
        }
        o[QStringLiteral("remote")] = r;
        o[QStringLiteral("link")] = QString::fromStdString(link);
        o[QStringLiteral("server")] = QString::fromStdString(server);
    }
    if (harvested)
        o[QStringLiteral("intermittent")] = intermittent.toJson();
    return o;
}

std::vector<std::pair<std::string, std::string>> TrialConfig::knobColumns() const
{
    std::string chain;
    for (const TierRef &t : tiers) {
        if (!chain.empty())
            chain += '>';
        chain += t.label();
    }
    const bool off = offloads();
    return {{"policy", policy::policyName(kind)},
            {"tiers", chain},
            {"tau_rule", tauRule},
            {"decision", off ? decision.label() : std::string()},
            {"decision_tau", off && !std::isnan(decisionTau) ? numberText(decisionTau) : ""},
            {"remote", off ? remote.label() : std::string()},
            {"device", device},
            {"link", off ? link : std::string()},
            {"server", off ? server : std::string()},
            {"intermittent", harvested ? intermittent.label() : std::string()}};
}

std::string TrialConfig::label() const
{
    std::string s;
    for (const auto &[name, value] : knobColumns()) {
        if (value.empty())
            continue;
        if (!s.empty())
            s += ' ';
        if (name == "device")
            s += "on ";
        else if (name == "intermittent")
            ;
        else if (name != "policy" && name != "tiers")
            s.append(name).append("=");
        s += value;
    }
    return s;
}

std::vector<std::string> TrialConfig::modelsUsed() const
{
    std::vector<std::string> out;
    for (const TierRef &t : tiers)
        out.push_back(t.model);
    if (offloads() && !remote.ideal())
        out.push_back(remote.model);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<std::string> TrialConfig::presetsUsed() const
{
    std::vector<std::string> out{device};
    if (offloads()) {
        out.push_back(link);
        if (!server.empty())
            out.push_back(server);
    }
    return out;
}

QJsonObject TrialConfig::resolved(const StudyIdentity &identity) const
{
    QJsonObject o = knobs();
    // The policy's position in the spec is not part of what the trial computes.
    o.remove(QStringLiteral("policy_index"));
    o[QStringLiteral("v")] = 1;
    o[QStringLiteral("dataset")] = QString::fromStdString(identity.dataset);
    QJsonObject models;
    for (const std::string &m : modelsUsed()) {
        const auto it = identity.models.find(m);
        models[QString::fromStdString(m)]
            = it == identity.models.end() ? QString() : QString::fromStdString(it->second);
    }
    o[QStringLiteral("models")] = models;
    QJsonObject presets;
    for (const std::string &p : presetsUsed()) {
        const auto it = identity.presets.find(p);
        presets[QString::fromStdString(p)]
            = it == identity.presets.end() ? QString() : QString::fromStdString(it->second);
    }
    o[QStringLiteral("presets")] = presets;
    return o;
}

namespace {

bool isAscii(const std::string &s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return (unsigned char)c < 0x80; });
}

// "key": with the key already canonical (ASCII, no escapes needed, as every key below).
void appendKey(std::string &out, const char *key)
{
    out += '"';
    out += key;
    out += "\":";
}

void appendIdentities(std::string &out, const char *key, const std::vector<std::string> &names,
                      const std::map<std::string, std::string> &identities)
{
    std::vector<std::string> sorted = names;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    appendKey(out, key);
    out += '{';
    for (size_t i = 0; i < sorted.size(); ++i) {
        if (i)
            out += ',';
        appendCanonicalString(out, sorted[i]);
        out += ':';
        const auto it = identities.find(sorted[i]);
        appendCanonicalString(out, it == identities.end() ? std::string() : it->second);
    }
    out += '}';
}

} // namespace

std::string TrialConfig::resolvedJson(const StudyIdentity &identity, bool withPolicyIndex) const
{
    // Byte order equals canonicalJson()'s UTF-16 key order for ASCII names only.
    bool ascii = isAscii(device) && isAscii(link) && isAscii(server) && isAscii(remote.model)
                 && isAscii(remote.format);
    for (const TierRef &t : tiers)
        ascii = ascii && isAscii(t.model) && isAscii(t.format);
    if (!ascii || harvested) {
        QJsonObject o = resolved(identity);
        if (withPolicyIndex)
            o[QStringLiteral("policy_index")] = policyIndex;
        return canonicalJson(o);
    }
    const bool off = offloads();
    std::string out;
    out.reserve(512);
    out += '{';
    appendKey(out, "dataset");
    appendCanonicalString(out, identity.dataset);
    if (off) {
        out += ',';
        appendKey(out, "decision");
        out += '{';
        if (decision.kind == "fixed") {
            appendKey(out, "beta");
            appendCanonicalNumber(out, decision.beta);
            out += ',';
        }
        appendKey(out, "kind");
        appendCanonicalString(out, decision.kind);
        if (decision.kind == "fixed") {
            out += ',';
            appendKey(out, "w1");
            appendCanonicalNumber(out, decision.w1);
            out += ',';
            appendKey(out, "w2");
            appendCanonicalNumber(out, decision.w2);
        }
        out += '}';
        if (!std::isnan(decisionTau)) {
            out += ',';
            appendKey(out, "decision_tau");
            appendCanonicalNumber(out, decisionTau);
        }
    }
    out += ',';
    appendKey(out, "device");
    appendCanonicalString(out, device);
    if (off) {
        out += ',';
        appendKey(out, "link");
        appendCanonicalString(out, link);
    }
    out += ',';
    appendIdentities(out, "models", modelsUsed(), identity.models);
    out += ',';
    appendKey(out, "policy");
    appendCanonicalString(out, policy::policyName(kind));
    if (withPolicyIndex) {
        out += ',';
        appendKey(out, "policy_index");
        appendCanonicalNumber(out, policyIndex);
    }
    out += ',';
    appendIdentities(out, "presets", presetsUsed(), identity.presets);
    if (off) {
        out += ',';
        appendKey(out, "remote");
        out += '{';
        if (remote.ideal()) {
            appendKey(out, "accuracy");
            appendCanonicalNumber(out, remote.accuracy);
            out += ',';
            appendKey(out, "seed");
            appendCanonicalNumber(out, double(remote.seed));
        } else {
            appendKey(out, "format");
            appendCanonicalString(out, remote.format);
            out += ',';
            appendKey(out, "model");
            appendCanonicalString(out, remote.model);
        }
        out += '}';
        out += ',';
        appendKey(out, "server");
        appendCanonicalString(out, server);
    }
    if (!tauRule.empty()) {
        out += ',';
        appendKey(out, "tau_rule");
        appendCanonicalString(out, tauRule);
    }
    out += ',';
    appendKey(out, "tiers");
    out += '[';
    for (size_t i = 0; i < tiers.size(); ++i) {
        if (i)
            out += ',';
        out += '{';
        appendKey(out, "format");
        appendCanonicalString(out, tiers[i].format);
        out += ',';
        appendKey(out, "model");
        appendCanonicalString(out, tiers[i].model);
        out += '}';
    }
    out += "],";
    appendKey(out, "v");
    out += "1}";
    return out;
}

std::string TrialConfig::key(const StudyIdentity &identity) const
{
    const std::string text = resolvedJson(identity);
    return sha256Hex(text.data(), text.size());
}

TrialConfig TrialConfig::fromKnobs(const QJsonObject &o)
{
    TrialConfig t;
    try {
        t.kind = policy::policyKindFromName(
            o.value(QStringLiteral("policy")).toString().toStdString());
    } catch (const Error &e) {
        throw Error("trial knobs", e.what());
    }
    t.policyIndex = o.value(QStringLiteral("policy_index")).toInt();
    for (const QJsonValue &v : o.value(QStringLiteral("tiers")).toArray()) {
        const QJsonObject x = v.toObject();
        t.tiers.push_back({x.value(QStringLiteral("model")).toString().toStdString(),
                           x.value(QStringLiteral("format")).toString().toStdString()});
    }
    if (t.tiers.empty())
        throw Error("trial knobs", "no tiers");
    t.tauRule = o.value(QStringLiteral("tau_rule")).toString().toStdString();
    t.device = o.value(QStringLiteral("device")).toString().toStdString();
    if (t.offloads()) {
        const QJsonObject d = o.value(QStringLiteral("decision")).toObject();
        t.decision.kind = d.value(QStringLiteral("kind")).toString().toStdString();
        t.decision.beta = d.value(QStringLiteral("beta")).toDouble();
        t.decision.w1 = d.value(QStringLiteral("w1")).toDouble();
        t.decision.w2 = d.value(QStringLiteral("w2")).toDouble();
        if (o.contains(QStringLiteral("decision_tau")))
            t.decisionTau = o.value(QStringLiteral("decision_tau")).toDouble();
        const QJsonObject r = o.value(QStringLiteral("remote")).toObject();
        t.remote.model = r.value(QStringLiteral("model")).toString().toStdString();
        t.remote.format
            = r.value(QStringLiteral("format")).toString(QStringLiteral("fp32")).toStdString();
        t.remote.accuracy = r.value(QStringLiteral("accuracy")).toDouble(-1);
        t.remote.seed = uint64_t(r.value(QStringLiteral("seed")).toDouble(1));
        t.link = o.value(QStringLiteral("link")).toString().toStdString();
        t.server = o.value(QStringLiteral("server")).toString().toStdString();
    }
    t.harvested = t.kind == PolicyKind::Intermittent || o.contains(QStringLiteral("intermittent"));
    if (t.harvested)
        t.intermittent
            = IntermittentKnobs::fromJson(o.value(QStringLiteral("intermittent")).toObject());
    return t;
}

} // namespace frontier::study
