#include "loss.h"

#include "common/detmath.h"
#include "common/error.h"

#include <cmath>

namespace frontier::train {

double softmaxCrossEntropy(const float *logits, int n, int width, const int *labels, float scale,
                           float *grad, int *correct)
{
    double total = 0.0;
    for (int i = 0; i < n; ++i) {
        const float *row = logits + int64_t(i) * width;
        const int label = labels[i];
        if (label < 0 || label >= width)
            throw Error("cross-entropy", "label " + std::to_string(label) + " is outside [0, "
                                             + std::to_string(width) + ")");
        int best = 0;
        for (int c = 1; c < width; ++c) {
            if (row[c] > row[best])
                best = c;
        }
        if (correct && best == label)
            ++*correct;
        const double shift = double(row[best]);
        double sum = 0.0;
        for (int c = 0; c < width; ++c)
            sum += dmath::exp(double(row[c]) - shift);
        const double logSum = dmath::log(sum);
        total += logSum - (double(row[label]) - shift);
        if (grad) {
            float *g = grad + int64_t(i) * width;
            for (int c = 0; c < width; ++c) {
                const double p = dmath::exp(double(row[c]) - shift - logSum);
                g[c] = float(double(scale) * (p - (c == label ? 1.0 : 0.0)));
            }
        }
    }
    return total;
}

int logitsLayer(const model::Model &model, const model::Head &head)
{
    const model::Layer &layer = *model.layers[size_t(head.layer)];
    if (layer.type() == "softmax" && layer.inputs.size() == 1 && layer.inputs[0] >= 0)
        return layer.inputs[0];
    return head.layer;
}

} // namespace frontier::train
