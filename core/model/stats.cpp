#include "stats.h"

namespace frontier::model {

std::vector<LayerRow> layerTable(const Model &model)
{
    const std::vector<Shape> shapes = model.layerShapes();
    std::vector<LayerRow> rows;
    rows.reserve(model.layers.size());
    for (size_t i = 0; i < model.layers.size(); ++i) {
        const Layer &layer = *model.layers[i];
        const LayerStats s = layer.stats(model.inputShapesOf(int(i), shapes));
        LayerRow row;
        row.name = layer.name;
        row.type = layer.type();
        for (int in : layer.inputs)
            row.inputs.push_back(in < 0 ? std::string("input") : model.layers[size_t(in)]->name);
        row.outputShape = shapes[i];
        row.params = s.params;
        row.paramBytes = s.params * int64_t(sizeof(float));
        row.macs = s.macs;
        row.activations = s.activations;
        for (const Head &h : model.heads) {
            if (h.layer == int(i))
                row.heads.push_back(h.name);
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

LayerRow layerTotals(const std::vector<LayerRow> &rows)
{
    LayerRow total;
    total.name = "total";
    for (const LayerRow &r : rows) {
        total.params += r.params;
        total.paramBytes += r.paramBytes;
        total.macs += r.macs;
        total.activations += r.activations;
    }
    return total;
}

} // namespace frontier::model
