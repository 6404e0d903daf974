#pragma once

#include <vector>

namespace frontier::tempscale {

// Temperature scaling (Guo et al., "On Calibration of Modern Neural Networks", ICML
// 2017) on softmax probabilities: p_T(j) = p(j)^(1/T) / sum_k p(k)^(1/T), the softmax of
// the logits divided by T. T is fitted on a calibration split by minimising the mean
// negative log-likelihood of the labels (golden-section search on log T over
// [1/20, 20], 80 steps; sums in double, in sample order: deterministic).

// The fitted temperature. `scores` [n * classes] probabilities, sample-major.
// Throws std::invalid_argument on empty or inconsistent input.
double fitTemperature(const std::vector<float> &scores, int classes,
                      const std::vector<int> &labels);

// The mean negative log-likelihood at temperature t.
double meanNll(const std::vector<float> &scores, int classes, const std::vector<int> &labels,
               double t);

// max_j p_T(j) for one sample.
double scaledMaxProbability(const float *scores, int classes, double t);

} // namespace frontier::tempscale
