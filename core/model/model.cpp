#include "model.h"

#include "common/error.h"
#include "common/random.h"

#include <algorithm>

namespace frontier::model {

namespace {

std::string where(const Model &model)
{
    return model.name.empty() ? std::string("model") : "model " + model.name;
}

} // namespace

Model::Model(const Model &other)
    : name(other.name)
    , inputShape(other.inputShape)
    , classNames(other.classNames)
    , normalization(other.normalization)
    , heads(other.heads)
    , metadata(other.metadata)
{
    layers.reserve(other.layers.size());
    for (const std::unique_ptr<Layer> &layer : other.layers) {
        std::unique_ptr<Layer> copy = layer->clone(); // copies params too
        // Restate the graph fields, so a layer whose clone() forgets them cannot corrupt
        // the copy.
        copy->name = layer->name;
        copy->inputs = layer->inputs;
        layers.push_back(std::move(copy));
    }
}

Model &Model::operator=(const Model &other)
{
    if (this != &other) {
        Model copy(other);
        *this = std::move(copy);
    }
    return *this;
}

int Model::add(std::unique_ptr<Layer> layer, std::vector<int> inputs, std::string layerName)
{
    if (!layer)
        throw Error(where(*this), "cannot add a null layer");
    const int index = int(layers.size());
    if (layerName.empty())
        layerName = layer->name.empty() ? layer->type() + std::to_string(index) : layer->name;
    if (layerIndex(layerName) >= 0)
        throw Error(where(*this), "duplicate layer name '" + layerName + "'");
    if (inputs.empty()) {
        const int want = layer->inputCount();
        if (want != 1)
            throw Error(layerName, "a " + layer->type() + " layer needs " + std::to_string(want)
                                       + " explicit inputs");
        inputs = {index - 1};
    }
    if (int(inputs.size()) != layer->inputCount())
        throw Error(layerName, "a " + layer->type() + " layer takes "
                                   + std::to_string(layer->inputCount()) + " input(s), got "
                                   + std::to_string(inputs.size()));
    for (int in : inputs) {
        if (in < -1 || in >= index)
            throw Error(layerName, "input " + std::to_string(in)
                                       + " is not the model input or an earlier layer");
    }
    layer->name = std::move(layerName);
    layer->inputs = std::move(inputs);
    layers.push_back(std::move(layer));
    return index;
}

void Model::addHead(std::string headName, int layer, float lossWeight)
{
    if (layer < 0)
        layer = int(layers.size()) - 1;
    if (layer < 0 || layer >= int(layers.size()))
        throw Error(where(*this), "head '" + headName + "' refers to a missing layer");
    for (const Head &h : heads) {
        if (h.name == headName)
            throw Error(where(*this), "duplicate head name '" + headName + "'");
    }
    if (!(lossWeight >= 0.0f))
        throw Error(where(*this), "head '" + headName + "' has a negative loss weight");
    heads.push_back(Head{std::move(headName), layer, lossWeight});
}

std::vector<Shape> Model::layerShapes() const
{
    if (inputShape.empty() || numel(inputShape) <= 0)
        throw Error(where(*this), "input shape " + shapeToString(inputShape) + " is not valid");
    std::vector<Shape> shapes;
    shapes.reserve(layers.size());
    for (size_t i = 0; i < layers.size(); ++i) {
        const Layer &layer = *layers[i];
        for (int in : layer.inputs) {
            if (in < -1 || in >= int(i))
                throw Error(layer.name, "input " + std::to_string(in)
                                            + " is not the model input or an earlier layer");
        }
        if (int(layer.inputs.size()) != layer.inputCount())
            throw Error(layer.name, "takes " + std::to_string(layer.inputCount())
                                        + " input(s), has " + std::to_string(layer.inputs.size()));
        Shape out = layer.outputShape(inputShapesOf(int(i), shapes));
        if (out.empty() || numel(out) <= 0)
            throw Error(layer.name, "empty output shape " + shapeToString(out));
        // Refused when loaded rather than failing later on an allocation.
        if (numel(out) > kMaxActivationElements)
            throw Error(layer.name,
                        "output " + shapeToString(out) + " has " + std::to_string(numel(out))
                            + " elements per sample, more than the limit of "
                            + std::to_string(kMaxActivationElements) + " (256 MiB of float32)");
        shapes.push_back(std::move(out));
    }
    return shapes;
}

std::vector<Shape> Model::inputShapesOf(int i, const std::vector<Shape> &shapes) const
{
    std::vector<Shape> result;
    result.reserve(layers[size_t(i)]->inputs.size());
    for (int in : layers[size_t(i)]->inputs)
        result.push_back(in < 0 ? inputShape : shapes[size_t(in)]);
    return result;
}

void Model::initialize(uint64_t seed)
{
    // Each layer gets its own stream, so adding a layer does not change the others.
    const Random root(seed);
    std::vector<Shape> shapes;
    shapes.reserve(layers.size());
    for (size_t i = 0; i < layers.size(); ++i) {
        const std::vector<Shape> in = inputShapesOf(int(i), shapes);
        Random stream = root.split(i);
        layers[i]->initialize(in, stream.next());
        shapes.push_back(layers[i]->outputShape(in));
    }
}

int Model::numClasses() const
{
    if (heads.empty())
        throw Error(where(*this), "has no output head");
    const std::vector<Shape> shapes = layerShapes();
    return int(numel(shapes[size_t(finalHead().layer)]));
}

int Model::layerIndex(const std::string &layerName) const
{
    for (size_t i = 0; i < layers.size(); ++i) {
        if (layers[i]->name == layerName)
            return int(i);
    }
    return -1;
}

int64_t Model::parameterCount() const
{
    int64_t count = 0;
    for (const std::unique_ptr<Layer> &layer : layers) {
        for (const Param &p : layer->params())
            count += int64_t(p.value.size());
    }
    return count;
}

} // namespace frontier::model
