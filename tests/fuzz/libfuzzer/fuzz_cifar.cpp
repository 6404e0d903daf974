// libFuzzer target: a CIFAR-10 binary batch.

#include "fuzzinput.h"

#include "common/error.h"
#include "data/cifarloader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    try {
        frontier::data::loadCifar10(frontier::fuzz::writeScratch(data, size, ".bin"));
    } catch (const frontier::Error &) {
    }
    return 0;
}
