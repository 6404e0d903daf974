#pragma once

#include <string>
#include <vector>

namespace frontier::study {

// Study templates shipped with Frontier (resources/studies/*.json) and found by name.
// Search path: every directory in FRONTIER_STUDY_DIR (':'-separated), then
// <source tree>/resources/studies, then <application dir>/../share/frontier/studies.
std::vector<std::string> studySearchPath();

// Template names (file base names) along the search path, sorted; earlier directories
// shadow later ones.
std::vector<std::string> studyTemplates();

// A path as given (anything containing '/' or ending in ".json" that exists), or a
// template name. Throws Error("study <name>", ...) listing the templates when there is
// no such template.
std::string findStudySpec(const std::string &nameOrPath);

} // namespace frontier::study
