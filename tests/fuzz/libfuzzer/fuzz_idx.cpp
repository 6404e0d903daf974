// libFuzzer target: an IDX images file (raw or gzip), loaded without labels.

#include "fuzzinput.h"

#include "common/error.h"
#include "data/idxloader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    try {
        frontier::data::loadIdx(frontier::fuzz::writeScratch(data, size, "-images-idx3-ubyte"),
                                std::string());
    } catch (const frontier::Error &) {
    }
    return 0;
}
