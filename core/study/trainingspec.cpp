#include "trainingspec.h"

#include "model/recipes.h"

#include <algorithm>

namespace frontier::study {

namespace {

std::vector<int> integers(SpecReader &r, const std::string &key, std::vector<int> fallback, int min,
                          int max)
{
    const QJsonValue v = r.take(key);
    if (v.isUndefined())
        return fallback;
    const QJsonArray a = v.isArray() ? v.toArray() : QJsonArray{v};
    std::vector<int> out;
    for (int i = 0; i < a.size(); ++i) {
        const double x = a[i].toDouble(-1e300);
        if (!a[i].isDouble() || x != double(int64_t(x)) || x < min || x > max)
            r.failAt(v.isArray() ? elementPath(r.keyPath(key), i) : r.keyPath(key),
                     "expected an integer in [" + std::to_string(min) + ", " + std::to_string(max)
                         + "]");
        out.push_back(int(x));
    }
    if (out.empty())
        r.fail(key, "needs at least one value");
    return out;
}

} // namespace

const std::vector<std::string> &trainingMetricNames()
{
    static const std::vector<std::string> names{"train_energy_pj", "train_gemm_energy_pj",
                                                "param_memory_bytes"};
    return names;
}

std::vector<ModelSpec> parseTrainingSection(SpecReader &top)
{
    if (!top.has("training"))
        return {};
    SpecReader r = top.object("training");
    ModelSpec base;
    base.recipe = r.string("recipe", {}, true);
    const std::vector<std::string> recipes = model::recipeNames();
    if (std::find(recipes.begin(), recipes.end(), base.recipe) == recipes.end())
        r.fail("recipe", "unknown recipe '" + base.recipe + "'");
    const std::string name = r.string("name", base.recipe);
    base.widths = integers(r, "widths", {}, 1, 65536);
    base.epochs = r.integer("epochs", -1, 0, 10000);
    std::vector<std::string> methods = r.strings("methods");
    if (methods.empty())
        methods = {"fp32", "qat", "rct"};
    for (size_t i = 0; i < methods.size(); ++i) {
        if (methods[i] != "fp32" && methods[i] != "qat" && methods[i] != "rct")
            r.failAt(elementPath(r.keyPath("methods"), int(i)),
                     "unknown method '" + methods[i] + "' (fp32, qat, rct)");
    }
    const std::vector<int> bits = integers(r, "bits", {8}, 2, 16);
    const std::vector<int> seeds = integers(r, "seeds", {1}, 0, 2147483647);
    r.finish();

    std::vector<ModelSpec> out;
    for (const std::string &method : methods) {
        const std::vector<int> widths = method == "fp32" ? std::vector<int>{32} : bits;
        for (int b : widths) {
            for (int seed : seeds) {
                ModelSpec m = base;
                m.method = method;
                m.bits = method == "fp32" ? 8 : b;
                m.seed = uint64_t(seed);
                m.name = name;
                m.name += '-';
                m.name += method;
                if (method != "fp32")
                    m.name += std::to_string(b);
                m.name += "-s";
                m.name += std::to_string(seed);
                out.push_back(std::move(m));
            }
        }
    }
    return out;
}

} // namespace frontier::study
