#pragma once

#include <QJsonArray>
#include <QJsonValue>
#include <QString>

namespace frontier::ui {

// The text spellings of a study spec's list values in the study form's table cells (see
// StudyForm), both ways. toText* accept what the spec accepts (a string or an array);
// from* return JSON arrays in the spec's schema. Pure functions.
class SpecText
{
public:
    static QString strings(const QJsonValue &value); // "a, b"
    static QJsonArray fromStrings(const QString &text);
    static QString reduced(const QJsonValue &value); // "int2..int6, int4>int8"
    static QJsonArray fromReduced(const QString &text);
    static QString taus(const QJsonValue &value); // "M, PDF 0.99, 0:0.5:11"
    static QJsonArray fromTaus(const QString &text);
    static QString decisions(const QJsonValue &value); // "lr, fixed:-4.6:5.9:-3"
    static QJsonArray fromDecisions(const QString &text);
    static QString remotes(const QJsonValue &value); // "lenet, ideal:0.99"
    static QJsonArray fromRemotes(const QString &text);
    static QString widths(const QJsonValue &value); // "256, 128"
    static QJsonArray fromWidths(const QString &text);

    static QStringList split(const QString &text); // by commas, trimmed
};

} // namespace frontier::ui
