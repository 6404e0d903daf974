#include "cascade.h"

#include "common/error.h"

#include <cmath>
#include <limits>
#include <set>

namespace frontier::intermittent {

CascadeOutcome simulateCascade(const CascadeRequest &request)
{
    if (request.stages.empty())
        throw Error(request.where, "a cascade on harvested power needs at least one stage");
    request.capacitor.validate(request.where);
    request.harvester.validate(request.where);
    CascadeOutcome out;
    std::vector<Program> programs;
    std::set<std::string> names;
    bool shared = false; // do stages repeat layer names (ARI: one model, several formats)?
    for (const CascadeStage &stage : request.stages)
        for (const ExecLayer &l : stage.layers)
            shared = !names.insert(l.name).second || shared;
    for (const CascadeStage &stage : request.stages) {
        if (stage.layers.empty())
            throw Error(request.where, "stage '" + stage.name + "' has no layer");
        Configuration config;
        if (request.search) {
            SearchOptions so = request.searchOptions;
            so.start_s = request.simOptions.start_s;
            config = searchConfiguration(stage.layers, {stage.format}, request.platform,
                                         request.capacitor, request.harvester, so, request.where)
                         .configuration;
        } else {
            config = perTaskConfiguration(stage.layers, stage.format, request.platform,
                                          request.capacitor);
        }
        programs.push_back(buildProgram(stage.layers, config, request.platform, request.where));
        if (shared)
            for (std::string &n : programs.back().layerNames)
                n = stage.name + "/" + n;
        out.configurations.push_back(std::move(config));
    }
    Program path;
    for (const Program &p : programs) {
        const int offset = int(path.layerNames.size());
        for (Task t : p.tasks) {
            t.layer += offset;
            path.tasks.push_back(t);
        }
        path.layerNames.insert(path.layerNames.end(), p.layerNames.begin(), p.layerNames.end());
        out.paths.push_back(simulate(path, request.platform, request.capacitor, request.harvester,
                                     request.simOptions));
        out.pathLayerNames.push_back(path.layerNames);
    }
    return out;
}

CascadeExpectation expectation(const CascadeOutcome &outcome, const std::vector<double> &share)
{
    if (share.size() != outcome.paths.size())
        throw Error("cascade", std::to_string(share.size()) + " shares for "
                                   + std::to_string(outcome.paths.size()) + " paths");
    CascadeExpectation e;
    for (size_t s = 0; s < share.size(); ++s) {
        const double w = share[s];
        if (!(w > 0))
            continue;
        const SimResult &p = outcome.paths[s];
        e.terminates = e.terminates && p.terminates;
        e.latency_s += w * p.latency_s;
        e.worstLatency_s = std::max(e.worstLatency_s, p.latency_s);
        e.active_s += w * p.active_s;
        e.recharge_s += w * p.recharge_s;
        e.powerCycles += w * double(p.powerCycles);
        e.reboots += w * double(p.reboots);
        e.energy.compute_J += w * p.energy.compute_J;
        e.energy.dataMovement_J += w * p.energy.dataMovement_J;
        e.energy.preservation_J += w * p.energy.preservation_J;
        e.energy.reexecution_J += w * p.energy.reexecution_J;
        e.energy.reboot_J += w * p.energy.reboot_J;
    }
    if (!e.terminates) {
        e.latency_s = std::numeric_limits<double>::infinity();
        e.worstLatency_s = e.latency_s;
    }
    return e;
}

} // namespace frontier::intermittent
