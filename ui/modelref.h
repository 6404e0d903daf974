#pragma once

#include "model/model.h"

#include <cstdint>
#include <string>

namespace frontier::ui {

// Where a model comes from, as one string the views and jobs pass around: a file path
// (.fmodel or .onnx), or a model stored in a project file, "<project.frontier>#model=<id>".
class ModelRef
{
public:
    static std::string inProject(const std::string &projectPath, int64_t modelId);
    static bool isInProject(const std::string &ref);

    // Loads the model. A project model is read through a read-only connection of its own,
    // so this is safe on any thread (also while a study run writes the file). Throws Error.
    static model::Model load(const std::string &ref);
};

} // namespace frontier::ui
