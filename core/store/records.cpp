#include "records.h"

#include "common/error.h"

namespace frontier::store {

std::string toString(StudyStatus status)
{
    switch (status) {
    case StudyStatus::Pending:
        return "pending";
    case StudyStatus::Running:
        return "running";
    case StudyStatus::Done:
        return "done";
    case StudyStatus::Failed:
        return "failed";
    case StudyStatus::Cancelled:
        return "cancelled";
    }
    return "?";
}

std::string toString(TrialStatus status)
{
    switch (status) {
    case TrialStatus::Pending:
        return "pending";
    case TrialStatus::Running:
        return "running";
    case TrialStatus::Done:
        return "done";
    case TrialStatus::Failed:
        return "failed";
    }
    return "?";
}

StudyStatus studyStatusFromString(const std::string &text)
{
    for (StudyStatus s : {StudyStatus::Pending, StudyStatus::Running, StudyStatus::Done,
                          StudyStatus::Failed, StudyStatus::Cancelled}) {
        if (toString(s) == text)
            return s;
    }
    throw Error("study status", "unknown status '" + text + "'");
}

TrialStatus trialStatusFromString(const std::string &text)
{
    for (TrialStatus s :
         {TrialStatus::Pending, TrialStatus::Running, TrialStatus::Done, TrialStatus::Failed}) {
        if (toString(s) == text)
            return s;
    }
    throw Error("trial status", "unknown status '" + text + "'");
}

} // namespace frontier::store
