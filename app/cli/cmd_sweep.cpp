// frontier sweep — the raw threshold curve of one policy: from a study's output caches, or
// from per-sample scores computed anywhere (bring your own scores).

#include "cli.h"
#include "commands.h"

#include "common/error.h"
#include "data/npy.h"
#include "numeric/formatassignment.h"
#include "policy/decisionmodule.h"
#include "policy/policies.h"
#include "policy/thresholdsweep.h"
#include "store/project.h"
#include "study/specreader.h"
#include "study/studyassets.h"
#include "study/studyspec.h"
#include "study/trialevaluator.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

#include <cmath>
#include <cstdio>

namespace frontier::cli {

namespace {

// "FROM:TO:COUNT" or a comma-separated list of values.
std::vector<double> parseTaus(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char(':'));
    bool ok = true;
    if (parts.size() == 3) {
        bool a = false, b = false, c = false;
        const double from = parts[0].toDouble(&a);
        const double to = parts[1].toDouble(&b);
        const int count = parts[2].toInt(&c);
        if (!a || !b || !c || !std::isfinite(from) || !std::isfinite(to) || from > to || count < 1
            || count > 10000000)
            throw UsageError{QStringLiteral("sweep: --taus FROM:TO:COUNT needs FROM <= TO and "
                                            "1 <= COUNT, not '")
                             + text + QStringLiteral("'")};
        return policy::tauGrid(from, to, count);
    }
    std::vector<double> out;
    for (const QString &v : text.split(QLatin1Char(','))) {
        out.push_back(v.trimmed().toDouble(&ok));
        if (!ok || !std::isfinite(out.back()))
            throw UsageError{QStringLiteral("sweep: --taus is FROM:TO:COUNT or a list of "
                                            "numbers, not '")
                             + text + QStringLiteral("'")};
    }
    return out;
}

void printCurve(const std::vector<policy::SweepPoint> &points, bool json)
{
    if (json) {
        QJsonArray a;
        for (const policy::SweepPoint &p : points) {
            QJsonObject o;
            o[QStringLiteral("tau")] = p.tau;
            for (const auto &[name, value] : p.metrics.named())
                o[QString::fromStdString(name)] = value;
            a.append(o);
        }
        printJson(QJsonObject{{QStringLiteral("points"), a}});
        return;
    }
    std::printf("tau,accuracy,fidelity,escalated,energy_pj\n");
    for (const policy::SweepPoint &p : points) {
        std::printf("%s,%s,%s,%s,%s\n", study::numberText(p.tau).c_str(),
                    study::numberText(p.metrics.accuracy).c_str(),
                    study::numberText(p.metrics.fidelity).c_str(),
                    study::numberText(p.metrics.escalated).c_str(),
                    study::numberText(p.metrics.energy_pj).c_str());
    }
    std::fflush(stdout);
}

std::vector<std::string> splitList(const QString &text)
{
    std::vector<std::string> out;
    for (const QString &s : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
        out.push_back(s.trimmed().toStdString());
    return out;
}

policy::DecisionModule decisionFor(const QString &name, const policy::TierOutputs &fitOutputs,
                                   const std::vector<int> &fitLabels)
{
    using policy::DecisionModule;
    switch (DecisionModule::kindFromName(name.toStdString())) {
    case DecisionModule::Kind::MaxProbability:
        return DecisionModule::maxProbability(0.5);
    case DecisionModule::Kind::Margin:
        return DecisionModule::margin(0.5);
    case DecisionModule::Kind::Entropy:
        return DecisionModule::entropy(0.5);
    case DecisionModule::Kind::Logistic:
        return DecisionModule::fitLogistic(fitOutputs, fitLabels);
    case DecisionModule::Kind::Oracle:
        return DecisionModule::oracle();
    case DecisionModule::Kind::Custom:
        return DecisionModule::fitCustom(name.toStdString(), fitOutputs, fitLabels, 0.5);
    }
    return DecisionModule::oracle();
}

policy::TierOutputs readScores(const std::string &path)
{
    const data::NpyArray a = data::readNpy(path);
    if (a.shape.empty() || a.shape.size() > 2)
        throw Error(path, "expected scores of shape [N, classes] or [N]");
    const int classes = a.shape.size() == 2 ? int(a.shape[1]) : 1;
    for (size_t i = 0; i < a.data.size(); ++i) {
        if (!std::isfinite(a.data[i]) || a.data[i] < 0 || a.data[i] > 1)
            throw Error(path, "score " + std::to_string(i) + " is not a probability in [0, 1]");
    }
    return policy::TierOutputs::fromScores(a.data, classes);
}

std::vector<int> readLabels(const std::string &path, int n, int classes)
{
    const std::vector<int64_t> raw = data::readNpyLabels(path);
    if (int64_t(raw.size()) != n)
        throw Error(path, std::to_string(raw.size()) + " labels for " + std::to_string(n)
                              + " samples of scores");
    std::vector<int> labels;
    for (int64_t v : raw) {
        if (v < 0 || v >= std::max(classes, 2))
            throw Error(path, "label " + std::to_string(v) + " is outside [0, "
                                  + std::to_string(std::max(classes, 2)) + ")");
        labels.push_back(int(v));
    }
    return labels;
}

int sweepScores(const CommandParser &p, const std::vector<double> &taus, const QString &kind)
{
    const std::vector<std::string> files = splitList(p.value(QStringLiteral("scores")));
    const std::vector<std::string> energies = splitList(p.require(QStringLiteral("energy")));
    if (files.size() != 2 || energies.size() != 2)
        throw UsageError{QStringLiteral("sweep: --scores and --energy take two values each "
                                        "(reduced/local first)")};
    std::vector<policy::Tier> tiers(2);
    for (size_t i = 0; i < 2; ++i) {
        tiers[i].name
            = QFileInfo(QString::fromStdString(files[i])).completeBaseName().toStdString();
        tiers[i].outputs = readScores(files[i]);
        bool ok = false;
        tiers[i].cost.deviceEnergy_pj = QString::fromStdString(energies[i]).toDouble(&ok);
        if (!ok || !(tiers[i].cost.deviceEnergy_pj >= 0))
            throw UsageError{QStringLiteral("sweep: --energy values are pJ >= 0")};
    }
    if (tiers[0].outputs.size() != tiers[1].outputs.size())
        throw Error(files[1], "has " + std::to_string(tiers[1].outputs.size()) + " samples, "
                                  + files[0] + " has " + std::to_string(tiers[0].outputs.size()));
    const std::vector<int> labels = readLabels(p.require(QStringLiteral("labels")).toStdString(),
                                               tiers[0].outputs.size(), tiers[0].outputs.classes);
    std::optional<policy::Cascade> cascade;
    if (kind == QLatin1String("ari")) {
        cascade.emplace(policy::ariPolicy(tiers, {0.0}, labels));
    } else {
        policy::TierOutputs fit = tiers[0].outputs;
        std::vector<int> fitLabels = labels;
        if (p.isSet(QStringLiteral("fit-scores"))) {
            fit = readScores(p.value(QStringLiteral("fit-scores")).toStdString());
            fitLabels = readLabels(p.require(QStringLiteral("fit-labels")).toStdString(),
                                   fit.size(), fit.classes);
        }
        const policy::DecisionModule decision
            = decisionFor(p.value(QStringLiteral("decision")), fit, fitLabels);
        cascade.emplace(policy::hiPolicy(tiers[0], decision, tiers[1], labels));
    }
    printCurve(policy::sweep(*cascade, taus, 0), p.isSet(QStringLiteral("json")));
    return ExitOk;
}

study::TierRef tierRef(const std::string &text, const study::StudySpec &spec, const QString &model)
{
    const size_t slash = text.find('/');
    study::TierRef t;
    t.model = slash == std::string::npos
                  ? (model.isEmpty() ? spec.models.front().name : model.toStdString())
                  : text.substr(0, slash);
    const std::vector<std::string> f
        = numeric::expandAssignmentList(slash == std::string::npos ? text : text.substr(slash + 1));
    if (f.size() != 1 || !spec.model(t.model))
        throw UsageError{QStringLiteral("sweep: '") + QString::fromStdString(text)
                         + QStringLiteral("' is not MODEL/FORMAT of the study")};
    t.format = f.front();
    return t;
}

int sweepProject(const CommandParser &p, const std::vector<double> &taus, const QString &kind)
{
    store::Project project(p.require(QStringLiteral("project")).toStdString(),
                           store::Project::Access::Existing);
    const std::string name = p.require(QStringLiteral("study")).toStdString();
    const auto record = project.findStudy(name);
    if (!record)
        throw Error(project.path(), "no study named '" + name + "'");
    const study::StudySpec spec = study::parseStudySpec(QByteArray::fromStdString(record->spec),
                                                        project.path() + ": study " + name);
    const std::vector<std::string> variants = splitList(p.require(QStringLiteral("variants")));
    if (variants.size() != 2)
        throw UsageError{QStringLiteral("sweep: --variants takes two tiers: REDUCED,FULL for "
                                        "ari, LOCAL,REMOTE for hi")};
    const QString model = p.value(QStringLiteral("model"));
    study::TrialConfig t;
    t.kind = policy::policyKindFromName(kind.toStdString());
    t.device = p.isSet(QStringLiteral("device")) ? p.value(QStringLiteral("device")).toStdString()
                                                 : spec.devices.front();
    if (t.kind == policy::PolicyKind::Ari) {
        t.tiers = {tierRef(variants[0], spec, model), tierRef(variants[1], spec, model)};
        t.tauRule = "0";
    } else {
        t.tiers = {tierRef(variants[0], spec, model)};
        const study::TierRef remote = tierRef(variants[1], spec, model);
        t.remote.model = remote.model;
        t.remote.format = remote.format;
        const std::string decisionName = p.value(QStringLiteral("decision")).toStdString();
        const policy::DecisionModule::Kind decisionKind
            = policy::DecisionModule::kindFromName(decisionName);
        t.decision.kind = decisionKind == policy::DecisionModule::Kind::Custom
                              ? decisionName
                              : policy::DecisionModule::nameOf(decisionKind);
        if (t.decision.kind == "logistic")
            t.decision.kind = "lr";
        t.decisionTau = 0.5;
        if (spec.links.empty() && !p.isSet(QStringLiteral("link")))
            throw UsageError{QStringLiteral("sweep: the study has no link; give --link")};
        t.link = p.isSet(QStringLiteral("link")) ? p.value(QStringLiteral("link")).toStdString()
                                                 : spec.links.front();
        t.server = p.isSet(QStringLiteral("server"))
                       ? p.value(QStringLiteral("server")).toStdString()
                       : spec.servers.front();
    }
    study::StudyAssets assets(spec, project);
    assets.prepareData();
    const study::AssetNeeds needs = study::AssetNeeds::of({t});
    // The curve comes from what the study stored. A model missing from the project file
    // (its models table emptied, or another file) would have to be trained again, which
    // takes far longer than a sweep: that needs --recompute, and is said before it starts.
    const bool recompute = p.isSet(QStringLiteral("recompute"));
    const bool tty = stderrIsTerminal();
    auto say = [tty](const std::string &line) {
        std::fprintf(stderr, "%ssweep: %s\n", tty ? "\r\033[K" : "", line.c_str());
    };
    for (const std::string &m : needs.models) {
        const study::ModelSpec *ms = spec.model(m);
        const std::string stored = assets.storedModelName(m);
        if (!ms || !ms->trained() || project.findModel(stored))
            continue;
        if (!recompute)
            throw Error(project.path(),
                        std::string("model '")
                            .append(stored)
                            .append("' of study '")
                            .append(name)
                            .append("' is not in the project file; sweep reads the study's "
                                    "cached outputs (give --recompute to train the model again "
                                    "and store it)"));
        say(std::string("model ")
                .append(stored)
                .append(" is not in the project file: training it again (recipe ")
                .append(ms->recipe)
                .append(") and storing it"));
    }
    Progress progress;
    {
        ProgressPrinter printer(QStringLiteral("sweep"), progress);
        progress.reset(assets.plannedUnits(needs));
        assets.prepare(needs, &progress, say);
    }
    const study::TrialEvaluator evaluator(assets.data());
    printCurve(policy::sweep(evaluator.build(t), taus, 0), p.isSet(QStringLiteral("json")));
    return ExitOk;
}

} // namespace

int runSweep(const QStringList &args)
{
    CommandParser p(
        QStringLiteral("sweep"),
        QStringLiteral("The threshold curve (tau, accuracy, fidelity, escalated, energy_pj) of "
                       "one policy, from a study's cached outputs or from your own scores:\n"
                       "  frontier sweep --project P --study NAME --policy ari "
                       "--variants mlp/int4,mlp/fp32 --taus 0:1:1000\n"
                       "  frontier sweep --scores REDUCED.npy,FULL.npy --labels Y.npy "
                       "--energy E_RED,E_FULL --policy ari --taus 0:1:1000\n"
                       "Scores are float32 [N, classes] softmax probabilities, labels int [N]; "
                       "energy_pj = E_RED + escalated * E_FULL per sample on average. For hi, "
                       "--scores LOCAL.npy,REMOTE.npy and --decision choose the offload module "
                       "(lr is fitted on --fit-scores/--fit-labels, else on the data itself). "
                       "A variant missing from the caches is run (and stored), and said on "
                       "stderr; a model missing from the project file is refused unless "
                       "--recompute trains it again."));
    p.addOption(QStringLiteral("policy"), QStringLiteral("ari or hi"), QStringLiteral("P"),
                QStringLiteral("ari"));
    p.addOption(QStringLiteral("taus"), QStringLiteral("FROM:TO:COUNT or a list"),
                QStringLiteral("T"), QStringLiteral("0:1:101"));
    p.addOption(QStringLiteral("project"), QStringLiteral("project file"), QStringLiteral("P"));
    p.addOption(QStringLiteral("study"), QStringLiteral("study in the project"),
                QStringLiteral("NAME"));
    p.addOption(QStringLiteral("variants"), QStringLiteral("two tiers, MODEL/FORMAT"),
                QStringLiteral("A,B"));
    p.addOption(QStringLiteral("model"), QStringLiteral("model of tiers given as a format only"),
                QStringLiteral("M"));
    p.addOption(QStringLiteral("device"),
                QStringLiteral("device preset (default: the study's "
                               "first)"),
                QStringLiteral("D"));
    p.addOption(QStringLiteral("link"), QStringLiteral("hi: link preset"), QStringLiteral("L"));
    p.addOption(QStringLiteral("server"), QStringLiteral("hi: server preset"), QStringLiteral("S"));
    p.addOption(QStringLiteral("decision"),
                QStringLiteral("hi: lr, maxprob, margin, entropy or "
                               "oracle"),
                QStringLiteral("D"), QStringLiteral("maxprob"));
    p.addOption(QStringLiteral("scores"), QStringLiteral("two .npy score files"),
                QStringLiteral("A,B"));
    p.addOption(QStringLiteral("labels"), QStringLiteral("labels .npy"), QStringLiteral("Y"));
    p.addOption(QStringLiteral("energy"), QStringLiteral("pJ per inference of each tier"),
                QStringLiteral("E1,E2"));
    p.addOption(QStringLiteral("fit-scores"), QStringLiteral("hi lr: local scores to fit on"),
                QStringLiteral("S"));
    p.addOption(QStringLiteral("fit-labels"), QStringLiteral("hi lr: labels to fit on"),
                QStringLiteral("Y"));
    p.addOption(QStringLiteral("recompute"),
                QStringLiteral("train a model of the study again when the project file no "
                               "longer holds it (said on stderr before it starts)"));
    p.addOption(QStringLiteral("csv"), QStringLiteral("print CSV (the default)"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print JSON with every metric"));
    if (!p.parse(args))
        return ExitOk;
    p.requirePositional(0, {});
    const QString kind = p.value(QStringLiteral("policy"));
    if (kind != QLatin1String("ari") && kind != QLatin1String("hi"))
        throw UsageError{QStringLiteral("sweep: --policy is ari or hi, not '") + kind
                         + QStringLiteral("'")};
    const std::vector<double> taus = parseTaus(p.value(QStringLiteral("taus")));
    if (p.isSet(QStringLiteral("scores")) == p.isSet(QStringLiteral("project")))
        throw UsageError{QStringLiteral("sweep: give either --project (with --study, "
                                        "--variants) or --scores (with --labels, --energy)")};
    return p.isSet(QStringLiteral("scores")) ? sweepScores(p, taus, kind)
                                             : sweepProject(p, taus, kind);
}

} // namespace frontier::cli
