#include "contenthash.h"

#include <QByteArrayView>
#include <QCryptographicHash>

namespace frontier::data {

struct ContentHash::Private
{
    QCryptographicHash hash{QCryptographicHash::Sha256};
};

ContentHash::ContentHash()
    : d(std::make_unique<Private>())
{}

ContentHash::~ContentHash() = default;

void ContentHash::add(const void *data, size_t size)
{
    // addData takes a qsizetype; feed very large ranges in pieces.
    const char *p = static_cast<const char *>(data);
    while (size > 0) {
        const size_t n = std::min<size_t>(size, size_t(1) << 30);
        d->hash.addData(QByteArrayView(p, qsizetype(n)));
        p += n;
        size -= n;
    }
}

std::string ContentHash::hex() const
{
    return d->hash.result().toHex().toStdString();
}

} // namespace frontier::data
