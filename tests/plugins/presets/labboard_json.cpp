// The lab-h7 preset the cost-preset test plugins share (the cortex-m7 preset at twice the
// clock); presetclash and badpreset derive theirs from it.
#include <string>

namespace {

const char *const kLabBoard = R"JSON({
  "schema": 1,
  "name": "lab-h7",
  "type": "device",
  "description": "Cortex-M7 at 432 MHz (a lab board; the cortex-m7 preset at twice the clock) with double-precision FPU; all figures estimates",
  "sources": {
    "est-m7": "Estimate, no measurement cited: an STM32F7-class Cortex-M7 at 216 MHz, 3.3 V, dual-issue pipeline with caches and a double-precision FPU (FPv5-D16); run-mode power of the order of 75 mA at 3.3 V from vendor datasheets; cycles per MAC from dual issue of loads with SMLAD/VFMA as used by CMSIS-NN; weights in flash behind the cache, activations in SRAM."
  },
  "device": {
    "clock_mhz": {"value": 432, "kind": "estimate", "source": "est-m7", "note": "the class's nominal clock"},
    "active_mw": {"value": 250, "kind": "estimate", "source": "est-m7", "note": "about 75 mA at 3.3 V"},
    "idle_mw": {"value": 50, "kind": "estimate", "source": "est-m7", "note": "sleep mode with clocks running"},
    "sleep_mw": {"value": 0.5, "kind": "estimate", "source": "est-m7", "note": "stop mode"},
    "memories": [
      {"name": "sram", "kind": "sram", "holds": ["activations"], "size_bytes": {"value": 327680, "kind": "estimate", "source": "est-m7"}},
      {"name": "flash", "kind": "flash", "holds": ["weights"], "size_bytes": {"value": 1048576, "kind": "estimate", "source": "est-m7"}}
    ],
    "mac": {
      "fp32": {
        "cycles": {"value": 1.5, "kind": "estimate", "source": "est-m7", "note": "dual-issued load and VFMA"},
        "dot_cycles": {"value": 10, "kind": "estimate", "source": "est-m7", "note": "loop set-up, bias and requantization per output"}
      },
      "fp64": {
        "cycles": {"value": 3, "kind": "estimate", "source": "est-m7", "note": "double-precision VFMA"},
        "dot_cycles": {"value": 10, "kind": "estimate", "source": "est-m7", "note": "loop set-up, bias and requantization per output"}
      },
      "fp16": {
        "cycles": {"value": 3, "kind": "estimate", "source": "est-m7", "note": "VCVT half-to-single, then fp32"},
        "dot_cycles": {"value": 10, "kind": "estimate", "source": "est-m7", "note": "loop set-up, bias and requantization per output"}
      },
      "minifloat": {
        "cycles": {"value": 8, "kind": "estimate", "source": "est-m7", "note": "software unpack, then fp32"},
        "dot_cycles": {"value": 10, "kind": "estimate", "source": "est-m7", "note": "loop set-up, bias and requantization per output"}
      },
      "int8": {
        "cycles": {"value": 0.6, "kind": "estimate", "source": "est-m7", "note": "SXTB16 + SMLAD, dual issue"},
        "dot_cycles": {"value": 10, "kind": "estimate", "source": "est-m7", "note": "loop set-up, bias and requantization per output"}
      },
      "int16": {
        "cycles": {"value": 0.5, "kind": "estimate", "source": "est-m7", "note": "SMLAD on packed pairs"},
        "dot_cycles": {"value": 10, "kind": "estimate", "source": "est-m7", "note": "loop set-up, bias and requantization per output"}
      },
      "int32": {
        "cycles": {"value": 1.5, "kind": "estimate", "source": "est-m7", "note": "MLA with loads"},
        "dot_cycles": {"value": 10, "kind": "estimate", "source": "est-m7", "note": "loop set-up, bias and requantization per output"}
      },
      "sc": {
        "cycles": {"value": 0.3, "kind": "estimate", "source": "est-m7", "note": "per bit-cycle: XNOR and software popcount"},
        "dot_cycles": {"value": 10, "kind": "estimate", "source": "est-m7", "note": "loop set-up, bias and requantization per output"}
      }
    },
    "ops": {
      "add": {
        "cycles": {"value": 0.5, "kind": "estimate", "source": "est-m7", "note": "dual issue"}
      },
      "mul": {
        "cycles": {"value": 0.5, "kind": "estimate", "source": "est-m7", "note": "dual issue"}
      },
      "compare": {
        "cycles": {"value": 0.5, "kind": "estimate", "source": "est-m7", "note": "dual issue"}
      },
      "activation_function": {
        "cycles": {"value": 40, "kind": "estimate", "source": "est-m7", "note": "expf in software"}
      },
      "sc_generate": {
        "cycles": {"value": 3, "kind": "estimate", "source": "est-m7", "note": "LFSR step and compare per stream bit"}
      }
    }
  }
}
)JSON";

// Replaces the first `from` in `text` by `to`.
std::string replaced(std::string text, const std::string &from, const std::string &to)
{
    const size_t at = text.find(from);
    return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

} // namespace

// The lab board under another name and clock (a name clash, a negative clock: the
// presets of presetclash and badpreset).
std::string labBoardJson(const std::string &name, const std::string &clockMhz)
{
    const std::string named = replaced(kLabBoard, "\"name\": \"lab-h7\"",
                                       std::string("\"name\": \"").append(name).append("\""));
    return replaced(named, "\"clock_mhz\": {\"value\": 432",
                    std::string("\"clock_mhz\": {\"value\": ").append(clockMhz));
}
