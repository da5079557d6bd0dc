#pragma once
// Verlet neighbour list built from a cell binning of owned and ghost rows.
//
// Contract: build() reads positions of rows [0, n_total) (owned rows first,
// then ghosts, all inside the binning box) and lists, for every owned row i,
// the rows j within `range` (cutoff + skin) that are: owned, with (cell,
// row) after i's (cells numbered as below); or ghosts whose "reaction row"
// r(j) is -1 or greater than i. r(j) is the row that feels the reaction of a pair with
// j: j itself when owned; for a ghost that is a periodic image of one of
// this rank's own particles, that particle's row; for a copy of another
// rank's particle, the copy's own row (>= n_owned, so every such pair is
// listed, and HaloExchange sends the reaction home); -1 when the caller
// gives no reaction rows and the other rank computes the pair too. So each
// pair is listed once (a half list, also across periodic images of the
// rank's own slab and across slab faces). Storage is compressed rows (CSR): the
// neighbours of i are entries [offset(i), offset(i+1)), exactly as many as
// there are, so memory follows the real pair count. Order within a list is
// deterministic on every backend: stencil cells are visited in a fixed order
// and each cell's rows are sorted by row index after the (atomic) binning.
//
// Cells are at least half the range wide, so cells up to 2 away in each
// direction hold every neighbour. Cells are numbered x fastest, so the five
// cells along x at a given (y, z) offset are one contiguous run of the
// binned rows: 25 runs per particle, about 40% fewer candidates than 27
// range-wide cells with no extra per-cell overhead; and since the owned
// rows of the cells before i's are never i's, those cells are walked from
// their first ghost row (a half stencil). The list is filled by a
// parallel scan over the owned rows: one pass on Serial, a count pass and a
// fill pass on threaded and GPU backends.
#include <Kokkos_Core.hpp>

#include "kernels/ClusterPairList.hpp"
#include "kernels/Particles.hpp"

namespace strata {

struct BinningBox {
  double lo[3];
  double hi[3];
};

class NeighborList {
 public:
  using Offsets = Kokkos::View<int*, MemSpace>;
  using Entries = Kokkos::View<int*, MemSpace>;

  using Rows = Kokkos::View<int*, MemSpace>;

  // `reaction` gives r(j) for rows [0, n_total); an empty view means every
  // ghost belongs to another rank (r = j for owned rows, -1 for ghosts).
  // `full`: list every j != i within range (r(j) = -1 for all rows, so the
  // force kernel adds no reactions and each owned row sums its own force:
  // deterministic without atomics, the choice on GPUs; see
  // interaction.neighbor_list in docs/deck.md).
  void build(const Vec3View& position, int n_owned, int n_total, const BinningBox& box, double range,
             const Rows& reaction = Rows(), bool full = false);

  // On CPUs a half list whose every ghost has a reaction row (every run's:
  // HaloExchange gives them) is built as a cluster-pair list instead
  // (kernels/ClusterPairList.hpp), and offsets()/entries() are empty.
  // allow_clusters(false) keeps the particle list: the driver says so
  // where the cluster kernel would run without its vector form
  // (PairForce::wants_cluster_list), and tests compare the two.
  void allow_clusters(bool allow) { allow_clusters_ = allow; }
  // Cluster slots as hi/lo floats only (ClusterPairList::set_float_coordinates):
  // where the pair kernel runs whole cluster pairs in float.
  void float_clusters(bool on) { float_clusters_ = on; }
  bool clustered() const { return clustered_; }
  const ClusterPairList& clusters() const { return clusters_; }

  const Offsets& offsets() const { return offset_; }
  const Entries& entries() const { return entries_; }
  // r(j) of every row at the last build (see the contract above).
  const Rows& reaction() const { return reaction_; }
  long long builds() const { return builds_; }
  // Pairs within range at the last build (either kind of list).
  long long pairs() const { return pairs_; }

 private:
  void bin(const Vec3View& position, int n_total, const BinningBox& box, double range);

  Offsets offset_;  // n_owned + 1
  Rows reaction_;
  Entries entries_;
  // Cell binning: rows of cell c are bin_rows_(bin_offset_(c) .. bin_offset_(c+1)).
  Kokkos::View<int*, MemSpace> bin_count_, bin_offset_, bin_rows_, row_cell_;
  Kokkos::View<int*, MemSpace> ghost_start_;  // per cell: index of its first ghost row in bin_rows_
  int cells_[3] = {1, 1, 1};
  double cell_size_[3] = {1, 1, 1};
  long long builds_ = 0;
  long long pairs_ = 0;
  ClusterPairList clusters_;
  bool clustered_ = false;
  bool allow_clusters_ = true;
  bool float_clusters_ = false;
};

}  // namespace strata
