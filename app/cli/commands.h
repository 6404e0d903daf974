#pragma once

#include <QStringList>

namespace frontier::cli {

// Each command receives its own arguments (the command words removed) and returns the
// process exit code. Bad input throws frontier::Error; main() prints it as one line.
int runData(const QStringList &args);
int runTrain(const QStringList &args);
int runEval(const QStringList &args);
int runModel(const QStringList &args);
int runBench(const QStringList &args);
int runDemo(const QStringList &args);
int runImport(const QStringList &args);
int runCost(const QStringList &args);
int runIntermittent(const QStringList &args);
int runPresets(const QStringList &args);
int runPlugins(const QStringList &args);
int runVariants(const QStringList &args);
int runStudy(const QStringList &args);
int runSweep(const QStringList &args);
int runReport(const QStringList &args);

} // namespace frontier::cli
