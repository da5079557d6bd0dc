#pragma once
// Where a propagator saw particles leave: for each block of `rows_per_block`
// consecutive owned rows, how many now lie outside the rank's brick. With
// it, Migration looks for its leavers only in the blocks that have some,
// instead of reading every row's position again (a whole pass over memory
// in a step that is itself one pass: a third of the Brownian step on two
// ranks before it). Empty (no counts) when the propagator gives none.
#include <Kokkos_Core.hpp>
#include <cstddef>

#include "kernels/Particles.hpp"

namespace strata {

struct LeaverBlocks {
  Kokkos::View<int*, MemSpace> count;
  std::size_t rows_per_block = 0;

  // Whether it describes rows [0, rows) (blocks of the current row count).
  bool covers(std::size_t rows) const {
    return rows_per_block > 0 && count.extent(0) == (rows + rows_per_block - 1) / rows_per_block;
  }
};

}  // namespace strata
