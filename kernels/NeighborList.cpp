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
//
// Half lists: a pair of two owned rows is listed from the one whose
// (cell, row) comes first, so the cells before i's own hold no owned row
// i lists: for those the walk starts at the cell's first ghost row
// (ghost_start; a cell's rows are sorted, owned rows first). That is the
// half stencil, and the pairs it skips are never even loaded: about half
// the candidates of a walk over every cell. A ghost row j is listed when
// its reaction row r(j) is -1 or greater than i (the contract in
// NeighborList.hpp: one listing per pair across images and ranks too).
// Full lists walk every row of every cell but i itself.
//
// emit(j, in) is called for every candidate that passes the rule, with
// `in` whether it lies within range: the caller counts or keeps it without
// a branch (about three candidates in four lie out of range, in no order a
// branch predictor could learn).
struct CellWalk {
  Vec3View position;
  Kokkos::View<int*, MemSpace> cell_offset, cell_rows, row_cell, reaction, ghost_start;
  int c0, c1, c2;
  int n_owned;
  bool full;
  double range_sq;

  template <class Emit>
  KOKKOS_INLINE_FUNCTION void visit(const int i, const int t0, const int t1, const bool owned_ok, const double xi,
                                    const double yi, const double zi, Emit& emit) const {
    for (int t = t0; t < t1; ++t) {
      const int j = cell_rows(t);
      if (full) {
        if (j == i) continue;
      } else if (j < n_owned) {
        if (!owned_ok && j <= i) continue;  // i's own cell: the rows after i
      } else {
        const int r = reaction(j);
        if (r >= 0 && r <= i) continue;
      }
      const double dx = xi - position(j, 0), dy = yi - position(j, 1), dz = zi - position(j, 2);
      emit(j, dx * dx + dy * dy + dz * dz < range_sq);
    }
  }

  template <class Emit>
  KOKKOS_INLINE_FUNCTION void operator()(const int i, Emit&& emit) const {
    const double xi = position(i, 0), yi = position(i, 1), zi = position(i, 2);
    const int cell = row_cell(i);
    const int a = cell % c0, b = (cell / c0) % c1, c = cell / (c0 * c1);
    const int a_lo = a - 2 < 0 ? 0 : a - 2;
    const int a_hi = a + 2 >= c0 ? c0 - 1 : a + 2;
    const int my_line = c * c1 + b;
    for (int cc = c - 2; cc <= c + 2; ++cc) {
      if (cc < 0 || cc >= c2) continue;
      for (int bb = b - 2; bb <= b + 2; ++bb) {
        if (bb < 0 || bb >= c1) continue;
        // Cells (a_lo..a_hi, bb, cc) are adjacent in the binned rows.
        const int line = cc * c1 + bb;
        const int row0 = line * c0;
        if (full || line > my_line) {  // every cell after i's: all rows
          visit(i, cell_offset(row0 + a_lo), cell_offset(row0 + a_hi + 1), true, xi, yi, zi, emit);
          continue;
        }
        for (int aa = a_lo; aa <= a_hi; ++aa) {
          const int k = row0 + aa;
          if (k < cell)  // before i's cell: its ghost rows only
            visit(i, ghost_start(k), cell_offset(k + 1), false, xi, yi, zi, emit);
          else  // i's own cell (owned rows after i) and the cells after it
            visit(i, cell_offset(k), cell_offset(k + 1), k > cell, xi, yi, zi, emit);
        }
      }
    }
  }
};

}  // namespace

void NeighborList::build(const Vec3View& position, int n_owned, int n_total, const BinningBox& box, double range,
                         const Rows& reaction, bool full) {
  grow_discarding(reaction_, static_cast<std::size_t>(n_total), "reaction_rows");
  const auto react = reaction_;
  const bool given = reaction.extent(0) > 0 && !full;
  int unreacted = 0;  // ghosts without a reaction row
  Kokkos::parallel_reduce(
      "NeighborList::reaction", Kokkos::RangePolicy<ExecSpace>(0, n_total),
      KOKKOS_LAMBDA(const int j, int& none) {
        react(j) = full ? -1 : (given ? reaction(j) : (j < n_owned ? j : -1));
        none += react(j) < 0;
      },
      unreacted);
  constexpr bool host = Kokkos::SpaceAccessibility<ExecSpace, Kokkos::HostSpace>::accessible;
  clustered_ = host && allow_clusters_ && !full && unreacted == 0;
  if (clustered_) {
    offset_ = Offsets();
    entries_ = Entries();
    clusters_.set_float_coordinates(float_clusters_);
    clusters_.build(position, n_owned, n_total, box, range, reaction_);
    pairs_ = clusters_.pairs();
    ++builds_;
    return;
  }
  clusters_ = ClusterPairList();
  bin(position, n_total, box, range);
  // Where each cell's ghost rows start (its rows are in increasing order).
  const int ncell = cells_[0] * cells_[1] * cells_[2];
  grow_discarding(ghost_start_, static_cast<std::size_t>(ncell), "ghost_start");
  const auto cell_offset = bin_offset_, cell_rows = bin_rows_, ghost_start = ghost_start_;
  Kokkos::parallel_for(
      "NeighborList::ghost_start", Kokkos::RangePolicy<ExecSpace>(0, ncell), KOKKOS_LAMBDA(const int k) {
        int lo = cell_offset(k), hi = cell_offset(k + 1);
        while (lo < hi) {
          const int mid = lo + (hi - lo) / 2;
          if (cell_rows(mid) < n_owned)
            lo = mid + 1;
          else
            hi = mid;
        }
        ghost_start(k) = lo;
      });
  const CellWalk walk{position,  bin_offset_, bin_rows_, row_cell_, reaction_, ghost_start_, cells_[0],
                      cells_[1], cells_[2],   n_owned,   full,      range * range};
  grow_discarding(offset_, static_cast<std::size_t>(n_owned) + 1, "neighbor_offsets");
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
          if (final) {
            // Candidates go to a small buffer, each written and kept only
            // if in range; full buffers go to the list (within row i's
            // part of it: threads fill other rows at the same time).
            constexpr int kBuffer = 64;
            int buffer[kBuffer];
            int n = 0;
            auto flush = [&]() {
              for (int q = 0; q < n; ++q)
                if (k + q < capacity) entries(k + q) = buffer[q];
              k += n;
              n = 0;
            };
            walk(i, [&](int j, bool in) {
              buffer[n] = j;
              n += in;
              if (n == kBuffer) flush();
            });
            flush();
          } else {
            walk(i, [&](int, bool in) { k += in; });
          }
          sum = k;
        },
        total);
    pairs_ = total;
    if (total <= capacity) break;
    // More pairs than room (at the first build: no room at all, so the list
    // is sized by its real count): grow and redo. The list is the largest
    // allocation of a run (about 160 B per atom for the LJ liquid), so the
    // slack is small (1/32: a liquid's pair count moves by well under 1%
    // between builds, and outgrowing it costs one more pass), and the old
    // list goes before the new one comes, never both at once.
    entries_ = Entries();
    entries_ = Entries(Kokkos::view_alloc(std::string("neighbors"), Kokkos::WithoutInitializing),
                       static_cast<std::size_t>(total + total / 32 + 16));
  }
  // The binning is scratch of the build: given back (about 12 B a row).
  bin_count_ = bin_offset_ = bin_rows_ = row_cell_ = ghost_start_ = Kokkos::View<int*, MemSpace>();
  ++builds_;
}

}  // namespace strata
