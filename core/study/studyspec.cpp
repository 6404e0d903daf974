#include "studyspec.h"

#include "specparts.h"
#include "specreader.h"
#include "trainingspec.h"

#include "common/error.h"
#include "common/fileutil.h"
#include "common/jsonutil.h"
#include "model/recipes.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <set>

// Parsing is split in two files: this one reads the top level, the dataset, the models and
// the study-wide lists; specparts.cpp reads policies, knobs and their canonical texts.

namespace frontier::study {

namespace {

const QRegularExpression &namePattern()
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_.+-]{1,64}$"));
    return re;
}

bool validName(const std::string &name)
{
    return namePattern().match(QString::fromStdString(name)).hasMatch();
}

// A relative path is taken relative to the spec's folder when it exists there.
std::string resolvePath(const std::string &path, const std::string &baseDir)
{
    if (path.empty() || QDir::isAbsolutePath(QString::fromStdString(path)) || baseDir.empty())
        return path;
    const QString candidate
        = QDir(QString::fromStdString(baseDir)).filePath(QString::fromStdString(path));
    if (QFileInfo::exists(candidate))
        return QDir::cleanPath(QFileInfo(candidate).absoluteFilePath()).toStdString();
    return path;
}

DatasetSpec parseDataset(SpecReader &top, const std::string &baseDir)
{
    DatasetSpec d;
    const QJsonValue v = top.take("dataset", true);
    if (v.isString()) {
        d.name = resolvePath(v.toString().toStdString(), baseDir);
        if (d.name.empty())
            top.fail("dataset", "must not be empty");
        return d;
    }
    if (!v.isObject())
        top.fail("dataset", std::string("expected a name or an object, found ") + jsonTypeName(v));
    SpecReader r(v.toObject(), "dataset", top.where());
    d.name = resolvePath(r.string("name", {}, true), baseDir);
    if (d.name.empty())
        r.fail("name", "must not be empty");
    d.seed = r.seed("seed", 1);
    d.samples = r.integer("samples", 0, 0, 10000000);
    d.testFraction = r.number("test_fraction", 0.2, 0.01, 0.9);
    d.calibrationFraction = r.number("calibration_fraction", 0.1, 0.0, 0.9);
    d.normalization = r.string("normalization", {});
    d.labelColumn = r.string("label_column", {});
    d.maxCalibration = r.integer("max_calibration", 0, 0, 100000000);
    d.maxTest = r.integer("max_test", 0, 0, 100000000);
    r.finish();
    return d;
}

std::vector<ModelSpec> parseModels(SpecReader &top, const std::string &baseDir)
{
    // A `training` section may give every model of the study.
    const QJsonArray a = top.array("models", !top.has("training"));
    const std::vector<std::string> recipes = model::recipeNames();
    std::vector<ModelSpec> models;
    std::set<std::string> names;
    for (int i = 0; i < a.size(); ++i) {
        const std::string key = elementPath("models", i);
        if (!a[i].isObject())
            top.failAt(key, std::string("expected an object, found ") + jsonTypeName(a[i]));
        SpecReader r(a[i].toObject(), key, top.where());
        ModelSpec m;
        m.name = r.string("name", {}, true);
        if (!validName(m.name))
            r.fail("name", "'" + m.name + "' is not a name (letters, digits, _ . + -)");
        if (!names.insert(m.name).second)
            r.fail("name", "a second model named '" + m.name + "'");
        m.recipe = r.string("recipe", {});
        m.path = r.string("path", {});
        if (m.recipe.empty() == m.path.empty())
            r.fail(m.recipe.empty() ? "recipe" : "path",
                   "give exactly one of 'recipe' (train) and 'path' (load)");
        if (!m.recipe.empty()) {
            if (std::find(recipes.begin(), recipes.end(), m.recipe) == recipes.end())
                r.fail("recipe", "unknown recipe '" + m.recipe + "'");
            const QJsonArray widths = r.array("widths");
            for (int w = 0; w < widths.size(); ++w) {
                const double x = widths[w].toDouble(-1);
                if (!widths[w].isDouble() || x != std::floor(x) || x < 1 || x > 65536)
                    r.failAt(elementPath(r.keyPath("widths"), w),
                             "expected an integer in [1, 65536]");
                m.widths.push_back(int(x));
            }
            m.epochs = r.integer("epochs", -1, 0, 10000);
            m.seed = r.seed("seed", 1);
            m.method = r.string("method", {});
            if (!m.method.empty() && m.method != "fp32" && m.method != "qat" && m.method != "rct")
                r.fail("method", "unknown method '" + m.method + "' (fp32, qat, rct)");
            m.bits = r.integer("bits", 8, 2, 16);
        } else {
            m.path = resolvePath(m.path, baseDir);
            if (!fileExists(m.path))
                r.fail("path", "no such file '" + m.path + "'");
            m.path = QFileInfo(QString::fromStdString(m.path)).absoluteFilePath().toStdString();
        }
        r.finish();
        models.push_back(std::move(m));
    }
    return models;
}

SearchSpec parseSearch(SpecReader &top)
{
    SearchSpec s;
    const QJsonValue v = top.take("search");
    if (v.isUndefined())
        return s;
    if (v.isString()) {
        if (v.toString() == QLatin1String("grid"))
            return s;
        top.fail("search", "expected \"grid\" or an object {\"kind\": \"random\", ...}");
    }
    if (!v.isObject())
        top.fail("search", std::string("expected an object, found ") + jsonTypeName(v));
    SpecReader r(v.toObject(), "search", top.where());
    const std::string kind = r.string("kind", "grid");
    if (kind == "random") {
        s.kind = SearchSpec::Kind::Random;
        s.trials = r.integer("trials", 0, 1, 10000000, true);
        s.seed = r.seed("seed", 1);
    } else if (kind != "grid") {
        r.fail("kind", "unknown search '" + kind + "' (expected grid or random)");
    }
    r.finish();
    return s;
}

void parseGoals(SpecReader &top, StudySpec &spec)
{
    const std::vector<std::string> objectives = top.strings("objectives");
    for (size_t i = 0; i < objectives.size(); ++i) {
        const std::string key = elementPath("objectives", int(i));
        std::vector<Objective> parsed;
        try {
            parsed = parseObjectives(objectives[i]);
        } catch (const Error &e) {
            top.failAt(key, e.what());
        }
        for (const Objective &o : parsed) {
            if (!isKnownMetric(o.name))
                top.failAt(key, "unknown metric '" + o.name + "'");
            spec.objectives.push_back(o);
        }
    }
    if (spec.objectives.empty())
        spec.objectives = parseObjectives("energy_pj:min,accuracy:max");
    const std::vector<std::string> columns = knownMetrics();
    const std::vector<std::string> constraints = top.strings("constraints");
    for (size_t i = 0; i < constraints.size(); ++i) {
        try {
            for (const Constraint &c : parseConstraints(constraints[i], columns))
                spec.constraints.push_back(c.toString(columns));
        } catch (const Error &e) {
            top.failAt(elementPath("constraints", int(i)), e.what());
        }
    }
}

} // namespace

data::LoadOptions DatasetSpec::loadOptions() const
{
    data::LoadOptions o;
    o.seed = seed;
    o.synthSamples = samples;
    o.testFraction = testFraction;
    o.calibrationFraction = calibrationFraction;
    o.normalization = normalization;
    o.labelColumn = labelColumn;
    return o;
}

const ModelSpec *StudySpec::model(const std::string &name) const
{
    for (const ModelSpec &m : models) {
        if (m.name == name)
            return &m;
    }
    return nullptr;
}

StudySpec parseStudySpec(const QJsonObject &json, const std::string &where,
                         const std::string &baseDir)
{
    SpecReader top(json, {}, where);
    const int schema = top.integer("schema", kStudySpecSchema, 1, 1000000);
    if (schema > kStudySpecSchema)
        top.fail("schema", "version " + std::to_string(schema) + " is newer than this Frontier ("
                               + std::to_string(kStudySpecSchema) + ")");
    StudySpec spec;
    spec.path = where;
    spec.name = top.string("name", {}, true);
    if (!validName(spec.name))
        top.fail("name", "'" + spec.name + "' is not a name (letters, digits, _ . + -; 1-64)");
    spec.description = top.string("description", {});
    spec.dataset = parseDataset(top, baseDir);
    spec.models = parseModels(top, baseDir);
    for (ModelSpec &m : parseTrainingSection(top)) {
        if (spec.model(m.name))
            top.fail("training", "a second model named '" + m.name + "'");
        spec.models.push_back(std::move(m));
    }
    spec.devices = top.strings("devices", true);
    spec.links = top.strings("links");
    spec.servers = top.strings("servers");
    if (spec.servers.empty())
        spec.servers.push_back({});
    checkPresets(top, spec, baseDir);
    spec.offloadInputBits = top.integer("offload_input_bits", 8, 1, 64);
    spec.offloadAnswerBytes = top.integer("offload_answer_bytes", 4, 0, 1 << 20);
    spec.policies = parsePolicies(top, spec);
    parseGoals(top, spec);
    spec.search = parseSearch(top);
    top.finish();
    return spec;
}

StudySpec parseStudySpec(const QByteArray &json, const std::string &where,
                         const std::string &baseDir)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        throw Error(where, "not valid JSON at offset " + std::to_string(error.offset) + ": "
                               + error.errorString().toStdString());
    if (!doc.isObject())
        throw Error(where, "a study spec is a JSON object");
    checkUniqueKeys(json, where);
    return parseStudySpec(doc.object(), where, baseDir);
}

StudySpec loadStudySpec(const std::string &path)
{
    const std::vector<uint8_t> bytes = readFileBytes(path);
    const QByteArray json(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size()));
    const QString dir = QFileInfo(QString::fromStdString(path)).absolutePath();
    return parseStudySpec(json, path, dir.toStdString());
}

QJsonObject StudySpec::toJson() const
{
    QJsonObject o;
    o[QStringLiteral("schema")] = kStudySpecSchema;
    o[QStringLiteral("name")] = QString::fromStdString(name);
    if (!description.empty())
        o[QStringLiteral("description")] = QString::fromStdString(description);
    QJsonObject d;
    d[QStringLiteral("name")] = QString::fromStdString(dataset.name);
    d[QStringLiteral("seed")] = double(dataset.seed);
    d[QStringLiteral("samples")] = dataset.samples;
    d[QStringLiteral("test_fraction")] = dataset.testFraction;
    d[QStringLiteral("calibration_fraction")] = dataset.calibrationFraction;
    d[QStringLiteral("normalization")] = QString::fromStdString(dataset.normalization);
    d[QStringLiteral("label_column")] = QString::fromStdString(dataset.labelColumn);
    d[QStringLiteral("max_calibration")] = dataset.maxCalibration;
    d[QStringLiteral("max_test")] = dataset.maxTest;
    o[QStringLiteral("dataset")] = d;
    QJsonArray models;
    for (const ModelSpec &m : this->models)
        models.append(modelToJson(m));
    o[QStringLiteral("models")] = models;
    o[QStringLiteral("devices")] = stringArray(devices);
    o[QStringLiteral("links")] = stringArray(links);
    o[QStringLiteral("servers")] = stringArray(servers);
    o[QStringLiteral("offload_input_bits")] = offloadInputBits;
    o[QStringLiteral("offload_answer_bytes")] = offloadAnswerBytes;
    QJsonArray policies;
    for (const PolicySpec &p : this->policies)
        policies.append(policyToJson(p));
    o[QStringLiteral("policies")] = policies;
    o[QStringLiteral("objectives")] = QString::fromStdString(objectivesToString(objectives));
    o[QStringLiteral("constraints")] = stringArray(constraints);
    QJsonObject s;
    s[QStringLiteral("kind")]
        = search.kind == SearchSpec::Kind::Grid ? QStringLiteral("grid") : QStringLiteral("random");
    if (search.kind == SearchSpec::Kind::Random) {
        s[QStringLiteral("trials")] = search.trials;
        s[QStringLiteral("seed")] = double(search.seed);
    }
    o[QStringLiteral("search")] = s;
    return o;
}

} // namespace frontier::study
