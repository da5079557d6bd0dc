#include "kernels/NeighborList.hpp"

#include <algorithm>
#include <cmath>

namespace strata {

namespace {
template <class View>
void ensure(View& v, std::size_t n, const char* label) {
  if (v.extent(0) < n) v = View(Kokkos::view_alloc(std::string(label), Kokkos::WithoutInitializing), n + n / 4 + 16);
}
}  // namespace

void NeighborList::bin(const Vec3View& position, int n_total, const BinningBox& box, double range) {
  // Cells at least `range` wide, so the 27 surrounding cells hold every
  // neighbour.
  for (int d = 0; d < 3; ++d) {
    const double extent = box.hi[d] - box.lo[d];
    cells_[d] = std::max(1, static_cast<int>(std::floor(extent / range)));
    cell_size_[d] = extent / cells_[d];
  }
  const int ncell = cells_[0] * cells_[1] * cells_[2];
  bin_count_ = Kokkos::View<int*, MemSpace>("bin_count", ncell);
  ensure(bin_offset_, ncell + 1, "bin_offset");
  ensure(bin_rows_, n_total, "bin_rows");
  ensure(row_cell_, n_total, "row_cell");

  const int c0 = cells_[0], c1 = cells_[1], c2 = cells_[2];
  const double lo0 = box.lo[0], lo1 = box.lo[1], lo2 = box.lo[2];
  const double inv0 = 1.0 / cell_size_[0], inv1 = 1.0 / cell_size_[1], inv2 = 1.0 / cell_size_[2];
  const auto count = bin_count_;
  const auto offset = bin_offset_;
  const auto rows = bin_rows_;
  const auto row_cell = row_cell_;
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
        Kokkos::atomic_increment(&count(cell));
      });
  Kokkos::parallel_scan(
      "NeighborList::offsets", Kokkos::RangePolicy<ExecSpace>(0, ncell),
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

void NeighborList::build(const Vec3View& position, int n_owned, int n_total, const BinningBox& box, double range) {
  bin(position, n_total, box, range);
  owned_ = n_owned;
  ensure(num_, static_cast<std::size_t>(n_owned), "neighbor_counts");
  if (list_.extent(0) < static_cast<std::size_t>(n_owned) || list_.extent(1) == 0)
    list_ = Neighbors(Kokkos::view_alloc(std::string("neighbors"), Kokkos::WithoutInitializing),
                      n_owned + n_owned / 4 + 16, std::max<std::size_t>(list_.extent(1), 64));

  const int c0 = cells_[0], c1 = cells_[1], c2 = cells_[2];
  const double range_sq = range * range;
  const auto offset = bin_offset_;
  const auto rows = bin_rows_;
  const auto row_cell = row_cell_;
  for (;;) {
    const auto num = num_;
    const auto list = list_;
    const int capacity = static_cast<int>(list_.extent(1));
    int most = 0;
    Kokkos::parallel_reduce(
        "NeighborList::build", Kokkos::RangePolicy<ExecSpace>(0, n_owned),
        KOKKOS_LAMBDA(const int i, int& max_count) {
          const double xi = position(i, 0), yi = position(i, 1), zi = position(i, 2);
          const int cell = row_cell(i);
          const int a = cell % c0, b = (cell / c0) % c1, c = cell / (c0 * c1);
          int n = 0;
          for (int dc = -1; dc <= 1; ++dc) {
            const int cc = c + dc;
            if (cc < 0 || cc >= c2) continue;
            for (int db = -1; db <= 1; ++db) {
              const int bb = b + db;
              if (bb < 0 || bb >= c1) continue;
              for (int da = -1; da <= 1; ++da) {
                const int aa = a + da;
                if (aa < 0 || aa >= c0) continue;
                const int other = (cc * c1 + bb) * c0 + aa;
                for (int s = offset(other); s < offset(other + 1); ++s) {
                  const int j = rows(s);
                  if (j < n_owned && j <= i) continue;  // owned pairs once
                  const double dx = xi - position(j, 0), dy = yi - position(j, 1), dz = zi - position(j, 2);
                  if (dx * dx + dy * dy + dz * dz < range_sq) {
                    if (n < capacity) list(i, n) = j;
                    ++n;
                  }
                }
              }
            }
          }
          num(i) = n;
          if (n > max_count) max_count = n;
        },
        Kokkos::Max<int>(most));
    if (most <= capacity) break;
    // Too many neighbours for the rows: grow and build again.
    list_ = Neighbors(Kokkos::view_alloc(std::string("neighbors"), Kokkos::WithoutInitializing), list_.extent(0),
                      most + most / 4 + 8);
  }
  ++builds_;
}

long long NeighborList::pairs() const {
  long long total = 0;
  const auto num = num_;
  Kokkos::parallel_reduce(
      "NeighborList::pairs", Kokkos::RangePolicy<ExecSpace>(0, owned_),
      KOKKOS_LAMBDA(const int i, long long& acc) { acc += num(i); }, total);
  return total;
}

}  // namespace strata
