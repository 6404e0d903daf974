// Benchmark (run by hand, not by CTest): how long one move of the threshold explorer's τ
// slider takes for N cached samples: the metrics from ThresholdSweep::at(τ), the labels,
// the marker, the three histogram series and the τ line, and then a synchronous repaint
// of both charts. Results go to docs/bench-notes/gui.md.
//
//   QT_QPA_PLATFORM=offscreen build/bin/bench_thresholdexplorer [--samples 10000] [--moves 500]

#include "chartview.h"
#include "explorerdata.h"
#include "marginhistogramchart.h"
#include "thresholdexplorer.h"

#include "common/random.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QSlider>

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace frontier;

namespace {

// Softmax scores that lean towards the label with `skill`, seeded.
policy::TierOutputs tier(Random &r, const std::vector<int> &labels, int classes, double skill)
{
    std::vector<float> scores(labels.size() * size_t(classes));
    for (size_t i = 0; i < labels.size(); ++i) {
        double sum = 0;
        std::vector<double> z(static_cast<size_t>(classes));
        for (int c = 0; c < classes; ++c) {
            z[size_t(c)] = std::exp(1.5 * r.normal() + (c == labels[i] ? skill : 0.0));
            sum += z[size_t(c)];
        }
        for (int c = 0; c < classes; ++c)
            scores[i * size_t(classes) + size_t(c)] = float(z[size_t(c)] / sum);
    }
    return policy::TierOutputs::fromScores(std::move(scores), classes);
}

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(std::ceil(p * double(v.size())) - 1))];
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("samples"), QStringLiteral("cached samples"),
                      QStringLiteral("N"), QStringLiteral("10000")});
    parser.addOption({QStringLiteral("moves"), QStringLiteral("slider moves timed"),
                      QStringLiteral("M"), QStringLiteral("500")});
    parser.process(app);
    const int n = parser.value(QStringLiteral("samples")).toInt();
    const int moves = parser.value(QStringLiteral("moves")).toInt();

    // A two-tier ARI cascade over n cached samples (int4-like reduced tier, full tier).
    Random r(42);
    auto data = std::make_shared<ui::ExplorerData>();
    data->request.policy = ui::ExplorerRequest::Policy::Ari;
    data->description = "synthetic: " + std::to_string(n) + " cached samples, 10 classes";
    for (int i = 0; i < n; ++i)
        data->testLabels.push_back(int(r.below(10)));
    data->calibrationLabels
        = std::vector<int>(data->testLabels.begin(), data->testLabels.begin() + std::min(n, 1000));
    data->tiers.push_back({"reduced", tier(r, data->testLabels, 10, 2.5), {400.0, 0.0, 2.0, 8000}});
    data->tiers.push_back({"full", tier(r, data->testLabels, 10, 4.0), {3000.0, 0.0, 9.0, 32000}});
    for (int t = 0; t < 2; ++t)
        data->calibration.push_back(tier(r, data->calibrationLabels, 10, t == 0 ? 2.5 : 4.0));
    data->fullPredictions = data->tiers[1].outputs.predictions;
    data->fullCalibrationPredictions = data->calibration[1].predictions;
    data->reference = {3000.0, 3000.0, 9.0};

    ui::ThresholdExplorer explorer;
    explorer.resize(1280, 800);
    explorer.show();
    explorer.setData(data);
    QApplication::processEvents();

    std::vector<double> update, total;
    QSlider *slider = explorer.slider(0);
    for (int m = 0; m < moves + 20; ++m) {
        const int value = (m * 7919) % (ui::ThresholdExplorer::kSliderSteps + 1);
        QElapsedTimer clock;
        clock.start();
        slider->setValue(value);
        explorer.curveChart()->viewport()->repaint();
        explorer.histogramChart()->viewport()->repaint();
        const double ms = double(clock.nsecsElapsed()) / 1e6;
        if (m >= 20) { // warm-up moves excluded
            update.push_back(explorer.lastUpdateMicros() / 1000.0);
            total.push_back(ms);
        }
    }
    std::printf("samples %d, moves %d\n", n, moves);
    std::printf("update (sweep + labels + series):  median %.3f ms, p95 %.3f ms, max %.3f ms\n",
                percentile(update, 0.5), percentile(update, 0.95), percentile(update, 1.0));
    std::printf("update + repaint of both charts:   median %.3f ms, p95 %.3f ms, max %.3f ms\n",
                percentile(total, 0.5), percentile(total, 0.95), percentile(total, 1.0));
    return 0;
}
