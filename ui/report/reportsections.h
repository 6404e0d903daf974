#pragma once

// What the report's sections share (reportbuilder.cpp composes the document; the sections
// live in reportbuilder.cpp, reportfronts.cpp and reportdetails.cpp). Private to the
// report library.

#include "report.h"

#include "model/model.h"
#include "store/project.h"
#include "store/records.h"
#include "study/metricformat.h"
#include "study/studyresults.h"
#include "study/studyspec.h"

#include <QJsonObject>
#include <QString>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace frontier::report::detail {

using study::FrontResult;
using study::MetricFormat;
using study::StudyResults;

struct Context
{
    const ReportRequest *request = nullptr;
    std::unique_ptr<store::Project> project;
    store::StudyRecord record;
    study::StudySpec spec;
    StudyResults results;
    std::vector<study::Objective> objectives;
    std::vector<std::string> constraints;
    std::vector<FrontResult> fronts; // one per device
    std::vector<FrontResult> bounds; // the oracle bound per device (may be empty fronts)
    struct Compared
    {
        std::string name;
        StudyResults results;
        std::vector<FrontResult> fronts; // per device
    };
    std::vector<Compared> compared;
    std::vector<int> allRows;
    std::map<std::string, std::vector<int>> rowsOfDevice;
    std::map<std::string, model::Model> models; // by the study's model name, when stored
    Progress *progress = nullptr;

    double value(int row, const std::string &metric) const
    {
        const int c = results.column(metric);
        return c < 0 ? NAN : results.table().at(row, c);
    }
    MetricFormat format(const std::string &metric, const std::vector<int> &rows) const
    {
        std::vector<double> values;
        for (int r : rows)
            values.push_back(value(r, metric));
        return MetricFormat::forValues(metric, values);
    }
    void step() const
    {
        if (progress) {
            if (progress->cancelRequested())
                throw Cancelled{};
            progress->advance();
        }
    }
};

// Texts for people.
QString q(const std::string &s);
std::string join(const std::vector<std::string> &parts, const std::string &separator);
std::string withThousands(long long v);
std::string policyTitle(const std::string &name); // "adaptive resolution (ARI)"
std::string shortPolicy(const std::string &name); // "ARI"
int policyColour(const std::string &name);
std::string ruleTitle(const std::string &rule); // "rule M", "PDF q = 0.99"
std::string tiersTitle(const study::TrialConfig &c);
std::string constraintsText(const std::vector<std::string> &constraints);
std::string configText(const Context &c, int row);
std::string trialSentence(const Context &c, int row, const std::vector<int> &scope);

Table makeTable(std::string id, std::string caption, std::vector<std::string> header,
                std::vector<bool> numeric);
std::vector<std::string> shownMetrics(const Context &c);
QJsonObject trialJson(const Context &c, int row);

// Charts.
std::vector<ChartPoint> thinned(const std::vector<ChartPoint> &points, bool logX, bool logY,
                                int cellsX = 500, int cellsY = 300);
bool spansDecades(const std::vector<double> &values);

// The sections, in report order.
Section summarySection(Context &c, QJsonObject &json);
Section recommendationSection(const Context &c, QJsonObject &json);
Section frontsSection(const Context &c, QJsonObject &json);
Section frontTableSection(const Context &c, QJsonObject &json);
Section thresholdSection(const Context &c, QJsonObject &json);
Section layersSection(const Context &c, QJsonObject &json);
Section reproducibilitySection(const Context &c, QJsonObject &json);
std::optional<Section> objectiveSection(const Context &c, const std::string &id,
                                        const std::string &title, const std::string &intro,
                                        const std::string &xMetric,
                                        const std::vector<std::string> &columns, QJsonObject &json);
Section presetsSection(const Context &c);

} // namespace frontier::report::detail
