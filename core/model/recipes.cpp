#include "recipes.h"

#include "common/error.h"

#include <algorithm>
#include <functional>
#include <map>

namespace frontier::model {

namespace {

// A small builder over Model::add(): every layer is created through the registry, so a
// recipe is exactly what a model file would describe.
class Builder
{
public:
    explicit Builder(Model &model)
        : m_model(model)
    {}

    int add(const std::string &type, const std::string &name, Attributes attributes = {},
            std::vector<int> inputs = {})
    {
        return m_model.add(createLayer(type, attributes), std::move(inputs), name);
    }
    int last() const { return int(m_model.layers.size()) - 1; }

    int conv(const std::string &name, int filters, int kernel, int stride, int pad,
             std::vector<int> inputs = {})
    {
        return add("conv2d", name,
                   {{"filters", {double(filters)}},
                    {"kernel", {double(kernel), double(kernel)}},
                    {"stride", {double(stride), double(stride)}},
                    {"pad", {double(pad)}}},
                   std::move(inputs));
    }
    int dense(const std::string &name, int units, std::vector<int> inputs = {})
    {
        return add("dense", name, {{"units", {double(units)}}}, std::move(inputs));
    }
    int maxpool(const std::string &name, int kernel = 2)
    {
        return add("maxpool", name, {{"kernel", {double(kernel), double(kernel)}}});
    }
    // dense(numClasses) + softmax + head.
    void classifier(const std::string &prefix, const std::string &softmaxName,
                    const std::string &headName, int numClasses, float lossWeight,
                    std::vector<int> inputs = {})
    {
        dense(prefix, numClasses, std::move(inputs));
        add("softmax", softmaxName);
        m_model.addHead(headName, last(), lossWeight);
    }

private:
    Model &m_model;
};

struct Recipe
{
    const char *description;
    std::vector<int> imageWidths;  // defaults for {C, H, W} inputs (empty: not for images)
    std::vector<int> vectorWidths; // defaults for {F} inputs (empty: not for vectors)
    int widthCount;                // required count of widths (0 = any, >= 1)
    std::function<void(Builder &, const std::vector<int> &, int, bool)> build;
};

void buildMlp(Builder &b, const std::vector<int> &widths, int classes, bool image)
{
    if (image)
        b.add("flatten", "flatten");
    for (size_t i = 0; i < widths.size(); ++i) {
        b.dense("fc" + std::to_string(i + 1), widths[i]);
        b.add("relu", "relu" + std::to_string(i + 1));
    }
    b.classifier("logits", "softmax", "final", classes, 1.0f);
}

void buildLenet(Builder &b, const std::vector<int> &w, int classes, bool)
{
    b.conv("conv1", w[0], 5, 1, 2);
    b.add("relu", "relu1");
    b.maxpool("pool1");
    b.conv("conv2", w[1], 5, 1, 0);
    b.add("relu", "relu2");
    b.maxpool("pool2");
    b.add("flatten", "flatten");
    b.dense("fc3", w[2]);
    b.add("relu", "relu3");
    b.classifier("logits", "softmax", "final", classes, 1.0f);
}

// conv + BN (+ relu); returns the index of the last layer.
int convBn(Builder &b, const std::string &name, int filters, int kernel, int stride, bool relu,
           std::vector<int> inputs = {})
{
    b.conv(name, filters, kernel, stride, kernel / 2, std::move(inputs));
    b.add("batchnorm", name + "_bn");
    if (relu)
        b.add("relu", name + "_relu");
    return b.last();
}

void buildResnet8(Builder &b, const std::vector<int> &w, int classes, bool)
{
    // MLPerf Tiny image classification (ResNet-8 for CIFAR-10): a stem, then three
    // residual stages; stages 2 and 3 halve the resolution and use a 1x1 strided
    // convolution on the shortcut.
    int x = convBn(b, "stem", w[0], 3, 1, true);
    for (int s = 0; s < 3; ++s) {
        const std::string p = "stage" + std::to_string(s + 1);
        const int stride = s == 0 ? 1 : 2;
        const int in = x;
        convBn(b, p + "_conv1", w[size_t(s)], 3, stride, true, {in});
        const int y = convBn(b, p + "_conv2", w[size_t(s)], 3, 1, false);
        int shortcut = in;
        if (s > 0)
            shortcut = b.conv(p + "_shortcut", w[size_t(s)], 1, stride, 0, {in});
        b.add("add", p + "_add", {}, {y, shortcut});
        x = b.add("relu", p + "_relu");
    }
    b.add("globalavgpool", "pool");
    b.classifier("logits", "softmax", "final", classes, 1.0f);
}

void buildTiny(Builder &b, const std::vector<int> &w, int classes, bool image)
{
    if (!image) {
        buildMlp(b, w, classes, false);
        return;
    }
    b.conv("conv1", w[0], 3, 2, 1);
    b.add("relu", "relu1");
    b.maxpool("pool1");
    b.add("flatten", "flatten");
    b.classifier("logits", "softmax", "final", classes, 1.0f);
}

void buildLarge(Builder &b, const std::vector<int> &w, int classes, bool image)
{
    if (!image) {
        buildMlp(b, w, classes, false);
        return;
    }
    for (int s = 0; s < 3; ++s) {
        const std::string n = std::to_string(s + 1);
        convBn(b, "conv" + n, w[size_t(s)], 3, 1, true);
        b.maxpool("pool" + n);
    }
    b.add("flatten", "flatten");
    b.dense("fc4", w[3]);
    b.add("relu", "relu4");
    b.classifier("logits", "softmax", "final", classes, 1.0f);
}

void buildEarlyExit(Builder &b, const std::vector<int> &w, int classes, bool)
{
    b.conv("conv1", w[0], 3, 1, 1);
    b.add("relu", "relu1");
    const int pool1 = b.maxpool("pool1");
    b.add("flatten", "exit1_flatten");
    b.classifier("exit1_fc", "exit1_softmax", "exit1", classes, 0.5f);

    b.conv("conv2", w[1], 3, 1, 1, {pool1});
    b.add("relu", "relu2");
    const int pool2 = b.maxpool("pool2");
    b.add("flatten", "exit2_flatten");
    b.classifier("exit2_fc", "exit2_softmax", "exit2", classes, 0.5f);

    b.conv("conv3", w[2], 3, 1, 1, {pool2});
    b.add("relu", "relu3");
    b.maxpool("pool3");
    b.add("flatten", "flatten");
    b.dense("fc4", w[3]);
    b.add("relu", "relu4");
    b.classifier("logits", "softmax", "final", classes, 1.0f);
}

const std::map<std::string, Recipe> &recipes()
{
    static const std::map<std::string, Recipe> table = {
        {"mlp",
         {"multi-layer perceptron: [flatten] -> (dense + relu) per hidden width -> dense -> "
          "softmax; widths = hidden sizes (default 256,128)",
          {256, 128},
          {256, 128},
          0,
          buildMlp}},
        {"lenet",
         {"LeNet-like CNN for small grey images: conv 5x5 (pad 2) + relu + maxpool, conv 5x5 + "
          "relu + maxpool, dense + relu, dense, softmax; widths = conv1,conv2,dense "
          "(default 16,32,128)",
          {16, 32, 128},
          {},
          3,
          buildLenet}},
        {"resnet8",
         {"ResNet-8 as in MLPerf Tiny (32x32x3): conv3x3+BN+relu stem, three residual stages "
          "with BN and Add (stride 1, 2, 2), global average pool, dense, softmax; widths = "
          "stage filters (default 16,32,64)",
          {16, 32, 64},
          {},
          3,
          buildResnet8}},
        {"tiny",
         {"very small on-device model for offload studies: images: conv 3x3 stride 2 + relu + "
          "maxpool + dense (widths = filters, default 8); vectors: MLP (default hidden 16)",
          {8},
          {16},
          0,
          buildTiny}},
        {"large",
         {"larger model for offload studies: images: three (conv3x3+BN+relu+maxpool) blocks, "
          "dense + relu, dense (widths = 3 filters + dense, default 32,64,128,256); vectors: "
          "MLP (default hidden 256,256)",
          {32, 64, 128, 256},
          {256, 256},
          0,
          buildLarge}},
        {"ee-cnn",
         {"CNN with early exits: three conv3x3+relu+maxpool blocks with exit heads 'exit1' "
          "and 'exit2' (flatten + dense + softmax, loss weight 0.5) after blocks 1 and 2, "
          "dense + relu + dense + softmax final head; widths = 3 filters + dense "
          "(default 16,32,64,128)",
          {16, 32, 64, 128},
          {},
          4,
          buildEarlyExit}},
    };
    return table;
}

const Recipe &findRecipe(const std::string &name)
{
    const auto it = recipes().find(name);
    if (it == recipes().end()) {
        std::string known;
        for (const std::string &n : recipeNames()) {
            if (!known.empty())
                known += ", ";
            known += n;
        }
        throw Error("recipe " + name, "unknown recipe (known: " + known + ")");
    }
    return it->second;
}

} // namespace

Model makeRecipe(const std::string &name, const Shape &inputShape, int numClasses,
                 const RecipeOptions &options)
{
    const Recipe &recipe = findRecipe(name);
    const std::string where = "recipe " + name;
    const bool positive
        = !inputShape.empty()
          && std::all_of(inputShape.begin(), inputShape.end(), [](int d) { return d > 0; });
    if (!positive || (inputShape.size() != 1 && inputShape.size() != 3))
        throw Error(where, "input shape " + shapeToString(inputShape)
                               + " is not {F} (vector) or {C, H, W} (image)");
    const bool image = inputShape.size() == 3;
    if (image && recipe.imageWidths.empty())
        throw Error(where, "needs vector input {F}, got " + shapeToString(inputShape));
    if (!image && recipe.vectorWidths.empty())
        throw Error(where,
                    "is a CNN and needs image input {C, H, W}, got " + shapeToString(inputShape));
    if (numClasses < 2)
        throw Error(where, "needs at least 2 classes, got " + std::to_string(numClasses));

    std::vector<int> widths = options.widths;
    if (widths.empty())
        widths = image ? recipe.imageWidths : recipe.vectorWidths;
    const size_t want = recipe.widthCount > 0        ? size_t(recipe.widthCount)
                        : (name == "tiny" && image)  ? 1
                        : (name == "large" && image) ? 4
                                                     : 0;
    if (want > 0 && widths.size() != want)
        throw Error(where, "takes " + std::to_string(want) + " widths, got "
                               + std::to_string(widths.size()));
    for (int w : widths) {
        if (w < 1)
            throw Error(where, "widths must be >= 1, got " + std::to_string(w));
    }

    Model model;
    model.name = name;
    model.inputShape = inputShape;
    for (int c = 0; c < numClasses; ++c)
        model.classNames.push_back(std::to_string(c));
    model.metadata["recipe"] = name;
    model.metadata["seed"] = std::to_string(options.seed);
    std::string widthText;
    for (int w : widths) {
        if (!widthText.empty())
            widthText += ',';
        widthText += std::to_string(w);
    }
    model.metadata["widths"] = widthText;

    Builder builder(model);
    try {
        recipe.build(builder, widths, numClasses, image);
        model.layerShapes();
    } catch (const Error &e) {
        throw Error(where, "cannot build for input " + shapeToString(inputShape) + ": " + e.what());
    }
    model.initialize(options.seed);
    return model;
}

std::vector<std::string> recipeNames()
{
    std::vector<std::string> names;
    for (const auto &[name, recipe] : recipes())
        names.push_back(name);
    return names;
}

std::string recipeDescription(const std::string &name)
{
    return findRecipe(name).description;
}

} // namespace frontier::model
