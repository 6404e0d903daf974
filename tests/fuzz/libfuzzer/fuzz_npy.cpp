// libFuzzer target: an NPY file read as a float tensor and as integer labels.

#include "fuzzinput.h"

#include "common/error.h"
#include "data/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string &path = frontier::fuzz::writeScratch(data, size, ".npy");
    try {
        frontier::data::readNpy(path);
    } catch (const frontier::Error &) {
    }
    try {
        frontier::data::readNpyLabels(path);
    } catch (const frontier::Error &) {
    }
    return 0;
}
