#include "npzplugin.h"

#include "npz.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace frontier::npz {

namespace {

[[noreturn]] void fail(const std::string &why)
{
    throw std::runtime_error(why);
}

const Array *find(const std::vector<Array> &arrays, std::initializer_list<const char *> names)
{
    for (const char *name : names) {
        for (const Array &a : arrays) {
            if (a.name == name)
                return &a;
        }
    }
    return nullptr;
}

std::string shapeText(const std::vector<int64_t> &shape)
{
    std::string s = "(";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + ")";
}

// Per-sample shape {C, H, W} or {F}, and whether the data is NHWC (to transpose).
std::vector<int> sampleShape(const Array &a, bool &nhwc)
{
    nhwc = false;
    const std::vector<int64_t> &s = a.shape;
    for (size_t i = 1; i < s.size(); ++i) {
        if (s[i] <= 0 || s[i] > (1 << 24))
            fail("array '" + a.name + "' has shape " + shapeText(s) + ", no samples to read");
    }
    if (s.size() == 1)
        return {1};
    if (s.size() == 2)
        return {int(s[1])};
    if (s.size() == 3)
        return {1, int(s[1]), int(s[2])};
    if (s.size() == 4) {
        if ((s[3] == 1 || s[3] == 3 || s[3] == 4) && s[1] > 4) {
            nhwc = true; // Keras-style images
            return {int(s[3]), int(s[1]), int(s[2])};
        }
        return {int(s[1]), int(s[2]), int(s[3])};
    }
    fail("array '" + a.name + "' has shape " + shapeText(s) + " (1 to 4 dimensions are read)");
}

void appendSamples(const Array &a, bool nhwc, std::vector<float> &x)
{
    const int64_t n = a.shape[0];
    const int64_t per = n > 0 ? a.count() / n : 0;
    const size_t base = x.size();
    x.resize(base + size_t(a.count()));
    for (int64_t i = 0; i < a.count(); ++i) {
        const double v = a.at(i);
        if (!std::isfinite(v) || std::fabs(v) > 3.0e38)
            fail("array '" + a.name + "' element " + std::to_string(i)
                 + " is not a finite float32 value");
        int64_t to = i;
        if (nhwc) {
            const int64_t h = a.shape[1], w = a.shape[2], c = a.shape[3];
            const int64_t sample = i / per, r = i % per;
            const int64_t yy = r / (w * c), xx = (r / c) % w, cc = r % c;
            to = sample * per + cc * h * w + yy * w + xx;
        }
        x[base + size_t(to)] = float(v);
    }
}

void appendLabels(const Array &a, int64_t expected, const std::string &samples, std::vector<int> &y)
{
    const bool column = a.shape.size() == 2 && a.shape[1] == 1;
    if (a.shape.size() != 1 && !column)
        fail("labels '" + a.name + "' must be 1-D, got shape " + shapeText(a.shape));
    if (a.count() != expected)
        fail("labels '" + a.name + "' has " + std::to_string(a.count()) + " entries for "
             + std::to_string(expected) + " samples in '" + samples + "'");
    for (int64_t i = 0; i < a.count(); ++i) {
        const double v = a.at(i);
        if (!(v == std::floor(v)) || v < 0 || v > 65535)
            fail("labels '" + a.name + "' entry " + std::to_string(i) + " is " + std::to_string(v)
                 + " (whole numbers 0..65535 expected)");
        y.push_back(int(v));
    }
}

class NpzLoader : public data::DatasetLoader
{
public:
    std::string name() const override { return "npz"; }
    std::string description() const override
    {
        return "NumPy .npz archives: x/y, x_train/y_train + x_test/y_test (Keras), "
               "data/labels, images/labels";
    }
    std::vector<std::string> extensions() const override { return {".npz"}; }

    data::LoadedFile load(const std::string &path, const data::LoadOptions &) const override
    {
        const std::vector<Array> arrays = readNpz(path);
        std::string names;
        for (const Array &a : arrays)
            names += (names.empty() ? "" : ", ") + a.name;
        std::vector<const Array *> parts;
        std::vector<const Array *> labels;
        const Array *train = find(arrays, {"x_train", "X_train"});
        const Array *test = find(arrays, {"x_test", "X_test"});
        if (train && test) {
            parts = {train, test};
            const Array *yTrain = find(arrays, {"y_train"});
            const Array *yTest = find(arrays, {"y_test"});
            if (yTrain || yTest) {
                if (!yTrain || !yTest)
                    fail("has only one of y_train and y_test (arrays: " + names + ")");
                labels = {yTrain, yTest};
            }
        } else {
            const Array *x = find(arrays, {"x", "X", "data", "images", "features", "samples"});
            if (!x && arrays.size() == 1)
                x = &arrays.front();
            if (!x)
                fail("has no samples array (expected x, X, data, images, features or "
                     "x_train + x_test; arrays: "
                     + names + ")");
            parts = {x};
            if (const Array *y = find(arrays, {"y", "labels", "targets", "target"}))
                labels = {y};
        }
        data::LoadedFile f;
        bool nhwc = false;
        f.data.shape = sampleShape(*parts.front(), nhwc);
        for (size_t i = 0; i < parts.size(); ++i) {
            const Array &a = *parts[i];
            if (a.shape.empty() || a.shape[0] <= 0)
                fail("array '" + a.name + "' has shape " + shapeText(a.shape)
                     + " (samples of shape (N, ...), N > 0, expected)");
            bool partNhwc = false;
            if (sampleShape(a, partNhwc) != f.data.shape)
                fail("arrays '" + parts.front()->name + "' and '" + a.name
                     + "' have different sample shapes");
            appendSamples(a, partNhwc, f.data.x);
            if (!labels.empty())
                appendLabels(*labels[i], a.shape[0], a.name, f.data.y);
        }
        int maxLabel = -1;
        for (int v : f.data.y)
            maxLabel = std::max(maxLabel, v);
        for (int c = 0; c <= maxLabel; ++c)
            f.data.classNames.push_back(std::to_string(c));
        if (parts.size() == 2)
            f.trainCount = int(parts.front()->shape[0]);
        const char kind = parts.front()->kind();
        if (kind == 'u' && parts.front()->itemSize() == 1)
            f.defaultNormalization = "x/255";
        else if (f.data.shape.size() == 1)
            f.defaultNormalization = "per-feature";
        return f;
    }
};

} // namespace

std::vector<std::shared_ptr<const data::DatasetLoader>> NpzPlugin::datasetLoaders() const
{
    return {std::make_shared<NpzLoader>()};
}

} // namespace frontier::npz
