// Hostile input files fed to the real `frontier` command. For every input kind a fixed number
// of cases: a seed file (cut from the shared datasets, a fixture, a resource or made here) is
// damaged by the mutators of mutators.h and given to each command that reads that kind, in
// turn. Every case must end with exit code 0, 1 or 2 within a few seconds (no signal, no hang);
// a failure prints exactly one line on stderr, "frontier: ..." naming the damaged file, and
// leaves the folder as it was (no output, no temporary file, every existing file, a project
// included, byte-identical); a success creates nothing but its declared outputs.
//
// Deterministic: the cases follow from FRONTIER_FUZZ_SEED (default 17). FRONTIER_FUZZ_SCALE
// multiplies the case counts for a longer run by hand; FRONTIER_FUZZ_KEEP names a folder
// where the failing cases are copied (input files, command line and output).

#include "mutators.h"

#include "common/fileutil.h"
#include "data/npy.h"

#include "npzwriter.h"
#include "testutil.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <zlib.h>

#include <algorithm>
#include <functional>
#include <map>

using frontier::fuzz::Mutation;
using frontier::fuzz::Rng;
using frontier::fuzz::Shape;

namespace {

// A case that has not ended by then counts as a hang.
constexpr int kCaseTimeoutMs = 5000;

struct File
{
    QString name;
    QByteArray bytes;
    bool damageable = true; // a candidate for damage (companions such as an input tensor are not)
    Shape shape = Shape::Binary;
};

// The files one case writes into its folder: one of them is damaged.
using Group = std::vector<File>;

struct Command
{
    QStringList args;
    QStringList outputs;   // files a success may create
    QStringList mayChange; // existing files a success may rewrite (a project, a model)
};

// Builds the command line for a case whose files are `group` (names relative to the case
// folder, which is the working directory).
using CommandFn = std::function<Command(const Group &group)>;

struct Kind
{
    QString name;
    std::vector<Group> seeds;
    std::vector<CommandFn> commands;
    int cases = 0;
    int timeoutMs = kCaseTimeoutMs;
};

QByteArray readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

void writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
}

QByteArray gzip(const QByteArray &raw)
{
    z_stream z{};
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        qFatal("deflateInit2");
    QByteArray out(int(deflateBound(&z, uLong(raw.size()))) + 32, '\0');
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(raw.data()));
    z.avail_in = uInt(raw.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = uInt(out.size());
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        qFatal("deflate");
    out.truncate(qsizetype(z.total_out));
    deflateEnd(&z);
    return out;
}

void putBe32(QByteArray &b, qsizetype at, uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        b[at + i] = char((v >> (24 - 8 * i)) & 0xff);
}

// The first `count` records of an IDX file (header of 4 + 4 * rank bytes).
QByteArray cutIdx(const QString &path, uint32_t count)
{
    const std::vector<uint8_t> raw = frontier::readMaybeGzip(path.toStdString());
    QByteArray b(reinterpret_cast<const char *>(raw.data()), qsizetype(raw.size()));
    const int rank = uchar(b[3]);
    qsizetype record = 1;
    for (int d = 1; d < rank; ++d) {
        const qsizetype at = 4 + 4 * d;
        record *= (qsizetype(uchar(b[at])) << 24) | (uchar(b[at + 1]) << 16)
                  | (uchar(b[at + 2]) << 8) | uchar(b[at + 3]);
    }
    const qsizetype header = 4 + 4 * rank;
    b.truncate(header + record * count);
    putBe32(b, 4, count);
    return b;
}

QByteArray firstLines(const QString &path, int count)
{
    const QList<QByteArray> lines = readAll(path).split('\n');
    return lines.mid(0, count).join('\n') + '\n';
}

// `count` complete rows spread evenly over a file (the UCI files are sorted by class).
QByteArray spreadLines(const QString &path, int count)
{
    QList<QByteArray> lines = readAll(path).trimmed().split('\n');
    lines.removeIf([](const QByteArray &line) { return line.contains('?'); });
    QByteArray out;
    for (int i = 0; i < count; ++i)
        out.append(lines.at(qsizetype(i) * lines.size() / count)).append('\n');
    return out;
}

QByteArray cifarBatch(int records)
{
    QByteArray b;
    for (int r = 0; r < records; ++r) {
        b.append(char(r % 10));
        for (int i = 0; i < 3072; ++i)
            b.append(char((r * 31 + i * 7) & 0xff));
    }
    return b;
}

// A study spec shrunk so that an intact one runs in well under a second: a small generated
// dataset, one epoch, narrow layers and at most two values in long knob lists. What the spec
// parser sees (keys, policies, knobs, their types) is kept.
QByteArray shrinkSpec(const QByteArray &json)
{
    QJsonObject spec = QJsonDocument::fromJson(json).object();
    QJsonObject dataset{{QStringLiteral("name"), QStringLiteral("synth-digits")},
                        {QStringLiteral("samples"), 200},
                        {QStringLiteral("seed"), 1}};
    spec[QStringLiteral("dataset")] = dataset;
    QJsonArray models;
    for (const QJsonValue &v : spec.value(QStringLiteral("models")).toArray()) {
        QJsonObject m = v.toObject();
        m[QStringLiteral("epochs")] = 1;
        if (m.value(QStringLiteral("recipe")).toString() == QLatin1String("mlp"))
            m[QStringLiteral("widths")] = QJsonArray{8};
        models.append(m);
    }
    if (spec.contains(QStringLiteral("models")))
        spec[QStringLiteral("models")] = models;
    if (spec.contains(QStringLiteral("training"))) {
        QJsonObject t = spec.value(QStringLiteral("training")).toObject();
        t[QStringLiteral("epochs")] = 1;
        spec[QStringLiteral("training")] = t;
    }
    QJsonArray policies;
    for (const QJsonValue &v : spec.value(QStringLiteral("policies")).toArray()) {
        QJsonObject p = v.toObject();
        for (auto it = p.begin(); it != p.end(); ++it) {
            if (it.value().isArray() && it.value().toArray().size() > 2) {
                const QJsonArray a = it.value().toArray();
                it.value() = QJsonArray{a.at(0), a.at(a.size() - 1)};
            }
        }
        policies.append(p);
    }
    spec[QStringLiteral("policies")] = policies;
    return QJsonDocument(spec).toJson();
}

QString fromSource(const char *relative)
{
    return QStringLiteral(FRONTIER_SOURCE_DIR "/") + QLatin1String(relative);
}

QStringList filesIn(const QString &dir)
{
    return QDir(dir).entryList(
        QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System, QDir::Name);
}

} // namespace

class TestFuzzCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void hostileInput_data();
    void hostileInput();
    void cleanupTestCase();

private:
    struct Run
    {
        int exitCode = -1; // -1 timed out, -2 crashed
        QByteArray out;
        QByteArray err;
    };
    Run frontier(const QStringList &args, const QString &workDir, int timeoutMs);
    void prepare(const QStringList &args, const QString &what);
    void addKinds();
    QString runCase(const Kind &kind, int caseIndex, const QString &dir, double *seconds);

    QTemporaryDir m_dir;
    QString m_assets; // models, a project and other intact inputs the cases copy
    std::map<QString, Kind> m_kinds;
    QStringList m_order;
    uint64_t m_seed = 17;
    int m_scale = 1;
    QString m_keep;
    QElapsedTimer m_total;
    int m_totalCases = 0;
};

TestFuzzCli::Run TestFuzzCli::frontier(const QStringList &args, const QString &workDir,
                                       int timeoutMs)
{
    QProcess p;
    // With the shipped plugins loaded: the npz loader reads hostile archives too.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("FRONTIER_PLUGIN_PATH"), QStringLiteral(FRONTIER_PLUGINS_DIR));
    p.setProcessEnvironment(env);
    p.setProgram(QStringLiteral(FRONTIER_BINARY_DIR "/bin/frontier"));
    p.setArguments(args);
    p.setWorkingDirectory(workDir);
    p.start();
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.exitCode = -1;
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

void TestFuzzCli::prepare(const QStringList &args, const QString &what)
{
    const Run r = frontier(args, m_assets, 120000);
    if (r.exitCode != 0)
        QFAIL(qPrintable(QStringLiteral("%1: %2").arg(what, QString::fromUtf8(r.err))));
}

void TestFuzzCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(QFile::exists(QStringLiteral(FRONTIER_BINARY_DIR "/bin/frontier")));
    m_total.start();
    if (qEnvironmentVariableIsSet("FRONTIER_FUZZ_SEED"))
        m_seed = qEnvironmentVariable("FRONTIER_FUZZ_SEED").toULongLong();
    if (qEnvironmentVariableIsSet("FRONTIER_FUZZ_SCALE"))
        m_scale = std::max(1, qEnvironmentVariableIntValue("FRONTIER_FUZZ_SCALE"));
    m_keep = qEnvironmentVariable("FRONTIER_FUZZ_KEEP");

    // Intact inputs the seeds are made of: two native models (one with a stored variant)
    // and a project holding one finished study.
    m_assets = m_dir.filePath(QStringLiteral("assets"));
    QVERIFY(QDir().mkpath(m_assets));
    const QString fixtures = fromSource("tests/model/onnx/fixtures/");
    prepare({QStringLiteral("import"), fixtures + QStringLiteral("lenet.onnx"),
             QStringLiteral("--out"), QStringLiteral("lenet.fmodel")},
            QStringLiteral("import lenet"));
    prepare({QStringLiteral("variants"), QStringLiteral("add"), QStringLiteral("--model"),
             QStringLiteral("lenet.fmodel"), QStringLiteral("--formats"), QStringLiteral("int8"),
             QStringLiteral("--calibration"), fixtures + QStringLiteral("lenet.input.npy")},
            QStringLiteral("variants add"));
    prepare({QStringLiteral("import"), fixtures + QStringLiteral("mlp.onnx"),
             QStringLiteral("--out"), QStringLiteral("mlp.fmodel")},
            QStringLiteral("import mlp"));
    writeAll(m_assets + QStringLiteral("/tiny.json"), R"({
    "schema": 1,
    "name": "tiny",
    "dataset": {"name": "synth-digits", "samples": 200, "seed": 1},
    "models": [{"name": "mlp", "recipe": "mlp", "widths": [8], "epochs": 1, "seed": 1}],
    "policies": [
        {"kind": "single", "models": ["mlp"], "formats": ["fp32", "int4"]},
        {"kind": "ari", "models": ["mlp"], "reduced": ["int4"], "taus": ["M", "0:1:3"]},
        {"kind": "hi", "models": ["mlp"], "formats": ["int4"], "decisions": ["lr", "oracle"],
         "decision_taus": "0.5:0.9:2", "remotes": [{"accuracy": 0.99, "seed": 1}]}
    ],
    "devices": ["asic45"],
    "links": ["wifi"],
    "servers": ["server-edge"],
    "objectives": ["energy_pj:min", "accuracy:max"],
    "constraints": ["accuracy>=0.1"]
}
)");
    prepare({QStringLiteral("study"), QStringLiteral("run"), QStringLiteral("tiny.json"),
             QStringLiteral("--project"), QStringLiteral("base.frontier"),
             QStringLiteral("--threads"), QStringLiteral("1")},
            QStringLiteral("study run"));
    addKinds();
}

void TestFuzzCli::addKinds()
{
    const QString data = QString::fromStdString(frontier::test::sharedDatasets());
    const QString fixtures = fromSource("tests/model/onnx/fixtures/");
    const QByteArray lenet = readAll(m_assets + QStringLiteral("/lenet.fmodel"));
    const QByteArray mlp = readAll(m_assets + QStringLiteral("/mlp.fmodel"));
    const QByteArray lenetInput = readAll(fixtures + QStringLiteral("lenet.input.npy"));
    const QByteArray project = readAll(m_assets + QStringLiteral("/base.frontier"));
    const File lenetModel{QStringLiteral("lenet.fmodel"), lenet, false};
    const File lenetX{QStringLiteral("in.npy"), lenetInput, false};
    const File baseProject{QStringLiteral("base.frontier"), project, false};
    auto name = [](const Group &g, int i) {
        return g.at(size_t(i)).name;
    };
    auto cmd = [](QStringList args, QStringList outputs = {}, QStringList mayChange = {}) {
        return Command{std::move(args), std::move(outputs), std::move(mayChange)};
    };
    // Commands for any dataset file: the first of the group is what the command is given.
    const std::vector<CommandFn> datasetCommands = {
        [=](const Group &g) {
            return cmd({"data", "info", name(g, 0)});
        },
        [=](const Group &g) {
            return cmd({"data", "preview", name(g, 0), "--out", "grid.png"}, {"grid.png"});
        },
        [=](const Group &g) {
            return cmd({"data", "info", name(g, 0), "--json"});
        },
    };

    auto add = [this](Kind k) {
        m_order << k.name;
        m_kinds[k.name] = std::move(k);
    };

    // IDX: MNIST's test set cut to 16 images, raw and gzip-compressed.
    {
        const QByteArray images
            = cutIdx(data + QStringLiteral("/mnist/t10k-images-idx3-ubyte.gz"), 16);
        const QByteArray labels
            = cutIdx(data + QStringLiteral("/mnist/t10k-labels-idx1-ubyte.gz"), 16);
        Kind k{QStringLiteral("idx"),
               {{{QStringLiteral("t10k-images-idx3-ubyte"), images},
                 {QStringLiteral("t10k-labels-idx1-ubyte"), labels},
                 lenetModel},
                {{QStringLiteral("t10k-images-idx3-ubyte.gz"), gzip(images)},
                 {QStringLiteral("t10k-labels-idx1-ubyte.gz"), gzip(labels)},
                 lenetModel}},
               datasetCommands,
               80};
        k.commands.push_back([=](const Group &g) {
            return cmd({"eval", "--model", "lenet.fmodel", "--dataset", name(g, 0), "--split",
                        "all", "--threads", "1", "--dump-scores", "s.npy"},
                       {"s.npy"});
        });
        add(std::move(k));
    }
    // CSV datasets: the UCI sets (wine and breast cancer cut to 40 rows), one with a header.
    {
        const QByteArray iris = readAll(data + QStringLiteral("/uci/iris.csv"));
        Kind k{QStringLiteral("csv"),
               {{{QStringLiteral("iris.csv"), iris, true, Shape::Text}},
                {{QStringLiteral("named.csv"),
                  "sepal_length,sepal_width,petal_length,petal_width,species\n" + iris, true,
                  Shape::Text}},
                {{QStringLiteral("wine.csv"),
                  spreadLines(data + QStringLiteral("/uci/wine.csv"), 40), true, Shape::Text}},
                {{QStringLiteral("cancer.csv"),
                  spreadLines(data + QStringLiteral("/uci/breast-cancer-wisconsin.csv"), 40), true,
                  Shape::Text}}},
               {datasetCommands[0], datasetCommands[2]},
               80};
        k.commands.push_back([=](const Group &g) {
            return cmd({"train", "--recipe", "mlp", "--dataset", name(g, 0), "--epochs", "1",
                        "--widths", "8", "--threads", "1", "--out", "m.fmodel"},
                       {"m.fmodel"});
        });
        add(std::move(k));
    }
    // NPY: LeNet's input tensor with int64 labels beside it (found as y.npy for x.npy).
    {
        std::vector<int64_t> labels(8);
        for (size_t i = 0; i < labels.size(); ++i)
            labels[i] = int64_t(i % 10);
        const QString y = m_assets + QStringLiteral("/y.npy");
        frontier::data::writeNpyInt64(y.toStdString(), labels);
        const QByteArray yBytes = readAll(y);
        Kind k{QStringLiteral("npy"),
               {{{QStringLiteral("x.npy"), lenetInput},
                 {QStringLiteral("y.npy"), yBytes},
                 lenetModel}},
               {datasetCommands[0]},
               80};
        k.commands.push_back([=](const Group &) {
            return cmd({"eval", "--model", "lenet.fmodel", "--input", "x.npy", "--labels", "y.npy",
                        "--dump-scores", "s.npy"},
                       {"s.npy"});
        });
        k.commands.push_back([=](const Group &) {
            return cmd({"eval", "--model", "lenet.fmodel", "--input", "x.npy", "--format", "int4",
                        "--calibration", "x.npy", "--json"});
        });
        add(std::move(k));
    }
    // NPZ (the npz plugin): LeNet's input tensor and its labels as x.npy and y.npy members
    // of an archive, stored and deflated.
    {
        std::vector<int64_t> labels(8);
        for (size_t i = 0; i < labels.size(); ++i)
            labels[i] = int64_t(i % 10);
        const QString y = m_assets + QStringLiteral("/npz-y.npy");
        frontier::data::writeNpyInt64(y.toStdString(), labels);
        const QByteArray yBytes = readAll(y);
        auto bytesOf = [](const QByteArray &a) {
            return std::vector<uint8_t>(a.begin(), a.end());
        };
        auto npz = [&](bool deflate) {
            const std::vector<uint8_t> z = frontier::test::zipBytes(
                {{"x.npy", bytesOf(lenetInput)}, {"y.npy", bytesOf(yBytes)}}, deflate);
            return QByteArray(reinterpret_cast<const char *>(z.data()), qsizetype(z.size()));
        };
        add(Kind{QStringLiteral("npz"),
                 {{{QStringLiteral("d.npz"), npz(false)}}, {{QStringLiteral("d.npz"), npz(true)}}},
                 datasetCommands,
                 60});
    }
    // UCI optdigits: the first 40 training rows.
    add(Kind{
        QStringLiteral("optdigits"),
        {{{QStringLiteral("optdigits.tra"),
           firstLines(data + QStringLiteral("/optdigits/optdigits.tra"), 40), true, Shape::Text}}},
        datasetCommands,
        60});
    // CIFAR-10 binary: a made-up batch of 12 records.
    add(Kind{QStringLiteral("cifar-bin"),
             {{{QStringLiteral("data_batch_1.bin"), cifarBatch(12)}}},
             datasetCommands,
             60});
    // ONNX: every fixture, with its input tensor.
    {
        Kind k{QStringLiteral("onnx"), {}, {}, 120};
        const QStringList onnx
            = QDir(fixtures).entryList({QStringLiteral("*.onnx")}, QDir::Files, QDir::Name);
        for (const QString &f : onnx) {
            const QString stem = f.chopped(5);
            k.seeds.push_back({{f, readAll(fixtures + f)},
                               {QStringLiteral("in.npy"),
                                readAll(fixtures + stem + QStringLiteral(".input.npy")), false}});
        }
        k.commands = {
            [=](const Group &g) {
                return cmd({"model", "info", name(g, 0), "--json"});
            },
            [=](const Group &g) {
                return cmd({"import", name(g, 0), "--out", "m.fmodel"}, {"m.fmodel"});
            },
            [=](const Group &g) {
                return cmd(
                    {"eval", "--model", name(g, 0), "--input", "in.npy", "--dump-scores", "s.npy"},
                    {"s.npy"});
            },
            [=](const Group &g) {
                return cmd({"cost", "--model", name(g, 0), "--preset", "cortex-m4f"});
            },
        };
        add(std::move(k));
    }
    // Native models: LeNet with a stored int8 variant, and an MLP.
    {
        Kind k{QStringLiteral("fmodel"),
               {{{QStringLiteral("lenet.fmodel"), lenet}, lenetX},
                {{QStringLiteral("mlp.fmodel"), mlp},
                 {QStringLiteral("in.npy"), readAll(fixtures + QStringLiteral("mlp.input.npy")),
                  false}}},
               {},
               120};
        k.commands = {
            [=](const Group &g) {
                return cmd({"model", "info", name(g, 0)});
            },
            [=](const Group &g) {
                return cmd({"eval", "--model", name(g, 0), "--input", "in.npy", "--format", "int8",
                            "--dump-scores", "s.npy"},
                           {"s.npy"});
            },
            [=](const Group &g) {
                return cmd({"cost", "--model", name(g, 0), "--preset", "asic45", "--format", "int8",
                            "--json"});
            },
            [=](const Group &g) {
                return cmd({"variants", "list", "--model", name(g, 0)});
            },
            [=](const Group &g) {
                return cmd({"variants", "add", "--model", name(g, 0), "--formats", "int4",
                            "--calibration", "in.npy"},
                           {}, {name(g, 0)});
            },
            [=](const Group &g) {
                return cmd({"intermittent", "simulate", "--model", name(g, 0), "--format", "int8"});
            },
        };
        add(std::move(k));
    }
    // Study specs: the templates in resources/studies, shrunk, and a tiny one; run into a new
    // project and into an existing one.
    {
        Kind k{QStringLiteral("study-spec"), {}, {}, 30};
        k.seeds.push_back({{QStringLiteral("spec.json"),
                            readAll(m_assets + QStringLiteral("/tiny.json")), true, Shape::Json},
                           baseProject});
        const QString studies = fromSource("resources/studies/");
        for (const QString &f :
             QDir(studies).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
            k.seeds.push_back(
                {{QStringLiteral("spec.json"), shrinkSpec(readAll(studies + f)), true, Shape::Json},
                 baseProject});
        }
        k.commands = {
            [=](const Group &) {
                return cmd(
                    {"study", "run", "spec.json", "--project", "new.frontier", "--threads", "1"},
                    {"new.frontier"});
            },
            [=](const Group &) {
                return cmd(
                    {"study", "run", "spec.json", "--project", "base.frontier", "--threads", "1"},
                    {}, {"base.frontier"});
            },
        };
        // A damaged spec may still be valid and train LeNet (a remote of default.json), which
        // takes seconds when the machine is loaded: a hang is what does not end in 30 s.
        k.timeoutMs = 30000;
        add(std::move(k));
    }
    // Presets: every device, link and server preset in resources/presets.
    {
        Kind k{QStringLiteral("preset"), {}, {}, 80};
        const QString presets = fromSource("resources/presets/");
        for (const QString &f :
             QDir(presets).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
            k.seeds.push_back({{f, readAll(presets + f), true, Shape::Json}, lenetModel});
        k.commands = {
            [=](const Group &g) {
                return cmd({"presets", "validate", name(g, 0)});
            },
            [=](const Group &g) {
                return cmd({"cost", "--model", "lenet.fmodel", "--preset", name(g, 0)});
            },
            [=](const Group &g) {
                return cmd({"intermittent", "simulate", "--model", "lenet.fmodel", "--preset",
                            name(g, 0), "--format", "int8"});
            },
        };
        add(std::move(k));
    }
    // Measurement CSV for the cost model.
    add(Kind{QStringLiteral("measurements"),
             {{{QStringLiteral("measured.csv"),
                "# measured on the bench\n"
                "model,format,device,latency_us,energy_pj,memory_bytes,source\n"
                "lenet,fp32,asic45,120.5,40000,300000,\"power monitor, 2026\"\n"
                "lenet,int8,asic45,30,9000,,\n"
                "lenet,int8,cortex-m4f,4100,1.5e7,70000,bench\n",
                true, Shape::Text},
               lenetModel}},
             {[=](const Group &g) {
                  return cmd({"cost", "--model", "lenet.fmodel", "--preset", "asic45",
                              "--measurements", name(g, 0)});
              },
              [=](const Group &g) {
                  return cmd({"cost", "--model", "lenet.fmodel", "--preset", "asic45", "--format",
                              "int8", "--measurements", name(g, 0), "--json"});
              }},
             60});
    // Harvested-power traces for the intermittent simulator.
    {
        QByteArray ms = "# harvested power\ntime_ms,power_mw\n";
        QByteArray us = "time_us,power_uw\n";
        for (int i = 0; i < 30; ++i) {
            ms.append(QByteArray::number(i * 10))
                .append(',')
                .append(QByteArray::number(0.5 + 0.1 * (i % 7)))
                .append('\n');
            us.append(QByteArray::number(i * 2500))
                .append(',')
                .append(QByteArray::number(800 + 50 * (i % 5)))
                .append('\n');
        }
        add(Kind{QStringLiteral("trace"),
                 {{{QStringLiteral("trace.csv"), ms, true, Shape::Text}, lenetModel},
                  {{QStringLiteral("trace-us.csv"), us, true, Shape::Text}, lenetModel}},
                 {[=](const Group &g) {
                      return cmd({"intermittent", "simulate", "--model", "lenet.fmodel", "--format",
                                  "int8", "--trace", name(g, 0)});
                  },
                  [=](const Group &g) {
                      return cmd({"intermittent", "simulate", "--model", "lenet.fmodel", "--format",
                                  "int8", "--trace", name(g, 0), "--timeline", "timeline.csv"},
                                 {"timeline.csv"});
                  }},
                 60});
    }
    // The project file itself (SQLite): read, report on and resume a damaged one.
    add(Kind{
        QStringLiteral("project"),
        {{{QStringLiteral("p.frontier"), project}}},
        {[=](const Group &) {
             return cmd({"study", "list", "--project", "p.frontier"});
         },
         [=](const Group &) {
             return cmd({"study", "trials", "--project", "p.frontier", "--study", "tiny", "--csv"});
         },
         [=](const Group &) {
             return cmd({"study", "front", "--project", "p.frontier", "--study", "tiny"});
         },
         [=](const Group &) {
             return cmd({"report", "--project", "p.frontier", "--study", "tiny", "--out", "r.html"},
                        {"r.html"});
         },
         [=](const Group &) {
             return cmd({"study", "resume", "--project", "p.frontier", "--threads", "1"}, {},
                        {"p.frontier"});
         }},
        80});
}

// Runs one case in `dir`; returns what went wrong, empty when nothing did.
QString TestFuzzCli::runCase(const Kind &kind, int caseIndex, const QString &dir, double *seconds)
{
    const int kindIndex = int(m_order.indexOf(kind.name));
    Rng rng(m_seed * 0x100000001b3ull + uint64_t(kindIndex) * 1000003u + uint64_t(caseIndex));
    Group group = kind.seeds.at(rng.below(kind.seeds.size()));
    std::vector<size_t> candidates;
    for (size_t i = 0; i < group.size(); ++i)
        if (group[i].damageable)
            candidates.push_back(i);
    // The file the command is given is damaged more often than its companions.
    const size_t victim
        = rng.chance(75) ? candidates.front() : candidates.at(rng.below(candidates.size()));
    const Mutation m = frontier::fuzz::mutate(group[victim].bytes, group[victim].shape, rng);
    group[victim].bytes = m.bytes;
    const Command c = kind.commands.at(size_t(caseIndex) % kind.commands.size())(group);

    QDir().mkpath(dir);
    std::map<QString, QByteArray> before;
    for (const File &f : group) {
        writeAll(dir + QLatin1Char('/') + f.name, f.bytes);
        before[f.name] = f.bytes;
    }
    QElapsedTimer timer;
    timer.start();
    const Run r = frontier(c.args, dir, kind.timeoutMs);
    *seconds = timer.elapsed() / 1000.0;

    QStringList problems;
    if (r.exitCode == -1)
        problems << QStringLiteral("no exit within %1 ms").arg(kind.timeoutMs);
    else if (r.exitCode == -2)
        problems << QStringLiteral("crashed");
    else if (r.exitCode < 0 || r.exitCode > 2)
        problems << QStringLiteral("exit code %1").arg(r.exitCode);
    const bool failed = r.exitCode != 0;
    if (failed && r.exitCode >= 1) {
        const QByteArray err = r.err;
        if (!err.startsWith("frontier: ") || !err.endsWith('\n') || err.count('\n') != 1)
            problems << QStringLiteral("stderr is not one 'frontier: ' line");
        else if (!err.contains(group[victim].name.toUtf8())
                 && std::none_of(c.mayChange.begin(), c.mayChange.end(),
                                 [&](const QString &f) { return err.contains(f.toUtf8()); }))
            // A project the command writes to may be what the error is about (a study of the
            // same name with another spec): naming it is as good.
            problems << QStringLiteral("the error does not name %1").arg(group[victim].name);
    }
    // The folder: nothing new but declared outputs of a success; nothing changed but what a
    // success may change.
    for (const QString &f : filesIn(dir)) {
        const auto it = before.find(f);
        if (it == before.end()) {
            if (failed || !c.outputs.contains(f))
                problems << QStringLiteral("left %1 behind").arg(f);
        } else if ((failed || !c.mayChange.contains(f))
                   && readAll(dir + QLatin1Char('/') + f) != it->second) {
            problems << QStringLiteral("changed %1").arg(f);
        }
    }
    for (const auto &[f, bytes] : before)
        if (!QFile::exists(dir + QLatin1Char('/') + f))
            problems << QStringLiteral("removed %1").arg(f);
    if (problems.isEmpty())
        return {};

    const QString report
        = QStringLiteral("%1 case %2 [%3 %4: %5] frontier %6 -> exit %7: %8\n%9")
              .arg(kind.name)
              .arg(caseIndex)
              .arg(group[victim].name, QString::number(m.bytes.size()), m.what,
                   c.args.join(QLatin1Char(' ')))
              .arg(r.exitCode)
              .arg(problems.join(QStringLiteral("; ")), QString::fromUtf8(r.err.left(2000)));
    if (!m_keep.isEmpty()) {
        const QString keep = m_keep + QStringLiteral("/%1-%2").arg(kind.name).arg(caseIndex);
        QDir(keep).removeRecursively();
        QDir().mkpath(keep);
        for (const File &f : group)
            writeAll(keep + QLatin1Char('/') + f.name, f.bytes);
        writeAll(keep + QStringLiteral("/README"), report.toUtf8());
    }
    return report;
}

void TestFuzzCli::hostileInput_data()
{
    QTest::addColumn<QString>("kind");
    for (const QString &k : m_order)
        QTest::newRow(qPrintable(k)) << k;
}

void TestFuzzCli::hostileInput()
{
    QFETCH(QString, kind);
    const Kind &k = m_kinds.at(kind);
    const int cases = k.cases * m_scale;
    QElapsedTimer timer;
    timer.start();
    QStringList failures;
    // Damage only means something if the intact seeds work: the first command of every kind
    // reads each of them without complaint.
    for (size_t s = 0; s < k.seeds.size(); ++s) {
        const QString dir = m_dir.filePath(QStringLiteral("%1/intact-%2").arg(kind).arg(s));
        QDir().mkpath(dir);
        for (const File &f : k.seeds[s])
            writeAll(dir + QLatin1Char('/') + f.name, f.bytes);
        const Command c = k.commands.front()(k.seeds[s]);
        const Run r = frontier(c.args, dir, k.timeoutMs);
        QVERIFY2(r.exitCode == 0,
                 qPrintable(QStringLiteral("intact seed %1: frontier %2: %3")
                                .arg(k.seeds[s].front().name, c.args.join(QLatin1Char(' ')),
                                     QString::fromUtf8(r.err))));
        QDir(dir).removeRecursively();
    }
    double slowest = 0;
    for (int i = 0; i < cases; ++i) {
        const QString dir = m_dir.filePath(QStringLiteral("%1/%2").arg(kind).arg(i));
        double seconds = 0;
        const QString problem = runCase(k, i, dir, &seconds);
        slowest = std::max(slowest, seconds);
        if (!problem.isEmpty())
            failures << problem;
        QDir(dir).removeRecursively();
    }
    m_totalCases += cases;
    qInfo("%-12s %4d cases (%zu seeds, %zu commands) in %.2f s (slowest %.2f s), %lld failed",
          qPrintable(kind), cases, k.seeds.size(), k.commands.size(), timer.elapsed() / 1000.0,
          slowest, qlonglong(failures.size()));
    for (const QString &f : failures.mid(0, 10))
        qWarning("%s", qPrintable(f));
    QVERIFY2(failures.isEmpty(),
             qPrintable(QStringLiteral("%1 of %2 cases failed").arg(failures.size()).arg(cases)));
}

void TestFuzzCli::cleanupTestCase()
{
    qInfo("fuzz suite: %d cases, seed %llu, in %.2f s (setup included)", m_totalCases,
          qulonglong(m_seed), m_total.elapsed() / 1000.0);
}

QTEST_GUILESS_MAIN(TestFuzzCli)
#include "tst_fuzzcli.moc"
