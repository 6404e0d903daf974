#include "cpu.h"

#include "error.h"

#include <atomic>
#include <cpuid.h>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace frontier::cpu {

namespace {

std::string readBrand()
{
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(0x80000000u, &eax, &ebx, &ecx, &edx) || eax < 0x80000004u)
        return "unknown x86-64";
    char brand[49] = {};
    for (unsigned leaf = 0; leaf < 3; ++leaf) {
        __get_cpuid(0x80000002u + leaf, &eax, &ebx, &ecx, &edx);
        const unsigned regs[4] = {eax, ebx, ecx, edx};
        std::memcpy(brand + 16 * leaf, regs, 16);
    }
    std::string s(brand);
    const size_t first = s.find_first_not_of(' ');
    const size_t last = s.find_last_not_of(' ');
    return first == std::string::npos ? "unknown x86-64" : s.substr(first, last - first + 1);
}

Features detect()
{
    __builtin_cpu_init();
    Features f;
    // libgcc's checks include the operating system's XSAVE state (YMM, ZMM enabled).
    f.avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    f.avx512 = f.avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
               && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
    f.avx512vnni = f.avx512 && __builtin_cpu_supports("avx512vnni");
    f.avx512vpopcntdq = f.avx512 && __builtin_cpu_supports("avx512vpopcntdq");
    f.popcnt = __builtin_cpu_supports("popcnt");
    f.brand = readBrand();
    return f;
}

constexpr int unset = -1;
std::atomic<int> g_active{unset};
std::once_flag g_envOnce;
std::string g_envError;
int g_envIsa = unset;

void readEnvironment()
{
    std::call_once(g_envOnce, [] {
        const char *env = std::getenv("FRONTIER_ISA");
        if (!env || !*env)
            return;
        Isa isa;
        if (!parseIsa(env, isa)) {
            g_envError = "FRONTIER_ISA: unknown instruction-set path '" + std::string(env)
                         + "' (expected portable, avx2 or avx512)";
            return;
        }
        if (!supports(isa)) {
            g_envError = "FRONTIER_ISA: this CPU (" + features().brand + ") has no " + isaName(isa)
                         + " support; it runs up to " + isaName(bestIsa());
            return;
        }
        g_envIsa = int(isa);
    });
}

} // namespace

const Features &features()
{
    static const Features f = detect();
    return f;
}

Isa bestIsa()
{
    const Features &f = features();
    return f.avx512 ? Isa::Avx512 : f.avx2 ? Isa::Avx2 : Isa::Portable;
}

bool supports(Isa isa)
{
    return int(isa) <= int(bestIsa());
}

std::vector<Isa> supportedIsas()
{
    std::vector<Isa> out;
    for (Isa isa : {Isa::Portable, Isa::Avx2, Isa::Avx512}) {
        if (supports(isa))
            out.push_back(isa);
    }
    return out;
}

Isa activeIsa()
{
    const int active = g_active.load(std::memory_order_relaxed);
    if (active != unset)
        return Isa(active);
    readEnvironment();
    if (!g_envError.empty())
        throw Error(g_envError);
    const Isa isa = g_envIsa != unset ? Isa(g_envIsa) : bestIsa();
    int expected = unset;
    g_active.compare_exchange_strong(expected, int(isa));
    return Isa(g_active.load());
}

void setActiveIsa(Isa isa)
{
    if (!supports(isa)) {
        throw Error("instruction-set path", std::string("this CPU (") + features().brand
                                                + ") has no " + isaName(isa) + " support");
    }
    g_active.store(int(isa));
}

std::string checkEnvironment()
{
    readEnvironment();
    return g_envError;
}

const char *isaName(Isa isa)
{
    switch (isa) {
    case Isa::Portable:
        return "portable";
    case Isa::Avx2:
        return "avx2";
    case Isa::Avx512:
        return "avx512";
    }
    return "portable";
}

bool parseIsa(std::string_view name, Isa &out)
{
    for (Isa isa : {Isa::Portable, Isa::Avx2, Isa::Avx512}) {
        if (name == isaName(isa)) {
            out = isa;
            return true;
        }
    }
    return false;
}

std::string kernelName(std::string_view family)
{
    const Isa isa = activeIsa();
    const Features &f = features();
    std::string name = isaName(isa);
    if (family == "int8gemm" && isa == Isa::Avx512 && f.avx512vnni)
        name += "+vnni";
    if (family == "popcount" && isa == Isa::Avx512 && f.avx512vpopcntdq)
        name += "+vpopcntdq";
    return name;
}

std::string describe()
{
    const Features &f = features();
    std::string flags;
    auto add = [&](bool on, const char *name) {
        if (on)
            flags += flags.empty() ? name : std::string(" ") + name;
    };
    add(f.popcnt, "popcnt");
    add(f.avx2, "avx2 fma");
    add(f.avx512, "avx512f/bw/dq/vl");
    add(f.avx512vnni, "avx512vnni");
    add(f.avx512vpopcntdq, "avx512vpopcntdq");
    return std::string(isaName(activeIsa())) + " (" + f.brand + ": " + flags + ")";
}

ScopedIsa::ScopedIsa(Isa isa)
    : m_previous(activeIsa())
{
    setActiveIsa(isa);
}

ScopedIsa::~ScopedIsa()
{
    g_active.store(int(m_previous));
}

} // namespace frontier::cpu
