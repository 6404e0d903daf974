#pragma once

// Which instruction-set path the hot kernels run.
//
// Frontier is compiled for the x86-64 baseline, so one binary runs on any x86-64 machine;
// the hot kernels (fp32 GEMM, im2col and pooling, integer GEMM, stochastic-computing
// popcount, quantisation) are compiled a second and third time for AVX2+FMA and
// AVX-512, and one of the three is picked at run time from CPUID, as MLAS, oneDNN and
// OpenBLAS's DYNAMIC_ARCH do. Every path computes each output element with the same
// sequence of roundings, so results are the same bits on every path
// (docs/decisions/0007-runtime-isa-dispatch.md).
//
// FRONTIER_ISA=portable|avx2|avx512 forces a path (refused when the CPU lacks it);
// setActiveIsa() does the same for one process (tests, benchmarks).

#include <string>
#include <string_view>
#include <vector>

namespace frontier::cpu {

enum class Isa {
    Portable = 0, // x86-64 baseline (SSE2), std::fma where the contract fuses
    Avx2 = 1,     // AVX2 + FMA (Haswell, Zen 1 and later)
    Avx512 = 2,   // AVX-512 F, BW, DQ, VL (Skylake-SP, Zen 4 and later)
};

// What this CPU (and its operating system) supports.
struct Features
{
    bool avx2 = false;       // AVX2 and FMA, with YMM state enabled
    bool avx512 = false;     // AVX-512 F/BW/DQ/VL, with ZMM state enabled
    bool avx512vnni = false; // VPDPBUSD (integer GEMM)
    bool avx512vpopcntdq = false;
    bool popcnt = false;
    std::string brand; // e.g. "AMD EPYC 9B14"
};
const Features &features();

// The widest path this CPU supports.
Isa bestIsa();
bool supports(Isa isa);
// Every path this CPU supports, portable first.
std::vector<Isa> supportedIsas();

// The path the kernels run now: FRONTIER_ISA if set (read once), otherwise bestIsa().
// Throws frontier::Error when FRONTIER_ISA names an unknown path or one the CPU lacks;
// checkEnvironment() reports that at start-up instead.
Isa activeIsa();

// Forces a path for this process. Throws frontier::Error if the CPU lacks it.
void setActiveIsa(Isa isa);

// "" when FRONTIER_ISA is unset or valid here, otherwise a one-line error message.
std::string checkEnvironment();

const char *isaName(Isa isa);
// "portable", "avx2", "avx512"; false for anything else.
bool parseIsa(std::string_view name, Isa &out);

// The dispatched kernel families, in the order reports list them: the fp32 GEMM, the
// convolution and pooling data movement (im2col, col2im, 2x2 max pooling), the integer
// GEMM, stochastic computing's stream generation and popcount, quantisation.
inline constexpr const char *kernelFamilies[]
    = {"sgemm", "conv", "int8gemm", "popcount", "quantize"};

// The kernel variant that runs for one family on the active path, for reports and
// project files, e.g. "avx512+vnni" for the integer GEMM.
std::string kernelName(std::string_view family);

// A one-line description of the active path: "avx2 (AMD EPYC …: avx2 fma)".
std::string describe();

// Restores the previous path when it goes out of scope (tests).
class ScopedIsa
{
public:
    explicit ScopedIsa(Isa isa);
    ~ScopedIsa();
    ScopedIsa(const ScopedIsa &) = delete;
    ScopedIsa &operator=(const ScopedIsa &) = delete;

private:
    Isa m_previous;
};

} // namespace frontier::cpu
