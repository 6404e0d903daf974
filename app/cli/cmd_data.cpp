// frontier data info|preview|list

#include "cli.h"
#include "commands.h"

#include "common/error.h"
#include "data/catalog.h"

#include <QJsonArray>
#include <QJsonObject>

#include "preview.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace frontier::cli {

namespace {

QJsonArray toJsonArray(const std::vector<int> &values)
{
    QJsonArray a;
    for (int v : values)
        a.append(v);
    return a;
}

QString shapeText(const std::vector<int> &shape)
{
    QStringList parts;
    for (int d : shape)
        parts << QString::number(d);
    return parts.join(QLatin1Char('x'));
}

int dataInfo(const QStringList &args)
{
    CommandParser p(QStringLiteral("data info"),
                    QStringLiteral("Describe a dataset: size, shape, classes, splits and hash."));
    p.addPositional(QStringLiteral("DATASET"),
                    QStringLiteral("catalog name, file path, or a folder holding IDX files"));
    addDatasetOptions(p);
    p.addOption(QStringLiteral("json"), QStringLiteral("print one JSON object"));
    if (!p.parse(args))
        return ExitOk;
    const QString spec = p.requirePositional(1, QStringLiteral("DATASET")).at(0);
    const data::LoadOptions options = datasetOptions(p);
    const data::PreparedData prepared = data::prepare(spec.toStdString(), options);
    const data::Dataset &train = prepared.train;

    const int total = train.size() + prepared.calibration.size() + prepared.test.size();
    std::vector<int> counts(size_t(train.numClasses()), 0);
    for (const data::Dataset *part : {&prepared.train, &prepared.calibration, &prepared.test}) {
        const std::vector<int> c = part->classCounts();
        for (size_t i = 0; i < c.size() && i < counts.size(); ++i)
            counts[i] += c[i];
    }
    float lo = INFINITY, hi = -INFINITY;
    for (float v : train.x) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }

    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o;
        o[QStringLiteral("name")] = QString::fromStdString(train.name);
        o[QStringLiteral("source")] = QString::fromStdString(train.source);
        o[QStringLiteral("content_hash")] = QString::fromStdString(train.contentHash);
        o[QStringLiteral("shape")] = toJsonArray(train.shape);
        o[QStringLiteral("samples")] = total;
        o[QStringLiteral("train")] = train.size();
        o[QStringLiteral("calibration")] = prepared.calibration.size();
        o[QStringLiteral("test")] = prepared.test.size();
        QJsonArray classes;
        for (size_t i = 0; i < counts.size(); ++i) {
            QJsonObject c;
            c[QStringLiteral("name")] = QString::fromStdString(train.classNames[i]);
            c[QStringLiteral("count")] = counts[i];
            classes.append(c);
        }
        o[QStringLiteral("classes")] = classes;
        o[QStringLiteral("normalization")]
            = QString::fromStdString(prepared.normalization.kindName());
        o[QStringLiteral("train_min")] = double(lo);
        o[QStringLiteral("train_max")] = double(hi);
        printJson(o);
        return ExitOk;
    }

    std::printf("dataset        %s\n", train.name.c_str());
    std::printf("source         %s\n", train.source.c_str());
    std::printf("sha-256        %s\n", train.contentHash.c_str());
    std::printf("sample shape   %s (%s)\n", qPrintable(shapeText(train.shape)),
                train.isImage() ? "image, C x H x W" : "features");
    std::printf("samples        %s: train %s, calibration %s, test %s\n",
                qPrintable(withThousands(total)), qPrintable(withThousands(train.size())),
                qPrintable(withThousands(prepared.calibration.size())),
                qPrintable(withThousands(prepared.test.size())));
    std::printf("normalisation  %s (train range after it: %.4g .. %.4g)\n",
                prepared.normalization.kindName().c_str(), double(lo), double(hi));
    std::printf("split          %s\n\n", prepared.description.c_str());
    TextTable table({QStringLiteral("class"), QStringLiteral("name"), QStringLiteral("samples"),
                     QStringLiteral("share")});
    for (size_t i = 0; i < counts.size(); ++i) {
        table.addRow({QString::number(i), QString::fromStdString(train.classNames[i]),
                      withThousands(counts[i]), percent(total ? double(counts[i]) / total : 0, 1)});
    }
    table.print();
    return ExitOk;
}

int dataPreview(const QStringList &args)
{
    CommandParser p(QStringLiteral("data preview"),
                    QStringLiteral("Write a PNG grid of samples: one row per class, raw pixel "
                                   "values (before normalisation)."));
    p.addPositional(QStringLiteral("DATASET"),
                    QStringLiteral("catalog name, image file path, or a folder of IDX files"));
    addDatasetOptions(p);
    p.addOption(QStringLiteral("out"), QStringLiteral("the PNG file to write"),
                QStringLiteral("FILE"));
    p.addOption(QStringLiteral("per-class"), QStringLiteral("samples per class (row)"),
                QStringLiteral("K"), QStringLiteral("12"));
    p.addOption(QStringLiteral("scale"), QStringLiteral("pixel magnification"), QStringLiteral("S"),
                QStringLiteral("3"));
    if (!p.parse(args))
        return ExitOk;
    const QString spec = p.requirePositional(1, QStringLiteral("DATASET")).at(0);
    const QString out = p.require(QStringLiteral("out"));
    const int perClass = p.intValue(QStringLiteral("per-class"), 1, 100);
    const int scale = p.intValue(QStringLiteral("scale"), 1, 16);
    const data::Dataset set = data::load(spec.toStdString(), datasetOptions(p));
    writePreviewPng(set, out.toStdString(), perClass, scale);
    const int w = set.shape.back(), h = set.shape[1];
    const std::string path = out.toStdString();
    const int classes = std::max(1, set.numClasses());
    std::printf("%s: %d classes x %d samples of %dx%d\n", path.c_str(), classes, perClass, w, h);
    return ExitOk;
}

int dataList(const QStringList &args)
{
    CommandParser p(QStringLiteral("data list"), QStringLiteral("List the dataset catalog."));
    p.addOption(QStringLiteral("json"), QStringLiteral("print one JSON object"));
    if (!p.parse(args))
        return ExitOk;
    p.requirePositional(0, {});
    const std::vector<std::string> names = data::catalogNames();
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray a;
        for (const std::string &n : names)
            a.append(QString::fromStdString(n));
        QJsonObject o;
        o[QStringLiteral("catalog")] = QString::fromStdString(data::catalogPath());
        o[QStringLiteral("datasets")] = a;
        printJson(o);
        return ExitOk;
    }
    std::printf("catalog: %s\n", data::catalogPath().c_str());
    for (const std::string &n : names)
        std::printf("  %s\n", n.c_str());
    std::printf("search path:\n");
    for (const std::string &d : data::dataSearchPath())
        std::printf("  %s\n", d.c_str());
    return ExitOk;
}

} // namespace

int runData(const QStringList &args)
{
    const QString sub = args.value(0);
    const QStringList rest = args.mid(1);
    if (sub == QLatin1String("info"))
        return dataInfo(rest);
    if (sub == QLatin1String("preview"))
        return dataPreview(rest);
    if (sub == QLatin1String("list"))
        return dataList(rest);
    if (sub == QLatin1String("--help") || sub == QLatin1String("-h") || sub.isEmpty()) {
        std::printf("Usage: frontier data info|preview|list [options]\n"
                    "  info DATASET     size, shape, classes, splits and content hash\n"
                    "  preview DATASET  --out grid.png: one row of samples per class\n"
                    "  list             the dataset catalog and search path\n");
        return sub.isEmpty() ? ExitUsage : ExitOk;
    }
    throw UsageError{QStringLiteral("data: unknown subcommand '") + sub
                     + QStringLiteral("' (info, preview, list)")};
}

} // namespace frontier::cli
