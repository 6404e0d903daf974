#pragma once

// AVX-512 intrinsics for the numeric kernels (compile-time choice: -march=native on a
// machine with AVX-512). GCC 12 reports false (maybe-)uninitialized warnings inside its
// own AVX-512 intrinsics (GCC bug 105593, fixed in 12.3/13); they are silenced for the
// translation units that include this header, as model/layers/eigen.h does for Eigen.

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

#if defined(__AVX512F__)
#include <immintrin.h>
#endif
