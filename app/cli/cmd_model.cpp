// frontier model info MODEL

#include "cli.h"
#include "commands.h"

#include "model/modelfile.h"
#include "model/onnx/onnximport.h"
#include "model/stats.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>

namespace frontier::cli {

namespace {

QJsonArray shapeJson(const model::Shape &shape)
{
    QJsonArray a;
    for (int d : shape)
        a.append(d);
    return a;
}

int modelInfo(const QStringList &args)
{
    CommandParser p(QStringLiteral("model info"),
                    QStringLiteral("Per-layer table of a model: output shape, parameters, "
                                   "multiply-accumulates and activations per sample."));
    p.addPositional(QStringLiteral("MODEL"), QStringLiteral("a .fmodel or .onnx file"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print one JSON object"));
    if (!p.parse(args))
        return ExitOk;
    const QString path = p.requirePositional(1, QStringLiteral("MODEL")).at(0);
    const model::Model m = model::loadAnyModel(path.toStdString());
    const std::vector<model::LayerRow> rows = model::layerTable(m);
    const model::LayerRow total = model::layerTotals(rows);
    auto names = [](const std::vector<std::string> &list) {
        QStringList out;
        for (const std::string &n : list)
            out << QString::fromStdString(n);
        return out;
    };

    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o;
        o[QStringLiteral("name")] = QString::fromStdString(m.name);
        o[QStringLiteral("input_shape")] = shapeJson(m.inputShape);
        o[QStringLiteral("classes")] = m.numClasses();
        QJsonArray layers;
        for (size_t i = 0; i < rows.size(); ++i) {
            QJsonObject l;
            l[QStringLiteral("name")] = QString::fromStdString(rows[i].name);
            l[QStringLiteral("type")] = QString::fromStdString(rows[i].type);
            l[QStringLiteral("inputs")] = QJsonArray::fromStringList(names(rows[i].inputs));
            l[QStringLiteral("output_shape")] = shapeJson(rows[i].outputShape);
            l[QStringLiteral("params")] = double(rows[i].params);
            l[QStringLiteral("param_bytes")] = double(rows[i].paramBytes);
            l[QStringLiteral("macs")] = double(rows[i].macs);
            l[QStringLiteral("activations")] = double(rows[i].activations);
            layers.append(l);
        }
        o[QStringLiteral("layers")] = layers;
        QJsonObject t;
        t[QStringLiteral("params")] = double(total.params);
        t[QStringLiteral("param_bytes")] = double(total.paramBytes);
        t[QStringLiteral("macs")] = double(total.macs);
        t[QStringLiteral("activations")] = double(total.activations);
        o[QStringLiteral("total")] = t;
        QJsonArray heads;
        for (const model::Head &h : m.heads) {
            QJsonObject ho;
            ho[QStringLiteral("name")] = QString::fromStdString(h.name);
            ho[QStringLiteral("layer")] = QString::fromStdString(m.layers[size_t(h.layer)]->name);
            heads.append(ho);
        }
        o[QStringLiteral("heads")] = heads;
        QJsonObject meta;
        for (const auto &[k, v] : m.metadata)
            meta[QString::fromStdString(k)] = QString::fromStdString(v);
        o[QStringLiteral("metadata")] = meta;
        o[QStringLiteral("normalization")] = QString::fromStdString(m.normalization.kindName());
        printJson(o);
        return ExitOk;
    }

    std::printf("model   %s\ninput   %s, %d classes, normalisation %s\n", m.name.c_str(),
                model::shapeToString(m.inputShape).c_str(), m.numClasses(),
                m.normalization.kindName().c_str());
    for (const auto &[k, v] : m.metadata)
        std::printf("%-7s %s\n", k.c_str(), v.c_str());
    std::printf("\n");
    TextTable table({QStringLiteral("#"), QStringLiteral("layer"), QStringLiteral("type"),
                     QStringLiteral("inputs"), QStringLiteral("output"), QStringLiteral("params"),
                     QStringLiteral("MACs"), QStringLiteral("activations")});
    for (size_t i = 0; i < rows.size(); ++i) {
        table.addRow({QString::number(i), QString::fromStdString(rows[i].name),
                      QString::fromStdString(rows[i].type),
                      names(rows[i].inputs).join(QLatin1Char('+')),
                      QString::fromStdString(model::shapeToString(rows[i].outputShape)),
                      withThousands(rows[i].params), withThousands(rows[i].macs),
                      withThousands(rows[i].activations)});
    }
    table.addRow({QString(), QStringLiteral("total"), QString(), QString(), QString(),
                  withThousands(total.params), withThousands(total.macs),
                  withThousands(total.activations)});
    table.print();
    if (m.heads.size() > 1) {
        std::printf("\nheads:");
        for (const model::Head &h : m.heads)
            std::printf(" %s (on %s)", h.name.c_str(), m.layers[size_t(h.layer)]->name.c_str());
        std::printf("\n");
    }
    return ExitOk;
}

} // namespace

int runModel(const QStringList &args)
{
    const QString sub = args.value(0);
    if (sub == QLatin1String("info"))
        return modelInfo(args.mid(1));
    if (sub.isEmpty() || sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
        std::printf("Usage: frontier model info MODEL [--json]\n");
        return sub.isEmpty() ? ExitUsage : ExitOk;
    }
    throw UsageError{QStringLiteral("model: unknown subcommand '") + sub
                     + QStringLiteral("' (info)")};
}

} // namespace frontier::cli
