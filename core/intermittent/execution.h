#pragma once

#include "platform.h"
#include "program.h"

#include "model/model.h"

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::intermittent {

// How a network runs on an intermittent device (the iNAS execution model, REFERENCE.md
// §3a, docs/intermittent.md): every conv, dense and pooling layer is cut into tiles that
// fit the volatile SRAM; a tile is DMA'd in from FRAM, computed by the vector unit (LEA),
// and its outputs or partial sums DMA'd back to FRAM. Consecutive tiles are grouped into
// atomic tasks, committed by writing the loop indices to FRAM.

// The number format of the data the device moves. The LEA computes in Q15 only:
//   Q15   16-bit fixed point (q1.15, int16, any 9..16-bit integer or fixed-point format)
//   Int8  8-bit values stored packed two to a FRAM word (half the DMA words), widened to
//         Q15 in place in SRAM before the LEA reads them (int2..int8, q<m>.<n> up to 8 bits)
enum class DataFormat { Q15, Int8 };
const char *dataFormatName(DataFormat format); // "q15", "int8"
// From a format name (numeric::parseFormat): Q15 for 9..16-bit integer or fixed-point
// formats, Int8 for 2..8 bits. Throws Error(where, "key 'format': ...") for others.
DataFormat dataFormatOf(const std::string &formatName, const std::string &where);

// One layer the device executes. Conv: m output channels and n input channels per group,
// output r x c, kernel kh x kw, stride; dense: a 1x1 conv on a 1x1 image; pool: m = n
// channels, window kh x kw. Element-wise layers that follow (relu, clip, softmax's argmax,
// ...) are fused into the outputs: `fusedCompares` / `fusedActivations` per output value.
struct ExecLayer
{
    enum class Kind { Conv, Dense, Pool };
    std::string name;
    Kind kind = Kind::Conv;
    int m = 1, n = 1, groups = 1;
    int r = 1, c = 1;
    int kh = 1, kw = 1, stride = 1;
    bool maxPool = true; // pool: max (else average)
    int fusedCompares = 0;
    int fusedActivations = 0;

    int inRows(int tr) const { return (tr - 1) * stride + kh; } // input rows of tr outputs
    int inCols() const { return (c - 1) * stride + kw; }
    int64_t macs() const; // per inference
    int64_t weights() const;
    int64_t outputs() const { return int64_t(m) * groups * r * c; }
};

// The layers of `model` in execution order: every head's stage in turn. Throws
// Error(where, "layer '<name>': ...") for layers the execution model does not know
// (residual adds, batch norm that is not after a weighted layer, ...).
std::vector<ExecLayer> executionLayers(const model::Model &model, const std::string &where);

// What a sample that leaves at a head runs, head by head: stage h holds the layers head h
// needs that no earlier head needs (an early-exit model: the backbone block and the exit
// branch; a plain model: one stage of every layer). A sample answered by head h runs
// stages 0..h back to back. Same errors as executionLayers.
struct ExecStage
{
    std::string head;
    std::vector<ExecLayer> layers;
};
std::vector<ExecStage> executionStages(const model::Model &model, const std::string &where);

// Inter-tile loop order (outermost to innermost): what stays in SRAM between tiles.
//   ReuseOutputs  m, r, n: the partial sum stays; inputs and weights are refetched
//   ReuseInputs   r, n, m: the input tile stays; weights and partial sums change
//   ReuseWeights  m, n, r: the weight tile stays; inputs and partial sums change
enum class LoopOrder { ReuseOutputs, ReuseInputs, ReuseWeights };
const char *loopOrderName(LoopOrder order); // "reuse_O", "reuse_I", "reuse_W"

// A layer's tiling: tm | m output channels, tr | r output rows, tn | n input channels (tn
// even unless tn = n; pool: tn = tm), the full output width; `tilesPerTask` consecutive
// tiles of the innermost loop form one atomic task (it divides that loop's count);
// tilesPerTask = 0 makes the whole layer one task (checkpoints at layer boundaries only).
struct Tiling
{
    int tm = 1, tr = 1, tn = 1;
    LoopOrder order = LoopOrder::ReuseOutputs;
    int tilesPerTask = 1;

    bool operator==(const Tiling &) const = default;
    std::string label() const; // "tm=4 tr=1 tn=8 reuse_O S=2"
};

// Whether the tile sizes divide the layer and the loop count is divided by tilesPerTask.
bool validTiling(const ExecLayer &layer, const Tiling &tiling);
// SRAM for the input tile, the weight tile and the output slots (one partial-sum tile for
// ReuseOutputs, tilesPerTask of them otherwise), 2 bytes per value (int8 is widened in
// place), + the loop indices.
int64_t sramBytes(const ExecLayer &layer, const Tiling &tiling, const Platform &platform);
// Iterations of the innermost loop (what tilesPerTask must divide).
int innerCount(const ExecLayer &layer, const Tiling &tiling);

// Every valid tiling (all loop orders and tasks sizes) that fits the platform's SRAM.
std::vector<Tiling> tilingsThatFit(const ExecLayer &layer, const Platform &platform);

// The compute energy and time of the whole layer under the tiling (no data movement): a
// lower bound of any configuration with these tiles, whatever the loop order.
TaskCost computeBound(const ExecLayer &layer, const Tiling &tiling, DataFormat format,
                      const Platform &platform);

// Appends the tasks of one layer to `program` (Task::layer = layerIndex).
void appendLayerTasks(const ExecLayer &layer, int layerIndex, const Tiling &tiling,
                      DataFormat format, const Platform &platform, Program &program);

// A whole configuration: the format, and a tiling per layer.
struct Configuration
{
    std::string name; // "naive", "per-task", "searched"
    DataFormat format = DataFormat::Q15;
    std::vector<Tiling> tilings;
};

// The program of a configuration (one tiling per layer). Throws Error(where, ...) naming
// the layer whose tiling is invalid or does not fit SRAM.
Program buildProgram(const std::vector<ExecLayer> &layers, const Configuration &config,
                     const Platform &platform, const std::string &where);

} // namespace frontier::intermittent
