#pragma once

// `frontier train --method fp32|qat|rct`: edge training with its accounting (cmd_train.cpp
// parses the shared options and calls these).

#include "cli.h"

#include "data/catalog.h"
#include "train/quanttraining.h"
#include "train/workflow.h"

namespace frontier::cli {

// Adds --method, --bits, --rct-*, --cost to the train command's parser.
void addTrainMethodOptions(CommandParser &parser);

// The method's options from the parser, validated; throws UsageError naming the option.
train::QuantTrainOptions trainMethodOptions(const CommandParser &parser);

// Trains run.recipe on `prepared` with `options`, saves the model (with its variant for qat
// and rct) at `out` and prints the result (a table, or JSON with --json).
int runTrainMethod(const CommandParser &parser, const train::QuantTrainOptions &options,
                   train::RecipeRun run, const data::PreparedData &prepared, const QString &out);

} // namespace frontier::cli
