#pragma once

#include "data/dataset.h"

#include <string>

namespace frontier::cli {

// Writes a PNG grid of an image dataset's samples: one row per class, `perClass`
// samples per row, each pixel magnified `scale` times, grey levels stretched over the
// dataset's value range. Throws Error naming the dataset when it holds no images, or
// the path when it cannot be written (nothing is left behind then).
void writePreviewPng(const data::Dataset &set, const std::string &path, int perClass, int scale);

} // namespace frontier::cli
