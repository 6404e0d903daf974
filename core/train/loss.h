#pragma once

#include "model/model.h"

namespace frontier::train {

// Softmax cross-entropy of n rows of `width` logits (row-major) against `labels`
// (each in [0, width)), computed stably in double precision: max-shifted log-sum-exp.
// Returns the SUM over rows of -log softmax(row)[label]. When `grad` is non-null, writes
// scale * (softmax(row) - onehot(label)) for every element (d loss / d logits of the
// summed loss, scaled). When `correct` is non-null, adds the number of rows whose arg-max
// (lowest index on ties) equals the label. Throws Error for a label out of range.
double softmaxCrossEntropy(const float *logits, int n, int width, const int *labels, float scale,
                           float *grad, int *correct = nullptr);

// The layer whose output a head's loss is computed from: the input of the head's layer
// when that is a softmax (so the loss sees logits, not probabilities), else the head's
// layer itself (its output is then taken as logits).
int logitsLayer(const model::Model &model, const model::Head &head);

} // namespace frontier::train
