#include "specparts.h"

#include "canonicaljson.h"

#include "common/error.h"
#include "cost/presetlibrary.h"
#include "intermittent/execution.h"
#include "numeric/formatassignment.h"
#include "numeric/formatspec.h"
#include "policy/thresholdrule.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <set>

namespace frontier::study {

using policy::PolicyKind;

namespace {

void checkPresetList(SpecReader &top, const std::string &key, std::vector<std::string> &names,
                     const std::string &type, const std::string &baseDir)
{
    for (size_t i = 0; i < names.size(); ++i) {
        std::string &name = names[i];
        if (name.empty() && type == "server")
            continue;
        const std::string keyPath = elementPath(key, int(i));
        const bool isPath = name.find('/') != std::string::npos
                            || (name.size() > 5 && name.substr(name.size() - 5) == ".json");
        if (isPath && !baseDir.empty() && QDir::isRelativePath(QString::fromStdString(name))) {
            const QString p
                = QDir(QString::fromStdString(baseDir)).filePath(QString::fromStdString(name));
            if (QFileInfo::exists(p))
                name = QFileInfo(p).absoluteFilePath().toStdString();
        }
        cost::Preset preset;
        try {
            preset = cost::loadPreset(name);
        } catch (const Error &e) {
            top.failAt(keyPath, e.what());
        }
        if (preset.type != type)
            top.failAt(keyPath,
                       "'" + name + "' is a " + preset.type + " preset, not a " + type + " preset");
    }
}

TauOption parseTauOption(SpecReader &r, const std::string &keyPath, const QJsonValue &v,
                         bool allowRules)
{
    TauOption t;
    auto checkValue = [&](double x) {
        if (!(x >= 0 && x <= 1))
            r.failAt(keyPath, "threshold " + numberText(x) + " is out of range [0, 1]");
    };
    auto readRange = [&](double from, double to, double count) {
        checkValue(from);
        checkValue(to);
        if (from > to)
            r.failAt(keyPath,
                     "range from " + numberText(from) + " to " + numberText(to) + " is empty");
        if (!(count >= 1 && count <= 1000000) || count != std::floor(count))
            r.failAt(keyPath, "count must be an integer in [1, 1000000]");
        t.isRange = true;
        t.from = from;
        t.to = to;
        t.count = int(count);
    };
    if (v.isDouble()) {
        checkValue(v.toDouble());
        t.rule = numberText(v.toDouble());
    } else if (v.isObject()) {
        SpecReader o(v.toObject(), keyPath, r.where());
        const double from = o.number("from", 0, -1e300, 1e300, true);
        const double to = o.number("to", 0, -1e300, 1e300, true);
        const double count = o.number("count", 0, -1e300, 1e300, true);
        o.finish();
        readRange(from, to, count);
    } else if (v.isString()) {
        const QString text = v.toString().trimmed();
        static const QRegularExpression rangeRe(
            QStringLiteral("^([-+0-9.eE]+):([-+0-9.eE]+):([0-9]+)$"));
        const QRegularExpressionMatch m = rangeRe.match(text);
        if (m.hasMatch()) {
            bool ok1 = false, ok2 = false, ok3 = false;
            const double from = m.captured(1).toDouble(&ok1);
            const double to = m.captured(2).toDouble(&ok2);
            const double count = m.captured(3).toDouble(&ok3);
            if (!ok1 || !ok2 || !ok3)
                r.failAt(keyPath,
                         "bad range '" + text.toStdString() + "' (expected FROM:TO:COUNT)");
            readRange(from, to, count);
        } else {
            try {
                t.rule = canonicalRule(text.toStdString());
            } catch (const Error &e) {
                r.failAt(keyPath, e.what());
            }
            const policy::ThresholdRule rule = policy::ThresholdRule::parse(t.rule);
            if (rule.kind() == policy::ThresholdRule::Kind::Value)
                checkValue(rule.parameter());
            else if (!allowRules)
                r.failAt(keyPath,
                         "only plain values are allowed here, not the rule '" + t.rule + "'");
        }
    } else {
        r.failAt(keyPath, std::string("expected a number, a rule, \"FROM:TO:COUNT\" or "
                                      "{from, to, count}, found ")
                              + jsonTypeName(v));
    }
    return t;
}

std::vector<TauOption> parseTaus(SpecReader &r, const std::string &key, bool allowRules,
                                 bool required)
{
    const QJsonValue v = r.take(key, required);
    std::vector<TauOption> out;
    if (v.isUndefined())
        return out;
    if (!v.isArray()) {
        out.push_back(parseTauOption(r, r.keyPath(key), v, allowRules));
        return out;
    }
    const QJsonArray a = v.toArray();
    if (a.isEmpty() && required)
        r.fail(key, "must not be empty");
    for (int i = 0; i < a.size(); ++i)
        out.push_back(parseTauOption(r, elementPath(r.keyPath(key), int(i)), a[i], allowRules));
    return out;
}

std::vector<std::string> formatsAt(SpecReader &r, const std::string &keyPath,
                                   const std::string &text)
{
    try {
        return expandFormats(text);
    } catch (const Error &e) {
        r.failAt(keyPath, e.what());
    }
}

std::vector<std::vector<std::string>> parseVariants(SpecReader &r, const std::string &key,
                                                    bool chains)
{
    const QJsonValue v = r.take(key, true);
    const QJsonArray a = v.isArray() ? v.toArray() : QJsonArray{v};
    if (a.isEmpty())
        r.fail(key, "must not be empty");
    std::vector<std::vector<std::string>> out;
    for (int i = 0; i < a.size(); ++i) {
        const std::string path = v.isArray() ? elementPath(r.keyPath(key), i) : r.keyPath(key);
        if (a[i].isString()) {
            for (const std::string &f : formatsAt(r, path, a[i].toString().toStdString()))
                out.push_back({f});
        } else if (chains && a[i].isArray() && !a[i].toArray().isEmpty()) {
            std::vector<std::string> chain;
            const QJsonArray c = a[i].toArray();
            for (int j = 0; j < c.size(); ++j) {
                const std::string cp = elementPath(path, int(j));
                if (!c[j].isString())
                    r.failAt(cp,
                             std::string("expected a format name, found ") + jsonTypeName(c[j]));
                for (const std::string &f : formatsAt(r, cp, c[j].toString().toStdString()))
                    chain.push_back(f);
            }
            out.push_back(chain);
        } else {
            r.failAt(path, std::string(chains ? "expected a format list or a non-empty array "
                                                "of formats (a chain), found "
                                              : "expected a format list, found ")
                               + jsonTypeName(a[i]));
        }
    }
    return out;
}

std::vector<DecisionSpec> parseDecisions(SpecReader &r)
{
    const QJsonValue v = r.take("decisions", true);
    const QJsonArray a = v.isArray() ? v.toArray() : QJsonArray{v};
    if (a.isEmpty())
        r.fail("decisions", "must not be empty");
    static const std::set<std::string> kinds{"lr",      "maxprob", "margin",
                                             "entropy", "oracle",  "fixed"};
    std::vector<DecisionSpec> out;
    for (int i = 0; i < a.size(); ++i) {
        const std::string path = elementPath(r.keyPath("decisions"), int(i));
        DecisionSpec d;
        if (a[i].isString()) {
            d.kind = a[i].toString().toStdString();
        } else if (a[i].isObject()) {
            SpecReader o(a[i].toObject(), path, r.where());
            d.kind = o.string("kind", {}, true);
            if (d.kind == "fixed") {
                d.beta = o.number("beta", 0, -1e6, 1e6, true);
                d.w1 = o.number("w1", 0, -1e6, 1e6, true);
                d.w2 = o.number("w2", 0, -1e6, 1e6, true);
            }
            o.finish();
        } else {
            r.failAt(path,
                     std::string("expected a name or an object, found ") + jsonTypeName(a[i]));
        }
        if (!kinds.count(d.kind) && !d.isCustom()) {
            std::string plugins;
            for (const policy::DecisionRuleRegistry::Entry &e :
                 policy::DecisionRuleRegistry::instance().rules())
                plugins += ", " + e.rule->name();
            r.failAt(path, "unknown decision module '" + d.kind
                               + "' (expected lr, maxprob, margin, entropy, oracle, fixed" + plugins
                               + "; a plugin's module needs its plugin on FRONTIER_PLUGIN_PATH)");
        }
        if (d.kind == "fixed" && a[i].isString())
            r.failAt(path, "a fixed module needs {\"kind\": \"fixed\", \"beta\", \"w1\", \"w2\"}");
        out.push_back(d);
    }
    return out;
}

std::vector<RemoteSpec> parseRemotes(SpecReader &r, const StudySpec &spec)
{
    const QJsonValue v = r.take("remotes", true);
    const QJsonArray a = v.isArray() ? v.toArray() : QJsonArray{v};
    if (a.isEmpty())
        r.fail("remotes", "must not be empty");
    std::vector<RemoteSpec> out;
    for (int i = 0; i < a.size(); ++i) {
        const std::string path = elementPath(r.keyPath("remotes"), int(i));
        RemoteSpec x;
        if (a[i].isString()) {
            x.model = a[i].toString().toStdString();
        } else if (a[i].isObject()) {
            SpecReader o(a[i].toObject(), path, r.where());
            x.model = o.string("model", {});
            if (x.model.empty()) {
                x.accuracy = o.number("accuracy", 0, 0, 1, true);
                x.seed = o.seed("seed", 1);
            } else {
                const std::vector<std::string> f
                    = formatsAt(o, o.keyPath("format"), o.string("format", "fp32"));
                if (f.size() != 1)
                    o.fail("format", "expected one format");
                x.format = f[0];
            }
            o.finish();
        } else {
            r.failAt(path, std::string("expected a model name or an object, found ")
                               + jsonTypeName(a[i]));
        }
        if (!x.model.empty() && !spec.model(x.model))
            r.failAt(path, "no model named '" + x.model + "' in 'models'");
        out.push_back(x);
    }
    return out;
}

PolicySpec parsePolicy(SpecReader &r, const StudySpec &spec)
{
    PolicySpec p;
    const std::string kind = r.string("kind", {}, true);
    try {
        p.kind = policy::policyKindFromName(kind);
    } catch (const Error &e) {
        r.fail("kind", e.what());
    }
    p.models = r.strings("models", true);
    for (size_t i = 0; i < p.models.size(); ++i) {
        if (!spec.model(p.models[i]))
            r.failAt(elementPath(r.keyPath("models"), int(i)),
                     "no model named '" + p.models[i] + "' in 'models'");
    }
    const bool ari = p.kind == PolicyKind::Ari || p.kind == PolicyKind::AriHi;
    const bool ee = p.kind == PolicyKind::Ee || p.kind == PolicyKind::EeHi;
    p.variants = parseVariants(r, ari ? "reduced" : "formats", ari);
    if (ari) {
        const std::vector<std::string> full
            = formatsAt(r, r.keyPath("full"), r.string("full", "fp32"));
        if (full.size() != 1)
            r.fail("full", "expected one format");
        p.full = full[0];
        for (const std::vector<std::string> &chain : p.variants) {
            if (std::find(chain.begin(), chain.end(), p.full) != chain.end())
                r.fail("reduced", "the reduced tiers include the full format '" + p.full + "'");
        }
    }
    if (p.hasTaus())
        p.taus = parseTaus(r, "taus", !ee, true);
    if (p.offloads()) {
        p.decisions = parseDecisions(r);
        const bool needsTaus
            = std::any_of(p.decisions.begin(), p.decisions.end(),
                          [](const DecisionSpec &d) { return d.takesThreshold(); });
        p.decisionTaus = parseTaus(r, "decision_taus", false, needsTaus);
        p.remotes = parseRemotes(r, spec);
        if (spec.links.empty())
            r.fail("kind", "an offloading policy needs at least one link preset in 'links'");
    }
    const std::string baseDir
        = spec.path.empty()
              ? std::string()
              : QFileInfo(QString::fromStdString(spec.path)).absolutePath().toStdString();
    if (p.kind == PolicyKind::Intermittent) {
        p.intermittent = parseIntermittentSpec(r, baseDir);
        p.harvested = true;
    } else if (r.has("intermittent")) {
        // ARI and EE on a device powered by harvested energy: the same knobs, nested.
        if (p.kind != PolicyKind::Ari && p.kind != PolicyKind::Ee)
            r.fail("intermittent", "runs with the ari and ee policies only (an offloading "
                                   "policy on harvested power is not modelled)");
        SpecReader o = r.object("intermittent");
        p.intermittent = parseIntermittentSpec(o, baseDir);
        o.finish();
        p.harvested = true;
    }
    if (p.harvested) {
        // The vector unit of an intermittent device computes in Q15: refuse the others now
        // rather than fail every trial.
        const bool ari = p.kind == PolicyKind::Ari;
        auto check = [&](const std::string &key, const std::string &format) {
            try {
                intermittent::dataFormatOf(format, r.where());
            } catch (const Error &) {
                r.fail(key, "'" + format
                                + "' does not run on an intermittent device, whose vector unit "
                                  "computes in Q15: use int2..int16 or fixed point such as q1.15");
            }
        };
        for (const std::vector<std::string> &chain : p.variants)
            for (const std::string &f : chain)
                check(ari ? "reduced" : "formats", f);
        if (ari)
            check("full", p.full);
    }
    r.finish();
    return p;
}

} // namespace

void checkPresets(SpecReader &top, StudySpec &spec, const std::string &baseDir)
{
    checkPresetList(top, "devices", spec.devices, "device", baseDir);
    checkPresetList(top, "links", spec.links, "link", baseDir);
    checkPresetList(top, "servers", spec.servers, "server", baseDir);
}

std::vector<PolicySpec> parsePolicies(SpecReader &top, const StudySpec &spec)
{
    const QJsonArray a = top.array("policies", true);
    std::vector<PolicySpec> out;
    for (int i = 0; i < a.size(); ++i) {
        const std::string key = elementPath("policies", i);
        if (!a[i].isObject())
            top.failAt(key, std::string("expected an object, found ") + jsonTypeName(a[i]));
        SpecReader r(a[i].toObject(), key, top.where());
        out.push_back(parsePolicy(r, spec));
    }
    return out;
}

std::string canonicalRule(const std::string &text)
{
    const policy::ThresholdRule rule = policy::ThresholdRule::parse(text);
    switch (rule.kind()) {
    case policy::ThresholdRule::Kind::Value:
        return numberText(rule.parameter());
    case policy::ThresholdRule::Kind::MaxMismatch:
        return "M";
    case policy::ThresholdRule::Kind::Pdf:
        return "PDF " + numberText(rule.parameter());
    case policy::ThresholdRule::Kind::Fidelity:
        return "fidelity>=" + numberText(rule.parameter());
    }
    return text;
}

std::vector<std::string> expandFormats(const std::string &text)
{
    return numeric::expandAssignmentList(text);
}

QJsonArray stringArray(const std::vector<std::string> &values)
{
    QJsonArray a;
    for (const std::string &v : values)
        a.append(QString::fromStdString(v));
    return a;
}

QJsonObject modelToJson(const ModelSpec &m)
{
    QJsonObject o;
    o[QStringLiteral("name")] = QString::fromStdString(m.name);
    if (m.trained()) {
        o[QStringLiteral("recipe")] = QString::fromStdString(m.recipe);
        QJsonArray widths;
        for (int w : m.widths)
            widths.append(w);
        o[QStringLiteral("widths")] = widths;
        if (m.epochs >= 0)
            o[QStringLiteral("epochs")] = m.epochs;
        o[QStringLiteral("seed")] = double(m.seed);
        if (!m.method.empty()) {
            o[QStringLiteral("method")] = QString::fromStdString(m.method);
            o[QStringLiteral("bits")] = m.bits;
        }
    } else {
        o[QStringLiteral("path")] = QString::fromStdString(m.path);
    }
    return o;
}

namespace {

QJsonArray tausToJson(const std::vector<TauOption> &taus)
{
    QJsonArray a;
    for (const TauOption &t : taus) {
        if (t.isRange) {
            QJsonObject r;
            r[QStringLiteral("from")] = t.from;
            r[QStringLiteral("to")] = t.to;
            r[QStringLiteral("count")] = t.count;
            a.append(r);
        } else {
            a.append(QString::fromStdString(t.rule));
        }
    }
    return a;
}

} // namespace

QJsonObject policyToJson(const PolicySpec &p)
{
    QJsonObject o;
    o[QStringLiteral("kind")] = QString::fromStdString(policy::policyName(p.kind));
    o[QStringLiteral("models")] = stringArray(p.models);
    const bool ari = p.kind == PolicyKind::Ari || p.kind == PolicyKind::AriHi;
    QJsonArray variants;
    for (const std::vector<std::string> &chain : p.variants) {
        if (ari && chain.size() > 1)
            variants.append(stringArray(chain));
        else
            variants.append(QString::fromStdString(chain.front()));
    }
    o[QString::fromLatin1(ari ? "reduced" : "formats")] = variants;
    if (ari)
        o[QStringLiteral("full")] = QString::fromStdString(p.full);
    if (p.hasTaus())
        o[QStringLiteral("taus")] = tausToJson(p.taus);
    if (p.offloads()) {
        QJsonArray decisions;
        for (const DecisionSpec &d : p.decisions) {
            if (d.kind == "fixed") {
                QJsonObject f;
                f[QStringLiteral("kind")] = QStringLiteral("fixed");
                f[QStringLiteral("beta")] = d.beta;
                f[QStringLiteral("w1")] = d.w1;
                f[QStringLiteral("w2")] = d.w2;
                decisions.append(f);
            } else {
                decisions.append(QString::fromStdString(d.kind));
            }
        }
        o[QStringLiteral("decisions")] = decisions;
        if (!p.decisionTaus.empty())
            o[QStringLiteral("decision_taus")] = tausToJson(p.decisionTaus);
        QJsonArray remotes;
        for (const RemoteSpec &x : p.remotes) {
            QJsonObject r;
            if (x.ideal()) {
                r[QStringLiteral("accuracy")] = x.accuracy;
                r[QStringLiteral("seed")] = double(x.seed);
            } else {
                r[QStringLiteral("model")] = QString::fromStdString(x.model);
                r[QStringLiteral("format")] = QString::fromStdString(x.format);
            }
            remotes.append(r);
        }
        o[QStringLiteral("remotes")] = remotes;
    }
    if (p.kind == PolicyKind::Intermittent) {
        intermittentSpecToJson(p.intermittent, o);
    } else if (p.harvested) {
        QJsonObject k;
        intermittentSpecToJson(p.intermittent, k);
        o[QStringLiteral("intermittent")] = k;
    }
    return o;
}

} // namespace frontier::study
