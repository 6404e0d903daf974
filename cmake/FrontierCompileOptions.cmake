# Common compile settings, applied per target through frontier_target_defaults().

add_library(frontier_options INTERFACE)
add_library(frontier::options ALIAS frontier_options)

target_compile_options(frontier_options INTERFACE -Wall -Wextra -Wpedantic)
# Results must be the same bits on every machine (docs/decisions/0007): the compiler may not
# fuse a multiply and an add on its own, whatever the -m flags of a translation unit.
target_compile_options(frontier_options INTERFACE -ffp-contract=off)
# Nothing reads errno after a math function; without it sqrt vectorises (same results).
target_compile_options(frontier_options INTERFACE -fno-math-errno)
if(FRONTIER_WERROR)
    target_compile_options(frontier_options INTERFACE -Werror)
endif()
target_compile_definitions(frontier_options INTERFACE
    QT_NO_KEYWORDS                 # oneTBB's headers use the identifier 'emit'
    EIGEN_DONT_PARALLELIZE         # oneTBB owns the threads
    QT_NO_CAST_FROM_BYTEARRAY
    QT_USE_QSTRINGBUILDER
    FRONTIER_VERSION="${PROJECT_VERSION}")
# The x86-64 baseline by default: one binary runs on any x86-64 machine, and the hot
# kernels carry their own AVX2 and AVX-512 versions, picked at run time (common/cpu.h,
# cmake/FrontierIsaKernels.cmake).
if(FRONTIER_NATIVE)
    target_compile_options(frontier_options INTERFACE -march=native)
    # GCC 12.2's SLP vectoriser miscompiles constant initialiser lists with AVX-512
    # ({1, 1, 0, 0} becomes {1, 1, 1, 1}; see docs/decisions/0004-gcc-slp-workaround.md).
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 12.3)
        target_compile_options(frontier_options INTERFACE -fno-tree-slp-vectorize)
    endif()
endif()
if(FRONTIER_SANITIZE)
    target_compile_options(frontier_options INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(frontier_options INTERFACE -fsanitize=address,undefined)
endif()

# Coverage for the libFuzzer targets of tests/fuzz/libfuzzer (clang only).
if(FRONTIER_LIBFUZZER AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_options(frontier_options INTERFACE -fsanitize=fuzzer-no-link)
endif()

# Eigen's and Qt's headers are system headers: their warnings are not ours.
set(CMAKE_NO_SYSTEM_FROM_IMPORTED OFF)
