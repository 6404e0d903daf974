// A preloadable library that makes this process see a CPU with fewer instruction sets than
// the one it runs on, so that an AVX-512 host can stand in for an AVX2-only (or a pre-AVX2)
// machine: for Frontier's own dispatch (tests/isa/CMakeLists.txt) and for another engine
// measured beside it (bench/compare-ort.sh --cpu-mask, ONNX Runtime's MLAS).
//
//   FRONTIER_CPUID_MASK=avx2|portable LD_PRELOAD=libfrontier_cpuidmask.so COMMAND...
//
// avx2 clears every AVX-512 and AMX feature bit of CPUID leaf 7 (what an AVX2+FMA laptop
// core reports); portable also clears AVX, FMA, F16C and AVX2 (leaves 1 and 7). The
// library turns on the kernel's CPUID faulting (arch_prctl ARCH_SET_CPUID, Intel CPUs and
// KVM guests that pass it on: /proc/cpuinfo flag cpuid_fault) before the program's own
// constructors run; every CPUID instruction then traps with SIGSEGV, and the handler
// executes it with faulting off, masks the answer and steps over the instruction. Threads
// inherit the setting; execve clears it, so child processes need LD_PRELOAD too (it is
// inherited through the environment). SIGSEGV handlers the program installs later are
// kept and called for every other fault.
//
// Where CPUID faulting is unavailable the library prints one line and exits with status
// 77 (the skip code of the tests that use it) rather than run the program unmasked.
//
// Instructions already executed by the dynamic loader (glibc's own string-function
// dispatch) are not masked; libgcc's __builtin_cpu_supports, ONNX Runtime and V8 ask
// later and are.

#include <asm/prctl.h>
#include <cpuid.h>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

namespace {

enum class Mask { Avx2, Portable };

Mask g_mask = Mask::Avx2;
struct sigaction g_next = {}; // the program's own SIGSEGV handler, if any

using SigactionFn = int (*)(int, const struct sigaction *, struct sigaction *);

SigactionFn realSigaction()
{
    static SigactionFn fn = reinterpret_cast<SigactionFn>(dlsym(RTLD_NEXT, "sigaction"));
    return fn;
}

bool setFaulting(bool on)
{
    return syscall(SYS_arch_prctl, ARCH_SET_CPUID, on ? 0 : 1) == 0;
}

void maskLeaf(unsigned leaf, unsigned subleaf, unsigned &eax, unsigned &ebx, unsigned &ecx,
              unsigned &edx)
{
    if (leaf == 7 && subleaf == 0) {
        // EBX: AVX512F 16, DQ 17, IFMA 21, PF 26, ER 27, CD 28, BW 30, VL 31.
        ebx &= ~((1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) | (1u << 28)
                 | (1u << 30) | (1u << 31));
        // ECX: VBMI 1, VBMI2 6, VNNI 11, BITALG 12, VPOPCNTDQ 14.
        ecx &= ~((1u << 1) | (1u << 6) | (1u << 11) | (1u << 12) | (1u << 14));
        // EDX: 4VNNIW 2, 4FMAPS 3, VP2INTERSECT 8, AMX-BF16 22, FP16 23, AMX-TILE 24, AMX-INT8 25.
        edx &= ~((1u << 2) | (1u << 3) | (1u << 8) | (1u << 22) | (1u << 23) | (1u << 24)
                 | (1u << 25));
        if (g_mask == Mask::Portable)
            ebx &= ~(1u << 5); // AVX2
    } else if (leaf == 7 && subleaf == 1) {
        eax &= ~(1u << 5); // AVX512_BF16
        if (g_mask == Mask::Portable)
            eax &= ~(1u << 4); // AVX-VNNI
    } else if (leaf == 1 && g_mask == Mask::Portable) {
        ecx &= ~((1u << 12) | (1u << 28) | (1u << 29)); // FMA, AVX, F16C
    }
}

void onSegv(int sig, siginfo_t *info, void *context)
{
    auto *uc = static_cast<ucontext_t *>(context);
    greg_t *regs = uc->uc_mcontext.gregs;
    const auto *ip = reinterpret_cast<const unsigned char *>(regs[REG_RIP]);
    if (info->si_code == SI_KERNEL && ip[0] == 0x0f && ip[1] == 0xa2) {
        const unsigned leaf = unsigned(regs[REG_RAX]);
        const unsigned subleaf = unsigned(regs[REG_RCX]);
        unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
        setFaulting(false);
        __cpuid_count(leaf, subleaf, eax, ebx, ecx, edx);
        setFaulting(true);
        maskLeaf(leaf, subleaf, eax, ebx, ecx, edx);
        regs[REG_RAX] = greg_t(eax); // CPUID zero-extends into the 64-bit registers
        regs[REG_RBX] = greg_t(ebx);
        regs[REG_RCX] = greg_t(ecx);
        regs[REG_RDX] = greg_t(edx);
        regs[REG_RIP] += 2;
        return;
    }
    if (g_next.sa_flags & SA_SIGINFO) {
        if (g_next.sa_sigaction) {
            g_next.sa_sigaction(sig, info, context);
            return;
        }
    } else if (g_next.sa_handler != SIG_DFL && g_next.sa_handler != SIG_IGN) {
        g_next.sa_handler(sig);
        return;
    }
    // A real fault: die of it, with the default action, when the instruction runs again.
    struct sigaction dfl = {};
    dfl.sa_handler = SIG_DFL;
    realSigaction()(SIGSEGV, &dfl, nullptr);
}

void install()
{
    struct sigaction sa = {};
    sa.sa_sigaction = onSegv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    realSigaction()(SIGSEGV, &sa, nullptr);
}

__attribute__((constructor)) void start()
{
    const char *mask = std::getenv("FRONTIER_CPUID_MASK");
    if (mask && std::strcmp(mask, "portable") == 0) {
        g_mask = Mask::Portable;
    } else if (mask && *mask && std::strcmp(mask, "avx2") != 0) {
        std::fprintf(stderr,
                     "libfrontier_cpuidmask: FRONTIER_CPUID_MASK='%s' (expected avx2 "
                     "or portable)\n",
                     mask);
        std::_Exit(2);
    }
    install();
    if (!setFaulting(true)) {
        std::fprintf(stderr, "libfrontier_cpuidmask: this kernel or CPU has no CPUID faulting "
                             "(arch_prctl ARCH_SET_CPUID); cannot mask instruction sets\n");
        std::_Exit(77);
    }
}

} // namespace

// The program's SIGSEGV handler becomes the one called for faults that are not CPUID.
extern "C" int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    if (sig != SIGSEGV)
        return realSigaction()(sig, act, old);
    if (old)
        *old = g_next;
    if (act)
        g_next = *act;
    return 0;
}
