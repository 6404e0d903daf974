#include "evaluation.h"

#include "common/detmath.h"
#include "common/error.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace frontier::numeric {

namespace {

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int countDifferent(const std::vector<int> &a, const std::vector<int> &b)
{
    int d = 0;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i)
        d += a[i] != b[i];
    return d;
}

double accuracyOf(const std::vector<int> &predictions, const std::vector<int> &labels)
{
    if (labels.empty())
        return -1;
    return double(predictions.size() - size_t(countDifferent(predictions, labels)))
           / double(std::max<size_t>(1, labels.size()));
}

} // namespace

SampleOutputs sampleOutputs(const model::Model &model, const model::Outputs &outputs)
{
    SampleOutputs s;
    s.n = outputs.n;
    s.classes = outputs.headWidths.empty() ? 0 : outputs.headWidths.back();
    s.scores = outputs.heads.empty() ? std::vector<float>() : outputs.heads.back();
    s.predictions = outputs.predictions();
    const bool softmax = model.layers[size_t(model.finalHead().layer)]->type() == "softmax";
    s.margins.resize(size_t(s.n));
    std::vector<double> p(static_cast<size_t>(s.classes));
    for (int i = 0; i < s.n; ++i) {
        const float *row = outputs.scores(-1, i);
        if (softmax) {
            for (int c = 0; c < s.classes; ++c)
                p[size_t(c)] = row[c];
        } else {
            double top = -INFINITY;
            for (int c = 0; c < s.classes; ++c)
                top = std::max(top, double(row[c]));
            double sum = 0;
            for (int c = 0; c < s.classes; ++c) {
                p[size_t(c)] = dmath::exp(double(row[c]) - top);
                sum += p[size_t(c)];
            }
            for (double &v : p)
                v /= sum;
        }
        double first = -INFINITY, second = -INFINITY;
        for (double v : p) {
            if (v > first) {
                second = first;
                first = v;
            } else if (v > second) {
                second = v;
            }
        }
        s.margins[size_t(i)] = s.classes < 2 ? 1.0f : float(first - second);
    }
    return s;
}

VariantEvaluator::VariantEvaluator(const model::Model &model, const float *x, int n,
                                   std::vector<int> labels, Progress *progress)
    : m_model(model)
    , m_x(x)
    , m_n(n)
    , m_labels(std::move(labels))
{
    if (!m_labels.empty() && int(m_labels.size()) != n)
        throw Error("evaluation", std::to_string(m_labels.size()) + " labels for "
                                      + std::to_string(n) + " samples");
    m_fp32 = std::make_unique<VariantEngine>(model, std::vector<FormatSpec>());
    model::RunOptions options;
    options.progress = progress;
    const auto start = std::chrono::steady_clock::now();
    const model::Outputs out = m_fp32->run(x, n, options);
    m_referenceSeconds = secondsSince(start);
    m_reference = sampleOutputs(model, out);
    m_referenceAccuracy = accuracyOf(m_reference.predictions, m_labels);
}

VariantReport VariantEvaluator::evaluate(const Variant &variant, bool perLayer,
                                         Progress *progress) const
{
    VariantReport r;
    r.variant = variant;
    const VariantEngine engine(m_model, variant);
    model::RunOptions options;
    options.progress = progress;
    const auto start = std::chrono::steady_clock::now();
    const model::Outputs out = engine.run(m_x, m_n, options);
    r.seconds = secondsSince(start);
    r.outputs = sampleOutputs(m_model, out);
    r.accuracy = accuracyOf(r.outputs.predictions, m_labels);
    r.flipped = countDifferent(r.outputs.predictions, m_reference.predictions);
    r.fidelity = m_n > 0 ? double(m_n - r.flipped) / m_n : 1.0;
    if (!perLayer)
        return r;

    const std::vector<LayerError> errors = engine.compare(*m_fp32, m_x, m_n, options);
    const std::vector<FormatSpec> formats = variantLayerFormats(m_model, variant);
    const std::vector<int> &weighted = engine.weightedLayers();
    for (size_t w = 0; w < weighted.size(); ++w) {
        LayerReport l;
        l.layer = m_model.layers[size_t(weighted[w])]->name;
        l.format = engine.format(int(w)).name;
        l.kernel = engine.kernel(int(w)).describe();
        l.sqnrDb = errors[w].sqnrDb();
        std::vector<FormatSpec> alone(m_model.layers.size(), parseFormat("fp32"));
        alone[size_t(weighted[w])] = formats[size_t(weighted[w])];
        const VariantEngine single(m_model, alone, variant.calibration);
        const model::Outputs o = single.run(m_x, m_n, options);
        l.flips = countDifferent(o.predictions(), m_reference.predictions);
        r.layers.push_back(l);
    }
    return r;
}

} // namespace frontier::numeric
