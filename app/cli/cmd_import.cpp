// frontier import MODEL.onnx --out MODEL.fmodel

#include "cli.h"
#include "commands.h"

#include "model/modelfile.h"
#include "model/onnx/onnximport.h"
#include "model/stats.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>
#include <map>

namespace frontier::cli {

int runImport(const QStringList &args)
{
    CommandParser p(QStringLiteral("import"),
                    QStringLiteral("Import an ONNX model (opset 6-17 subset for small edge "
                                   "models) and save it in the native .fmodel format."));
    p.addPositional(QStringLiteral("MODEL.onnx"), QStringLiteral("the ONNX file"));
    p.addOption(QStringLiteral("out"), QStringLiteral("the .fmodel file to write"),
                QStringLiteral("FILE"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print one JSON object (layers and ops)"));
    if (!p.parse(args))
        return ExitOk;
    const QString source = p.requirePositional(1, QStringLiteral("MODEL.onnx")).at(0);
    const QString out = p.require(QStringLiteral("out"));

    const model::Model m = model::importOnnx(source.toStdString());
    const std::vector<model::LayerRow> rows = model::layerTable(m);
    const model::LayerRow total = model::layerTotals(rows);
    model::saveModel(m, out.toStdString());

    std::map<std::string, int> ops;
    for (const model::LayerRow &r : rows)
        ++ops[r.type];
    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o;
        o[QStringLiteral("source")] = source;
        o[QStringLiteral("out")] = out;
        QJsonArray layers;
        for (const model::LayerRow &r : rows) {
            QJsonObject l;
            l[QStringLiteral("name")] = QString::fromStdString(r.name);
            l[QStringLiteral("op")] = QString::fromStdString(r.type);
            l[QStringLiteral("output_shape")]
                = QString::fromStdString(model::shapeToString(r.outputShape));
            l[QStringLiteral("params")] = double(r.params);
            l[QStringLiteral("macs")] = double(r.macs);
            layers.append(l);
        }
        o[QStringLiteral("layers")] = layers;
        QJsonObject opCounts;
        for (const auto &[op, n] : ops)
            opCounts[QString::fromStdString(op)] = n;
        o[QStringLiteral("ops")] = opCounts;
        o[QStringLiteral("parameters")] = double(total.params);
        o[QStringLiteral("macs")] = double(total.macs);
        QJsonObject meta;
        for (const auto &[k, v] : m.metadata)
            meta[QString::fromStdString(k)] = QString::fromStdString(v);
        o[QStringLiteral("metadata")] = meta;
        printJson(o);
        return ExitOk;
    }
    QStringList opText;
    for (const auto &[op, n] : ops)
        opText << QStringLiteral("%1 %2").arg(n).arg(QString::fromStdString(op));
    std::printf("%s -> %s: %zu layers (%s), input %s, %d outputs, %s parameters, %s MACs/sample\n",
                qPrintable(source), qPrintable(out), rows.size(),
                qPrintable(opText.join(QStringLiteral(", "))),
                model::shapeToString(m.inputShape).c_str(), m.numClasses(),
                qPrintable(withThousands(total.params)), qPrintable(withThousands(total.macs)));
    return ExitOk;
}

} // namespace frontier::cli
