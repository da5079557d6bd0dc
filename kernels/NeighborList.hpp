#pragma once
// Verlet neighbour list built from a cell binning of owned and ghost rows.
//
// Contract: build() reads positions of rows [0, n_total) (owned rows first,
// then ghosts, all inside [lo - 0, hi) of the binning box) and lists, for
// every owned row i, the rows j within `range` (cutoff + skin): owned j only
// when j > i (each owned pair once), every ghost j. Order within a list is
// deterministic on every backend: cells are visited in a fixed order and each
// cell's rows are sorted by row index after the (atomic) binning.
#include <Kokkos_Core.hpp>

#include "kernels/Particles.hpp"

namespace strata {

struct BinningBox {
  double lo[3];
  double hi[3];
};

class NeighborList {
 public:
  using Counts = Kokkos::View<int*, MemSpace>;
  using Neighbors = Kokkos::View<int**, Kokkos::LayoutRight, MemSpace>;

  void build(const Vec3View& position, int n_owned, int n_total, const BinningBox& box, double range);

  const Counts& counts() const { return num_; }
  const Neighbors& neighbors() const { return list_; }
  int max_neighbors() const { return static_cast<int>(list_.extent(1)); }
  long long builds() const { return builds_; }
  // Pairs stored (for the summary and tests).
  long long pairs() const;

 private:
  void bin(const Vec3View& position, int n_total, const BinningBox& box, double range);

  Counts num_;
  Neighbors list_;
  // Cell binning: rows of cell c are bin_rows_(bin_offset_(c) .. bin_offset_(c+1)).
  Kokkos::View<int*, MemSpace> bin_count_, bin_offset_, bin_rows_, row_cell_;
  int cells_[3] = {1, 1, 1};
  double cell_size_[3] = {1, 1, 1};
  long long builds_ = 0;
  int owned_ = 0;
};

}  // namespace strata
