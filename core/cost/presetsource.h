#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace frontier::cost {

// One preset as JSON text (the schema of docs/cost-model.md); `name` must equal the
// document's "name".
struct PresetDocument
{
    std::string name;
    std::string json;
};

// A source of cost presets besides the preset files on the search path (DESIGN.md,
// Plugins): a plugin's device, link or server presets. Header-only, free of core
// symbols; presets() may throw std::exception with a one-line reason.
class PresetSource
{
public:
    virtual ~PresetSource() = default;

    virtual std::string name() const = 0;        // "lab-devices"
    virtual std::string description() const = 0; // one line
    virtual std::vector<PresetDocument> presets() const = 0;
};

// The presets of registered sources, read once when registered. loadPreset() and
// listPresets() (presetlibrary.h) look here after the search path's files.
class PresetSourceRegistry
{
public:
    struct Document
    {
        std::string name;
        std::string json;
        std::string source;   // the PresetSource's name
        std::string provider; // the plugin's name
    };

    static PresetSourceRegistry &instance();

    void add(const std::vector<Document> &documents);
    std::vector<Document> documents() const;

private:
    PresetSourceRegistry() = default;

    mutable std::mutex m_mutex;
    std::vector<Document> m_documents;
};

} // namespace frontier::cost
