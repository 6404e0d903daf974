#pragma once

#include <QSortFilterProxyModel>

namespace frontier::ui {

// Sorting and filtering of a ResultsTableModel: numbers sort by value (Qt::UserRole), the
// text filter matches the configuration column (case-insensitive, plain words or a
// regular expression), and "front only" keeps the trials on their study's front.
class ResultsFilter : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit ResultsFilter(QObject *parent = nullptr);

    void setFrontOnly(bool frontOnly);
    bool frontOnly() const { return m_frontOnly; }
    void setText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    bool m_frontOnly = false;
};

} // namespace frontier::ui
