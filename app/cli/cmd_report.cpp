// frontier report — a study's report as one self-contained HTML or PDF file.

#include "cli.h"
#include "commands.h"

#include "common/error.h"

#ifdef FRONTIER_HAVE_REPORT
#include "report.h"
#endif

#include <QJsonDocument>

#include <cstdio>

namespace frontier::cli {

int runReport(const QStringList &args)
{
    CommandParser p(QStringLiteral("report"),
                    QStringLiteral("A study's report: summary, recommendation per device, Pareto "
                                   "fronts, front table, threshold curves, per-layer costs of the "
                                   "knee and how to reproduce it, as one HTML or PDF file."));
    p.addOption(QStringLiteral("project"), QStringLiteral("the project file (*.frontier)"),
                QStringLiteral("P"));
    p.addOption(QStringLiteral("study"), QStringLiteral("the study"), QStringLiteral("NAME"));
    p.addOption(QStringLiteral("out"), QStringLiteral("the report: R.html or R.pdf"),
                QStringLiteral("FILE"));
    p.addOption(QStringLiteral("compare"),
                QStringLiteral("other studies of the project whose fronts are overlaid"),
                QStringLiteral("S2,S3"));
    p.addOption(QStringLiteral("objectives"),
                QStringLiteral("e.g. energy_pj:min,accuracy:max (default: the spec's)"),
                QStringLiteral("LIST"));
    p.addOption(QStringLiteral("where"), QStringLiteral("constraints (default: the spec's)"),
                QStringLiteral("C"));
    p.addOption(QStringLiteral("csv"), QStringLiteral("also write every table as CSV there"),
                QStringLiteral("DIR"));
    p.addOption(QStringLiteral("json"), QStringLiteral("print the report's data as JSON"));
    if (!p.parse(args))
        return ExitOk;
    p.requirePositional(0, {});
#ifndef FRONTIER_HAVE_REPORT
    throw Error("report", "this frontier was built without the GUI libraries "
                          "(FRONTIER_BUILD_GUI=OFF), which draw the report's charts");
#else
    report::ReportRequest request;
    request.project = p.require(QStringLiteral("project")).toStdString();
    request.study = p.require(QStringLiteral("study")).toStdString();
    const std::string out = p.require(QStringLiteral("out")).toStdString();
    report::formatOf(out); // an unknown extension is refused before any work
    for (const QString &s :
         p.value(QStringLiteral("compare")).split(QLatin1Char(','), Qt::SkipEmptyParts))
        request.compare.push_back(s.trimmed().toStdString());
    if (p.isSet(QStringLiteral("objectives")))
        request.objectives
            = study::parseObjectives(p.value(QStringLiteral("objectives")).toStdString());
    if (p.isSet(QStringLiteral("where")))
        request.constraints
            = std::vector<std::string>{p.value(QStringLiteral("where")).toStdString()};
    QStringList command{QStringLiteral("frontier"), QStringLiteral("report")};
    for (const QString &a : args)
        command << (a.contains(QLatin1Char(' ')) ? QLatin1Char('\'') + a + QLatin1Char('\'') : a);
    request.command = command.join(QLatin1Char(' ')).toStdString();

    Progress progress;
    report::ReportDocument document;
    {
        ProgressPrinter printer(QStringLiteral("report"), progress);
        document = report::buildReport(request, &progress);
        report::writeReport(document, out, p.value(QStringLiteral("csv")).toStdString());
    }
    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o = document.data;
        o[QStringLiteral("out")] = QString::fromStdString(out);
        printJson(o);
    } else {
        std::printf("report of study %s written to %s\n", request.study.c_str(), out.c_str());
    }
    return ExitOk;
#endif
}

} // namespace frontier::cli
