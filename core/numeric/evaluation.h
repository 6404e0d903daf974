#pragma once

#include "variant.h"
#include "variantengine.h"

#include "common/progress.h"
#include "model/model.h"

#include <memory>
#include <string>
#include <vector>

namespace frontier::numeric {

// The per-sample outputs of one run, from the final head.
struct SampleOutputs
{
    int n = 0;
    int classes = 0;
    std::vector<float> scores;    // [n, classes]: the final head's values
    std::vector<int> predictions; // arg-max (lowest index on ties)
    // top-1 minus top-2 of the softmax scores: the head's values when its layer is a
    // softmax, else softmax(values) computed here in double; |2p - 1| for two classes.
    std::vector<float> margins;
};

// What running a variant over a data set found, against the fp32 model.
struct LayerReport
{
    std::string layer;
    std::string format;
    std::string kernel; // WeightedKernel::describe()
    double sqnrDb = 0;  // this layer's output in the variant vs fp32 (all layers quantized)
    int flips = -1;     // samples whose prediction differs when only this layer is quantized
};

struct VariantReport
{
    Variant variant;
    SampleOutputs outputs;
    double accuracy = -1; // share of correct predictions; -1 without labels
    double fidelity = 1;  // share of predictions equal to the fp32 model's
    int flipped = 0;      // samples whose prediction differs from the fp32 model's
    double seconds = 0;   // wall time of the variant's run (not of the per-layer analysis)
    std::vector<LayerReport> layers; // filled by evaluate(.., perLayer = true)
};

// Final-head scores, predictions and margins of a run.
SampleOutputs sampleOutputs(const model::Model &model, const model::Outputs &outputs);

// Evaluates variants of one model on one data set (n samples, already normalised, with
// optional labels: empty or n values). The fp32 reference runs once, in the constructor,
// through VariantEngine with fp32 everywhere (the same arithmetic as model::Engine).
// Per-layer analysis (evaluate(.., true)):
// - SQNR: 10 log10(sum ref^2 / sum (out - ref)^2) over every element of the weighted
//   layer's output, the variant run with all its layers quantized (cumulative);
// - flips: the samples whose prediction changes when that layer alone takes its format
//   and every other layer stays fp32 (the layer's own sensitivity, what mixed-precision
//   choices need), one extra run per weighted layer.
// Results are deterministic whatever the thread count. Throws Error, Cancelled. The model
// and the samples are referenced, not copied: they must outlive the evaluator. evaluate()
// may be called from several threads at once.
class VariantEvaluator
{
public:
    VariantEvaluator(const model::Model &model, const float *x, int n, std::vector<int> labels,
                     Progress *progress = nullptr);

    const SampleOutputs &reference() const { return m_reference; }
    double referenceAccuracy() const { return m_referenceAccuracy; }
    double referenceSeconds() const { return m_referenceSeconds; }

    VariantReport evaluate(const Variant &variant, bool perLayer = false,
                           Progress *progress = nullptr) const;

private:
    const model::Model &m_model;
    const float *m_x;
    int m_n;
    std::vector<int> m_labels;
    std::unique_ptr<VariantEngine> m_fp32;
    SampleOutputs m_reference;
    double m_referenceAccuracy = -1;
    double m_referenceSeconds = 0;
};

} // namespace frontier::numeric
