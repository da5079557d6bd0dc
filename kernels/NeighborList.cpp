#include "kernels/NeighborList.hpp"

#include "kernels/Capacity.hpp"
#include "kernels/CellBinning.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace strata {


void NeighborList::bin(const Vec3View& position, int n_total, const BinningBox& box, double range) {
  // Cells at least half the range wide.
  for (int d = 0; d < 3; ++d) {
    const double extent = box.hi[d] - box.lo[d];
    cells_[d] = std::max(1, static_cast<int>(std::floor(extent / (0.5 * range))));
    cell_size_[d] = extent / cells_[d];
  }
  const int ncell = cells_[0] * cells_[1] * cells_[2];
  bin_count_ = Kokkos::View<int*, MemSpace>("bin_count", ncell);
  grow_discarding(bin_offset_, ncell + 1, "bin_offset");
  grow_discarding(bin_rows_, n_total, "bin_rows");
  grow_discarding(row_cell_, n_total, "row_cell");
  bin_rows(position, n_total, cells_, box.lo, cell_size_, bin_count_, bin_offset_, bin_rows_, row_cell_);
}

namespace {

// Visits every candidate j of owned row i that passes the half/full rule
// and lies within range, in a fixed order, calling emit(j).
struct CellWalk {
  Vec3View position;
  Kokkos::View<int*, MemSpace> cell_offset, cell_rows, row_cell, reaction;
  int c0, c1, c2;
  double range_sq;

  template <class Emit>
  KOKKOS_INLINE_FUNCTION void operator()(const int i, Emit&& emit) const {
    const double xi = position(i, 0), yi = position(i, 1), zi = position(i, 2);
    const int cell = row_cell(i);
    const int a = cell % c0, b = (cell / c0) % c1, c = cell / (c0 * c1);
    const int a_lo = a - 2 < 0 ? 0 : a - 2;
    const int a_hi = a + 2 >= c0 ? c0 - 1 : a + 2;
    for (int cc = c - 2; cc <= c + 2; ++cc) {
      if (cc < 0 || cc >= c2) continue;
      for (int bb = b - 2; bb <= b + 2; ++bb) {
        if (bb < 0 || bb >= c1) continue;
        // Cells (a_lo..a_hi, bb, cc) are adjacent in the binned rows.
        const int row0 = (cc * c1 + bb) * c0;
        const int end = cell_offset(row0 + a_hi + 1);
        for (int t = cell_offset(row0 + a_lo); t < end; ++t) {
          const int j = cell_rows(t);
          const int r = reaction(j);
          if (r >= 0 && r <= i) continue;  // pairs within the rank once
          if (j == i) continue;            // (full lists: every row but itself)
          const double dx = xi - position(j, 0), dy = yi - position(j, 1), dz = zi - position(j, 2);
          if (dx * dx + dy * dy + dz * dz < range_sq) emit(j);
        }
      }
    }
  }
};

}  // namespace

void NeighborList::build(const Vec3View& position, int n_owned, int n_total, const BinningBox& box, double range,
                         const Rows& reaction, bool full) {
  bin(position, n_total, box, range);
  grow_discarding(reaction_, static_cast<std::size_t>(n_total), "reaction_rows");
  const auto react = reaction_;
  const bool given = reaction.extent(0) > 0 && !full;
  Kokkos::parallel_for(
      "NeighborList::reaction", Kokkos::RangePolicy<ExecSpace>(0, n_total), KOKKOS_LAMBDA(const int j) {
        react(j) = full ? -1 : (given ? reaction(j) : (j < n_owned ? j : -1));
      });
  const CellWalk walk{position, bin_offset_, bin_rows_, row_cell_, reaction_, cells_[0], cells_[1], cells_[2],
                      range * range};
  grow_discarding(offset_, static_cast<std::size_t>(n_owned) + 1, "neighbor_offsets");
  if (entries_.extent(0) == 0) grow_discarding(entries_, static_cast<std::size_t>(n_owned) * 48, "neighbors");
  for (;;) {
    const auto offset = offset_;
    const auto entries = entries_;
    const long long capacity = static_cast<long long>(entries_.extent(0));
    long long total = 0;
    // Row i's neighbours go at the running total of the rows before it.
    Kokkos::parallel_scan(
        "NeighborList::fill", Kokkos::RangePolicy<ExecSpace>(0, n_owned + 1),
        KOKKOS_LAMBDA(const int i, long long& sum, const bool final) {
          if (final) offset(i) = static_cast<int>(sum);
          if (i == n_owned) return;
          long long k = sum;
          if (final)
            walk(i, [&](int j) {
              if (k < capacity) entries(k) = j;
              ++k;
            });
          else
            walk(i, [&](int) { ++k; });
          sum = k;
        },
        total);
    pairs_ = total;
    if (total <= capacity) break;
    // More pairs than room: grow (with slack for the next builds) and redo.
    entries_ = Entries(Kokkos::view_alloc(std::string("neighbors"), Kokkos::WithoutInitializing),
                       static_cast<std::size_t>(total + total / 8 + 16));
  }
  ++builds_;
}

}  // namespace strata
