#include "resultsfilter.h"

#include "resultstablemodel.h"

#include <QRegularExpression>

namespace frontier::ui {

ResultsFilter::ResultsFilter(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(Qt::UserRole);
    setFilterKeyColumn(2);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
}

void ResultsFilter::setFrontOnly(bool frontOnly)
{
    m_frontOnly = frontOnly;
    invalidateFilter();
}

void ResultsFilter::setText(const QString &text)
{
    const QRegularExpression re(text, QRegularExpression::CaseInsensitiveOption);
    if (re.isValid())
        setFilterRegularExpression(re);
    else
        setFilterFixedString(text);
}

bool ResultsFilter::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_frontOnly
        && !sourceModel()
                ->index(sourceRow, 0, sourceParent)
                .data(ResultsTableModel::FrontRole)
                .toBool())
        return false;
    return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
}

} // namespace frontier::ui
