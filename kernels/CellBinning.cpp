#include "kernels/CellBinning.hpp"

namespace strata {

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


}  // namespace strata
