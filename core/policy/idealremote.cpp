#include "idealremote.h"

#include "common/error.h"
#include "common/random.h"

#include <cmath>
#include <numeric>

namespace frontier::policy {

TierOutputs idealRemote(const std::vector<int> &labels, int classes, double accuracy, uint64_t seed)
{
    if (classes < 2)
        throw Error("ideal remote", "needs at least two classes");
    if (!(accuracy >= 0 && accuracy <= 1))
        throw Error("ideal remote", "accuracy must be between 0 and 1");
    const size_t n = labels.size();
    for (size_t i = 0; i < n; ++i) {
        if (labels[i] < 0 || labels[i] >= classes)
            throw Error("ideal remote", "label " + std::to_string(labels[i]) + " of sample "
                                            + std::to_string(i) + " is not a class index");
    }
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t(0));
    Random random(seed);
    random.shuffle(order);
    const size_t right = size_t(std::llround(accuracy * double(n)));

    std::vector<int> predictions(labels);
    for (size_t k = right; k < n; ++k) {
        const size_t i = order[k];
        // A uniformly drawn class other than the label.
        const int wrong = int(random.below(classes - 1));
        predictions[i] = wrong >= labels[i] ? wrong + 1 : wrong;
    }
    return TierOutputs::fromPredictions(std::move(predictions), std::vector<float>(n, 1.0f));
}

} // namespace frontier::policy
