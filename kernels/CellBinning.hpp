#pragma once
// Cell binning of rows by position, shared by the neighbour list (owned and
// ghost rows) and the spatial sort (owned rows).
#include <Kokkos_Core.hpp>

#include "kernels/Particles.hpp"

namespace strata {

// Sorts rows [0, n_total) into cells: cells[0] x cells[1] x cells[2] cells
// of width `size` from `lo`, numbered x fastest (positions outside go to the
// nearest cell); rows of cell c end up in rows(offset(c) .. offset(c + 1)),
// in increasing row order on every backend (the atomic fill is followed by a
// sort of each cell), and row_cell(i) is row i's cell. `count` must hold
// zeros for every cell and is used as scratch; offset needs one entry more
// than there are cells. A free function because CUDA allows device lambdas
// only in public scope.
void bin_rows(const Vec3View& position, int n_total, const int cells[3], const double lo[3], const double size[3],
              const Kokkos::View<int*, MemSpace>& count, const Kokkos::View<int*, MemSpace>& offset,
              const Kokkos::View<int*, MemSpace>& rows, const Kokkos::View<int*, MemSpace>& row_cell);

}  // namespace strata
