# Kernels compiled once per instruction-set path (docs/decisions/0007-runtime-isa-dispatch.md).
#
#   frontier_isa_kernels(TARGET SOURCES...)
#
# compiles each source three times, with FRONTIER_ISA_NS set to portable, avx2 and avx512
# and the matching -m flags, and adds the objects to TARGET. A source defines its entry
# points in namespace ...::FRONTIER_ISA_NS; the caller picks one with cpu::activeIsa().
# Such sources may not define inline functions of external linkage (standard containers,
# algorithms): the linker keeps one copy of those, which could be the AVX-512 one.
# tests/isa/check-kernel-objects.sh checks that their objects define no weak symbols.

set(FRONTIER_ISA_FLAGS_portable "")
set(FRONTIER_ISA_FLAGS_avx2 -mavx2 -mfma -mbmi2 -mpopcnt -mf16c)
set(FRONTIER_ISA_FLAGS_avx512 -mavx2 -mfma -mbmi2 -mpopcnt -mf16c
    -mavx512f -mavx512bw -mavx512dq -mavx512vl)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 12.3)
    # GCC 12.2's SLP vectoriser miscompiles constant initialiser lists with AVX-512
    # (docs/decisions/0004-gcc-slp-workaround.md).
    list(APPEND FRONTIER_ISA_FLAGS_avx512 -fno-tree-slp-vectorize)
endif()

set_property(GLOBAL PROPERTY FRONTIER_ISA_OBJECT_LIBRARIES "")

function(frontier_isa_kernels target)
    foreach(isa portable avx2 avx512)
        set(lib ${target}_kernels_${isa})
        add_library(${lib} OBJECT ${ARGN})
        target_compile_definitions(${lib} PRIVATE FRONTIER_ISA_NS=${isa})
        target_compile_options(${lib} PRIVATE ${FRONTIER_ISA_FLAGS_${isa}})
        target_link_libraries(${lib} PRIVATE frontier::options)
        # Header-only helpers of core (common/detmath.h: the portable fused multiply-add).
        target_include_directories(${lib} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
        set_target_properties(${lib} PROPERTIES POSITION_INDEPENDENT_CODE ON)
        target_sources(${target} PRIVATE $<TARGET_OBJECTS:${lib}>)
        set_property(GLOBAL APPEND PROPERTY FRONTIER_ISA_OBJECT_LIBRARIES ${lib})
    endforeach()
endfunction()
