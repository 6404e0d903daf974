// libFuzzer target: the native model file (.fmodel), model and stored variants, from memory.

#include "common/error.h"
#include "model/modelfile.h"

#include <cstddef>
#include <cstdint>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    try {
        frontier::model::deserializeModelFile(std::vector<uint8_t>(data, data + size), "fuzz");
    } catch (const frontier::Error &) {
    }
    return 0;
}
