#pragma once

// The extension interfaces a Frontier plugin implements (DESIGN.md, Plugins;
// docs/plugins.md). Header-only: a plugin links QtCore and nothing of core.
//
// A plugin is a Qt plugin whose root object implements exactly one of the interfaces
// below and names its IID in Q_PLUGIN_METADATA, with a JSON metadata file:
//   { "name": "posit", "version": "1.0.0", "apiVersion": 1,
//     "description": "...", "provides": ["format:posit<n>es<es>"] }
// The IID's last part is the API version; a plugin built against another version is
// refused, as is one whose metadata disagrees with its IID.
//
// Errors: a plugin reports a problem by throwing std::exception with a one-line reason;
// the host adds the plugin's file and refuses it (during registration) or fails the
// operation (while loading a dataset, parsing a format name).

#include "cost/presetsource.h"
#include "data/datasetloader.h"
#include "numeric/customformat.h"
#include "policy/decisionrule.h"
#include "study/reportsection.h"

#include <QtPlugin>

#include <memory>
#include <vector>

namespace frontier::plugin {

constexpr int kApiVersion = 1;

// Number formats: families of custom formats (numeric/customformat.h), available to
// `eval --format`, variants and studies like the built-in ones.
class NumberFormatPlugin
{
public:
    virtual ~NumberFormatPlugin() = default;
    virtual std::vector<std::shared_ptr<const numeric::CustomFormatFamily>> formatFamilies()
        const = 0;
};

// Dataset loaders: file formats (data/datasetloader.h), used wherever a dataset path is
// accepted.
class DatasetLoaderPlugin
{
public:
    virtual ~DatasetLoaderPlugin() = default;
    virtual std::vector<std::shared_ptr<const data::DatasetLoader>> datasetLoaders() const = 0;
};

// Cost presets: device, link and server presets as JSON documents (cost/presetsource.h),
// found by name like the preset files (after them), in `cost --preset`, studies'
// devices and links, `presets list|show` and the GUI.
class CostPresetPlugin
{
public:
    virtual ~CostPresetPlugin() = default;
    virtual std::vector<std::shared_ptr<const cost::PresetSource>> presetSources() const = 0;
};

// Decision modules: HI's offload rules (policy/decisionrule.h), fitted on the calibration
// split, named in studies' "decisions" and in `sweep --decision`.
class DecisionModulePlugin
{
public:
    virtual ~DecisionModulePlugin() = default;
    virtual std::vector<std::shared_ptr<const policy::DecisionRule>> decisionRules() const = 0;
};

// Report sections: a plugin's section of `frontier report` (study/reportsection.h), after
// the built-in ones, from the study's trials.
class ReportSectionPlugin
{
public:
    virtual ~ReportSectionPlugin() = default;
    virtual std::vector<std::shared_ptr<const study::ReportSection>> reportSections() const = 0;
};

} // namespace frontier::plugin

#define FRONTIER_REPORT_SECTION_IID "org.frontier.ReportSection/1"
#define FRONTIER_DECISION_MODULE_IID "org.frontier.DecisionModule/1"
#define FRONTIER_NUMBER_FORMAT_IID "org.frontier.NumberFormat/1"
#define FRONTIER_DATASET_LOADER_IID "org.frontier.DatasetLoader/1"
#define FRONTIER_COST_PRESETS_IID "org.frontier.CostPresets/1"

Q_DECLARE_INTERFACE(frontier::plugin::NumberFormatPlugin, FRONTIER_NUMBER_FORMAT_IID)
Q_DECLARE_INTERFACE(frontier::plugin::DatasetLoaderPlugin, FRONTIER_DATASET_LOADER_IID)
Q_DECLARE_INTERFACE(frontier::plugin::CostPresetPlugin, FRONTIER_COST_PRESETS_IID)
Q_DECLARE_INTERFACE(frontier::plugin::DecisionModulePlugin, FRONTIER_DECISION_MODULE_IID)
Q_DECLARE_INTERFACE(frontier::plugin::ReportSectionPlugin, FRONTIER_REPORT_SECTION_IID)
