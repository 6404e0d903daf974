#include "platform.h"

#include "cost/presetlibrary.h"

#include "common/error.h"

namespace frontier::intermittent {

namespace {

const cost::Quantity &need(const std::optional<cost::Quantity> &q, const std::string &where,
                           const std::string &key)
{
    if (!q)
        throw Error(where, "key '" + key + "': missing (the intermittent simulator needs it)");
    return *q;
}

double intermittentValue(const cost::Preset &p, const std::string &key, double fallback,
                         bool required)
{
    const auto it = p.intermittent.find(key);
    if (it != p.intermittent.end())
        return it->second.value;
    if (required)
        throw Error(p.where(), "key 'intermittent." + key
                                   + "': missing (the intermittent simulator needs it)");
    return fallback;
}

ScalarCost scalar(const cost::DeviceSpec &d, const std::string &op, const std::string &where)
{
    const auto it = d.ops.find(op);
    if (it == d.ops.end())
        throw Error(where, "key 'device.ops." + op
                               + "': missing (the intermittent simulator "
                                 "needs it)");
    ScalarCost s;
    s.cycles = it->second.cycles.value;
    s.energy_J = need(it->second.energy_pj, where, "device.ops." + op + ".pj").value * 1e-12;
    return s;
}

} // namespace

Platform Platform::fromPreset(const cost::Preset &preset)
{
    const std::string where = preset.where();
    if (!preset.device)
        throw Error(where, "key 'type': the intermittent simulator needs a device preset");
    if (preset.intermittent.empty())
        throw Error(where, "key 'intermittent': missing (not an intermittent platform)");
    const cost::DeviceSpec &d = *preset.device;
    Platform p;
    p.name = preset.name;
    p.where = where;
    p.clock_Hz = d.clock_mhz.value * 1e6;

    const cost::MemoryLevel *fram = nullptr;
    for (const cost::MemoryLevel &m : d.memories)
        if (m.kind == "fram" || (m.kind == "flash" && !fram))
            fram = &m;
    if (!fram)
        throw Error(where, "key 'device.memories': no fram level for the DMA costs");
    const std::string key = "device.memories." + fram->name + ".";
    constexpr double bitsPerWord = 16, bytesPerWord = 2;
    p.dmaRead.perItem_J
        = need(fram->read_pjPerBit, where, key + "read_pj_per_bit").value * bitsPerWord * 1e-12;
    p.dmaRead.fixed_J = need(fram->readTransfer_pj, where, key + "read_transfer_pj").value * 1e-12;
    p.dmaRead.perItemCycles
        = need(fram->readCyclesPerByte, where, key + "read_cycles_per_byte").value * bytesPerWord;
    p.dmaRead.fixedCycles
        = need(fram->readTransferCycles, where, key + "read_transfer_cycles").value;
    p.dmaWrite.perItem_J
        = need(fram->write_pjPerBit, where, key + "write_pj_per_bit").value * bitsPerWord * 1e-12;
    p.dmaWrite.fixed_J
        = need(fram->writeTransfer_pj, where, key + "write_transfer_pj").value * 1e-12;
    p.dmaWrite.perItemCycles
        = need(fram->writeCyclesPerByte, where, key + "write_cycles_per_byte").value * bytesPerWord;
    p.dmaWrite.fixedCycles
        = need(fram->writeTransferCycles, where, key + "write_transfer_cycles").value;

    const auto lea = d.mac.find("int16");
    if (lea == d.mac.end())
        throw Error(where, "key 'device.mac.int16': missing (the vector MAC of the LEA)");
    p.vmac.perItemCycles = lea->second.cycles.value;
    p.vmac.fixedCycles = need(lea->second.dotCycles, where, "device.mac.int16.dot_cycles").value;
    p.vmac.perItem_J = need(lea->second.energy_pj, where, "device.mac.int16.pj").value * 1e-12;
    p.vmac.fixed_J = need(lea->second.dotEnergy_pj, where, "device.mac.int16.dot_pj").value * 1e-12;

    p.add = scalar(d, "add", where);
    p.mul = scalar(d, "mul", where);
    p.compare = scalar(d, "compare", where);
    p.divide = scalar(d, "activation_function", where);
    p.unpackInt8.cycles = intermittentValue(preset, "unpack_int8_cycles", p.add.cycles, false);
    p.unpackInt8.energy_J
        = intermittentValue(preset, "unpack_int8_nj", p.add.energy_J * 1e9, false) * 1e-9;
    p.indexWords = int(intermittentValue(preset, "index_words", 4, false));

    p.reboot_J = intermittentValue(preset, "reboot_uj", 0, true) * 1e-6;
    p.reboot_s = intermittentValue(preset, "reboot_ms", 0, true) * 1e-3;
    p.sram_bytes = int64_t(intermittentValue(preset, "sram_buffer_bytes", 0, true));
    p.nvm_bytes = int64_t(intermittentValue(preset, "nvm_bytes", 1e18, false));
    p.capacitor.capacitance_F = intermittentValue(preset, "capacitor_mf", 0, true) * 1e-3;
    p.capacitor.vOn_V = intermittentValue(preset, "v_on_v", 0, true);
    p.capacitor.vOff_V = intermittentValue(preset, "v_off_v", 0, true);
    p.capacitor.margin = intermittentValue(preset, "energy_margin", 1, false);
    const double supply = intermittentValue(preset, "supply_v", 0, true);
    p.capacitor.vMax_V = supply;
    p.harvester = Harvester::rc(supply, intermittentValue(preset, "harvester_ohm", 0, true));
    p.capacitor.validate(where, "intermittent.");
    return p;
}

Platform Platform::load(const std::string &nameOrPath)
{
    return fromPreset(cost::loadPreset(nameOrPath));
}

} // namespace frontier::intermittent
