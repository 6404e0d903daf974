#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace frontier::cost {

// A cost preset: one JSON file in resources/presets/ (schema in docs/cost-model.md),
// parsed and validated by loadPreset()/parsePreset() (presetlibrary.h). Value types, no
// Qt. Every number carries where it comes from. Units are in the key names.

// One number of a preset with its provenance.
struct Quantity
{
    enum class Kind { Measured, Cited, Estimate };

    double value = 0;
    Kind kind = Kind::Estimate;
    std::string source; // a key of Preset::sources
    std::string note;   // optional: derivation or reason
};

// "measured", "cited" or "estimate".
const char *kindName(Quantity::Kind kind);

// One anchor of an energy-per-operation table: an integer operation of `bits`, or a
// float operation of `exponentBits`/`mantissaBits` (mantissa without the hidden bit).
struct EnergyAnchor
{
    int bits = 0;
    int exponentBits = 0;
    int mantissaBits = 0;
    Quantity energy_pj;
};

// Energy per arithmetic operation (ASIC-style presets). Anchors are sorted by the
// interpolation feature (energytable.h). All energies in pJ per operation.
struct ArithmeticSpec
{
    std::vector<EnergyAnchor> intAdd_pj;
    std::vector<EnergyAnchor> intMul_pj;
    std::vector<EnergyAnchor> floatAdd_pj;
    std::vector<EnergyAnchor> floatMul_pj;
    std::vector<EnergyAnchor> scGenerate_pj; // per generated stream bit, by resolution k
    Quantity scXnor_pj;                      // per XNOR bit-operation
    Quantity scCounter_pj;                   // per bit entering the parallel counter
    Quantity activationFunction_pj;          // per exp / sigmoid / tanh evaluation
};

// One level of the memory hierarchy. Absent optional costs are zero (for cycle-based
// devices such access costs are already inside the cycles per MAC).
struct MemoryLevel
{
    std::string name; // "sram8k", "dram", "flash", ...
    std::string kind; // register | sram | dram | flash | fram
    bool holdsWeights = false;
    bool holdsActivations = false;
    std::optional<Quantity> size_bytes; // absent: unbounded
    std::optional<Quantity> read_pjPerBit;
    std::optional<Quantity> write_pjPerBit;
    std::optional<Quantity> readCyclesPerByte;
    std::optional<Quantity> writeCyclesPerByte;
    std::optional<Quantity> transfer_bytes;  // block size of one transfer (DMA)
    std::optional<Quantity> readTransfer_pj; // fixed cost per block read
    std::optional<Quantity> readTransferCycles;
    std::optional<Quantity> writeTransfer_pj; // fixed cost per block written
    std::optional<Quantity> writeTransferCycles;
};

// Cycles (and optionally energy) of multiply-accumulates in one format class. For the
// "sc" class the figures are per MAC bit-cycle (one XNOR plus one counted bit).
struct MacTiming
{
    Quantity cycles;                      // per MAC
    std::optional<Quantity> dotCycles;    // fixed per dot product (vector-unit call)
    std::optional<Quantity> energy_pj;    // per MAC; absent: active power × time
    std::optional<Quantity> dotEnergy_pj; // fixed per dot product
};

// Cycles (and optionally energy) of one element-wise operation.
struct OpTiming
{
    Quantity cycles;
    std::optional<Quantity> energy_pj; // absent: from the arithmetic table or power × time
};

// A compute target: an ASIC with an energy table, a microcontroller, an intermittent
// platform.
struct DeviceSpec
{
    Quantity clock_mhz;
    std::optional<Quantity> active_mw; // charged for operations without an explicit energy
    Quantity idle_mw;                  // while waiting (offload)
    std::optional<Quantity> sleep_mw;
    std::optional<Quantity> leakage_mw; // static power charged over the inference latency
    std::optional<ArithmeticSpec> arithmetic;
    std::vector<MemoryLevel> memories;
    // Keys: fp32, fp64, fp16, bf16, fp8e4m3, ..., minifloat, int4, int8, int16, int32, sc.
    std::map<std::string, MacTiming> mac;
    // Keys: add, mul, compare, activation_function, sc_generate (per stream bit).
    std::map<std::string, OpTiming> ops;
};

// A radio link between the device and a remote server.
struct LinkSpec
{
    Quantity uplink_kbps;
    Quantity downlink_kbps;
    Quantity rtt_ms;
    std::optional<Quantity> tx_mw;            // radio power while sending
    std::optional<Quantity> rx_mw;            // radio power while receiving
    std::optional<Quantity> txNjPerByte;      // instead of tx_mw
    std::optional<Quantity> rxNjPerByte;      // instead of rx_mw
    std::optional<Quantity> listen_mw;        // radio power while waiting for the answer
    std::optional<Quantity> overhead_bytes;   // protocol overhead per packet
    std::optional<Quantity> maxPayload_bytes; // payload per packet (absent: unlimited)
    std::optional<Quantity> dutyCycle;        // fraction of time allowed on air (LoRa)
    std::optional<Quantity> setup_ms;         // wake-up / connection per offload
    std::optional<Quantity> setup_uj;
};

// A remote server answering offloaded samples.
struct ServerSpec
{
    Quantity latency_ms;               // per inference
    std::optional<Quantity> energy_mj; // per inference (server side, not the device's)
};

struct Preset
{
    std::string name;        // equals the file's base name
    std::string type;        // device | link | server
    std::string description; // one line
    std::string path;        // the file it was read from (empty when parsed from text)
    std::map<std::string, std::string> sources; // id -> citation or reason

    std::optional<DeviceSpec> device;
    std::optional<LinkSpec> link;
    std::optional<ServerSpec> server;
    // Constants of an intermittently powered platform (capacitor_mf, v_on, ...), by key.
    std::map<std::string, Quantity> intermittent;

    // Every number of the preset by its key path ("device.arithmetic.int_mul_pj[0]"), in
    // file order: what `frontier presets show` prints.
    std::vector<std::pair<std::string, Quantity>> values;

    // "<path>" or "preset <name>": the `where` of errors about this preset.
    std::string where() const;
};

} // namespace frontier::cost
