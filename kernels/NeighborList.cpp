#include "kernels/NeighborList.hpp"

#include "kernels/Capacity.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace strata {

namespace {
// Sorts rows [0, n_total) into cells: cells[0] x cells[1] x cells[2] cells
// of width `size` from `lo`, numbered x fastest; rows of cell c end up in
// rows(offset(c) .. offset(c + 1)), in increasing row order. A free function
// (not a member) because CUDA allows device lambdas only in public scope.
void bin_rows(const Vec3View& position, int n_total, const int cells[3], const double lo[3], const double size[3],
              const Kokkos::View<int*, MemSpace>& count, const Kokkos::View<int*, MemSpace>& offset,
              const Kokkos::View<int*, MemSpace>& rows, const Kokkos::View<int*, MemSpace>& row_cell) {
  const int c0 = cells[0], c1 = cells[1], c2 = cells[2];
  const int ncell = c0 * c1 * c2;
  const double lo0 = lo[0], lo1 = lo[1], lo2 = lo[2];
  const double inv0 = 1.0 / size[0], inv1 = 1.0 / size[1], inv2 = 1.0 / size[2];
  Kokkos::parallel_for(
      "NeighborList::assign_cells", Kokkos::RangePolicy<ExecSpace>(0, n_total), KOKKOS_LAMBDA(const int i) {
        int a = static_cast<int>((position(i, 0) - lo0) * inv0);
        int b = static_cast<int>((position(i, 1) - lo1) * inv1);
        int c = static_cast<int>((position(i, 2) - lo2) * inv2);
        a = a < 0 ? 0 : (a >= c0 ? c0 - 1 : a);
        b = b < 0 ? 0 : (b >= c1 ? c1 - 1 : b);
        c = c < 0 ? 0 : (c >= c2 ? c2 - 1 : c);
        const int cell = (c * c1 + b) * c0 + a;
        row_cell(i) = cell;
        Kokkos::atomic_add(&count(cell), 1);
      });
  Kokkos::parallel_scan(
      "NeighborList::cell_offsets", Kokkos::RangePolicy<ExecSpace>(0, ncell),
      KOKKOS_LAMBDA(const int cell, int& sum, const bool final) {
        if (final) offset(cell) = sum;
        sum += count(cell);
        if (final && cell == ncell - 1) offset(ncell) = sum;
      });
  Kokkos::deep_copy(count, 0);
  Kokkos::parallel_for(
      "NeighborList::fill_cells", Kokkos::RangePolicy<ExecSpace>(0, n_total), KOKKOS_LAMBDA(const int i) {
        const int cell = row_cell(i);
        const int slot = Kokkos::atomic_fetch_add(&count(cell), 1);
        rows(offset(cell) + slot) = i;
      });
  // The atomic fill order depends on thread timing; sort each (small) cell
  // so lists, and therefore force sums, are the same on every backend.
  Kokkos::parallel_for(
      "NeighborList::sort_cells", Kokkos::RangePolicy<ExecSpace>(0, ncell), KOKKOS_LAMBDA(const int cell) {
        const int begin = offset(cell), end = offset(cell + 1);
        for (int a = begin + 1; a < end; ++a) {
          const int v = rows(a);
          int b = a - 1;
          while (b >= begin && rows(b) > v) {
            rows(b + 1) = rows(b);
            --b;
          }
          rows(b + 1) = v;
        }
      });
}

}  // namespace

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
