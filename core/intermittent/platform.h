#pragma once

#include "power.h"

#include "cost/preset.h"

#include <cstdint>
#include <string>

namespace frontier::intermittent {

// A linear cost a·n + b of an operation on n words (or n vector elements): energy in J,
// time in CPU cycles.
struct LinearCost
{
    double perItem_J = 0;
    double fixed_J = 0;
    double perItemCycles = 0;
    double fixedCycles = 0;

    double energy_J(double n) const { return perItem_J * n + fixed_J; }
    double cycles(double n) const { return perItemCycles * n + fixedCycles; }
};

// A scalar CPU operation: energy in J and CPU cycles.
struct ScalarCost
{
    double energy_J = 0;
    double cycles = 0;
};

// An intermittently powered microcontroller with a vector unit fed by DMA from
// non-volatile memory: the iNAS cost model of the MSP430FR5994 (REFERENCE.md §3), read
// from a device preset (resources/presets/msp430fr5994.json):
//   dmaRead   DMA FRAM→SRAM of n 16-bit words: the FRAM level's read_pj_per_bit·16 and
//             read_cycles_per_byte·2 per word, read_transfer_pj / _cycles per transfer
//   dmaWrite  DMA SRAM→FRAM likewise from the write_ keys
//   vmac      LEA vector MAC of length n: mac.int16 pj and cycles per element, dot_pj and
//             dot_cycles per call
//   add, mul, compare, divide  device.ops add, mul, compare, activation_function
//   reboot, sram, capacitor, harvester  the preset's `intermittent` section
//   indexWords  loop indices fetched after a reboot and written with every checkpoint
//   unpackInt8  per int8 element: the CPU widening packed bytes to Q15 for the LEA
// Throws Error naming the preset file and the missing key.
struct Platform
{
    std::string name;
    std::string where; // the preset file
    double clock_Hz = 16e6;
    LinearCost dmaRead;
    LinearCost dmaWrite;
    LinearCost vmac;
    ScalarCost add;
    ScalarCost mul;
    ScalarCost compare;
    ScalarCost divide;
    ScalarCost unpackInt8;
    double reboot_J = 77.88e-6;
    double reboot_s = 0.07;
    int64_t sram_bytes = 3696;
    int64_t nvm_bytes = 1 << 20;
    int indexWords = 4;
    Capacitor capacitor;
    Harvester harvester; // the preset's RC harvester

    double seconds(double cycles) const { return cycles / clock_Hz; }

    static Platform fromPreset(const cost::Preset &preset);
    static Platform load(const std::string &nameOrPath); // cost::loadPreset + fromPreset
};

} // namespace frontier::intermittent
