#pragma once

// Eigen for the layer kernels, plus the row-major map types that match NCHW buffers.
//
// GCC 12 reports false (-Wmaybe-)uninitialized warnings inside its own AVX-512
// intrinsics when Eigen's packet code is inlined with -march=native (GCC bug 105593,
// fixed in 12.3/13); they are silenced for the translation units that include this header.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

#include <Eigen/Core>

namespace frontier::model::detail {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<RowMatrix>;
using ConstMatrixMap = Eigen::Map<const RowMatrix>;
using ArrayMap = Eigen::Map<Eigen::ArrayXf>;
using ConstArrayMap = Eigen::Map<const Eigen::ArrayXf>;

} // namespace frontier::model::detail
