#include "modelref.h"

#include "common/error.h"
#include "model/modelfile.h"
#include "model/onnx/onnximport.h"
#include "store/project.h"

namespace frontier::ui {

namespace {

const std::string kMarker = "#model=";

} // namespace

std::string ModelRef::inProject(const std::string &projectPath, int64_t modelId)
{
    return projectPath + kMarker + std::to_string(modelId);
}

bool ModelRef::isInProject(const std::string &ref)
{
    return ref.find(kMarker) != std::string::npos;
}

model::Model ModelRef::load(const std::string &ref)
{
    const size_t at = ref.rfind(kMarker);
    if (at == std::string::npos)
        return model::loadAnyModel(ref);
    const std::string path = ref.substr(0, at);
    int64_t id = 0;
    try {
        id = std::stoll(ref.substr(at + kMarker.size()));
    } catch (const std::exception &) {
        throw Error(ref, "not a model reference");
    }
    store::Project project(path, store::Project::Access::ReadOnly);
    return model::deserializeModel(project.modelBytes(id), ref);
}

} // namespace frontier::ui
