#pragma once

#include "study/studyresults.h"

#include <QString>

#include <string>
#include <vector>

namespace frontier::ui {

// One study's results as the results view shows them: the done trials (StudyResults)
// and the objectives and constraints of its stored spec. Value type; load() runs on a
// worker thread with a read-only connection of its own (a run may be writing).
struct ResultSet
{
    QString name;
    study::StudyResults results;
    std::vector<study::Objective> objectives; // the spec's (default energy_pj:min, accuracy:max)
    std::vector<std::string> constraints;     // the spec's

    // Throws Error when the project has no such study or cannot be read.
    static ResultSet load(const std::string &projectPath, const std::string &study);
};

} // namespace frontier::ui
