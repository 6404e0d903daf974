#include "batchnormfolding.h"

#include "layers/batchnorm.h"

namespace frontier::model {

BatchNormFolding foldBatchNorms(const Model &model)
{
    const int count = int(model.layers.size());
    BatchNormFolding f;
    f.consumers.assign(size_t(count), 0);
    for (const std::unique_ptr<Layer> &layer : model.layers) {
        for (int in : layer->inputs) {
            if (in >= 0)
                ++f.consumers[size_t(in)];
        }
    }
    for (const Head &h : model.heads)
        ++f.consumers[size_t(h.layer)];

    f.alias.resize(size_t(count));
    f.run.resize(size_t(count));
    for (int i = 0; i < count; ++i) {
        f.alias[size_t(i)] = i;
        f.run[size_t(i)] = model.layers[size_t(i)].get();
    }
    for (int i = 0; i < count; ++i) {
        const Layer &bn = *model.layers[size_t(i)];
        if (bn.type() != "batchnorm" || bn.inputs.size() != 1)
            continue;
        const int p = bn.inputs[0];
        if (p < 0 || f.alias[size_t(p)] != p || f.consumers[size_t(p)] != 1)
            continue;
        const Layer &producer = *model.layers[size_t(p)];
        if (producer.type() != "dense" && producer.type() != "conv2d")
            continue;
        if (f.run[size_t(p)] != &producer)
            continue; // already folded once
        std::unique_ptr<Layer> folded = producer.clone();
        if (!foldBatchNormInto(*folded, bn))
            continue;
        f.run[size_t(p)] = folded.get();
        f.owned.push_back(std::move(folded));
        f.alias[size_t(i)] = p;
        f.run[size_t(i)] = nullptr;
        ++f.folded;
    }
    return f;
}

} // namespace frontier::model
