#pragma once

// Function-level instruction-set targets for the numeric kernels. The project is compiled
// for the x86-64 baseline; a kernel written for a wider instruction set carries one of
// these attributes and is called only when common/cpu.h says the CPU has it and that path
// is active. GCC's <immintrin.h> declares every intrinsic whatever the -m flags.
//
// GCC 12 reports false (maybe-)uninitialized warnings inside its own AVX-512 intrinsics
// (GCC bug 105593, fixed in 12.3/13); they are silenced for the translation units that
// include this header, as model/layers/eigen.h does for Eigen.

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

#include <immintrin.h>

#define FRONTIER_TARGET_AVX2 __attribute__((target("avx2,fma,bmi2,popcnt")))
#define FRONTIER_TARGET_AVX512                                                                     \
    __attribute__((target("avx2,fma,bmi2,popcnt,avx512f,avx512bw,avx512dq,avx512vl")))
#define FRONTIER_TARGET_AVX512_VNNI                                                                \
    __attribute__((target("avx2,fma,bmi2,popcnt,avx512f,avx512bw,avx512dq,avx512vl,avx512vnni")))
#define FRONTIER_TARGET_AVX512_VPOPCNTDQ                                                           \
    __attribute__((                                                                                \
        target("avx2,fma,bmi2,popcnt,avx512f,avx512bw,avx512dq,avx512vl,avx512vpopcntdq")))
