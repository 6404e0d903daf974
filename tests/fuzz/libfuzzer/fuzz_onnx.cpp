// libFuzzer target: the ONNX importer (parse, check, convert to a Frontier model).

#include "fuzzinput.h"

#include "common/error.h"
#include "model/onnx/onnximport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    try {
        frontier::model::importOnnx(frontier::fuzz::writeScratch(data, size, ".onnx"));
    } catch (const frontier::Error &) {
    }
    return 0;
}
