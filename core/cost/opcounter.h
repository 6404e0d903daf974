#pragma once

#include "numeric/footprint.h"
#include "numeric/formatspec.h"

#include "model/model.h"

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::cost {

// What one layer does for one inference (one sample) in its format. Pure counts, no
// device: the same for every preset. Formulas per layer type: docs/cost-model.md.
struct LayerCounts
{
    std::string name;
    std::string type;
    // The format the layer computes in: its own for dense/conv, else inherited (see
    // countOperations()); fp32 for the float tail.
    numeric::FormatSpec format;
    bool floatTail = false; // no weighted layer reads this layer's output
    bool folded = false;    // BatchNorm folded into the preceding weighted layer
    bool view = false;      // flatten/reshape: no arithmetic, no data moved

    int64_t macs = 0;            // multiply-accumulates of dense/conv
    int64_t dotProducts = 0;     // their outputs (one dot product each)
    int64_t multiplies = 0;      // binary multiplies, one per MAC included (sc: none)
    int64_t additions = 0;       // binary additions, one per MAC included (sc: bias only)
    int64_t comparisons = 0;     // ReLU, clip, max-pool, softmax max
    int64_t activationEvals = 0; // exp / sigmoid / tanh evaluations
    int64_t scBitOps = 0;        // XNOR bit-operations = macs · L
    int64_t scCounterBits = 0;   // bits entering the parallel counters = macs · L
    int64_t scStreams = 0;       // bit-streams generated (inputs + weights)
    int64_t scStreamBits = 0;    // = scStreams · L

    int64_t weightCount = 0; // stored weight values read
    int64_t biasCount = 0;   // stored bias / shift values read
    int64_t weightBits = 0;  // bits read for weights and biases
    int64_t activationBitsRead = 0;
    int64_t activationBitsWritten = 0;
    int64_t outputBits = 0; // size of the layer's output tensor (footprint)

    // The element-wise operations, i.e. those not part of a MAC.
    int64_t extraMultiplies() const;
    int64_t extraAdditions() const;
};

// The counts of a whole variant and its memory footprint (numeric::computeFootprint: the
// one definition of resident memory shared with the numeric engine and the store).
struct VariantCounts
{
    std::vector<LayerCounts> layers;
    int64_t weight_bytes = 0;         // parameters of all layers, ⌈bits / 8⌉
    int64_t peakActivation_bytes = 0; // peak of live activation tensors, ⌈bits / 8⌉
};

// Counts every layer of `model` for one inference. `formats` has one entry per layer, or
// exactly one for all layers; entries for layers without weights are ignored (as in
// numeric::FormatAssignment): such a layer computes in the format of the weighted layer
// upstream of it (or of the first weighted layer when there is none), and in fp32 when no
// weighted layer reads its output any more (the float tail, e.g. the final softmax).
// Tensor widths, parameter bits and BatchNorm folding are those of the footprint.
// Throws Error when the graph does not validate or the number of formats is wrong.
VariantCounts countOperations(const model::Model &model,
                              const std::vector<numeric::FormatSpec> &formats);

// Bytes of one input sample of `model` at `bitsPerElement` (e.g. 8 for raw pixels): the
// payload of offloading that input.
int64_t inputBytes(const model::Model &model, int bitsPerElement);

} // namespace frontier::cost
