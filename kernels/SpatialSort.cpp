#include "kernels/SpatialSort.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/Capacity.hpp"

namespace strata {

void SpatialSort::order(const Vec3View& position, std::size_t n, const BinningBox& box, double cell) {
  int cells[3];
  double inv[3];
  for (int d = 0; d < 3; ++d) {
    const double extent = box.hi[d] - box.lo[d];
    cells[d] = std::max(1, static_cast<int>(std::floor(extent / cell)));
    inv[d] = cells[d] / extent;
  }
  const int c0 = cells[0], c1 = cells[1], c2 = cells[2];
  const int ncell = c0 * c1 * c2;
  const double lo0 = box.lo[0], lo1 = box.lo[1], lo2 = box.lo[2];
  const double inv0 = inv[0], inv1 = inv[1], inv2 = inv[2];
  grow_discarding(cell_, n, "sort_cell");
  grow_discarding(perm_, n, "sort_permutation");
  count_ = Kokkos::View<int*, MemSpace>("sort_count", ncell);
  grow_discarding(offset_, static_cast<std::size_t>(ncell) + 1, "sort_offset");
  const auto row_cell = cell_, perm = perm_, count = count_, offset = offset_;
  Kokkos::parallel_for(
      "SpatialSort::cells", Kokkos::RangePolicy<ExecSpace>(0, n), KOKKOS_LAMBDA(const std::size_t i) {
        int a = static_cast<int>((position(i, 0) - lo0) * inv0);
        int b = static_cast<int>((position(i, 1) - lo1) * inv1);
        int c = static_cast<int>((position(i, 2) - lo2) * inv2);
        a = a < 0 ? 0 : (a >= c0 ? c0 - 1 : a);
        b = b < 0 ? 0 : (b >= c1 ? c1 - 1 : b);
        c = c < 0 ? 0 : (c >= c2 ? c2 - 1 : c);
        row_cell(i) = (c * c1 + b) * c0 + a;
        Kokkos::atomic_add(&count(row_cell(i)), 1);
      });
  Kokkos::parallel_scan(
      "SpatialSort::offsets", Kokkos::RangePolicy<ExecSpace>(0, ncell),
      KOKKOS_LAMBDA(const int k, int& sum, const bool final) {
        if (final) offset(k) = sum;
        sum += count(k);
        if (final && k == ncell - 1) offset(ncell) = sum;
      });
  Kokkos::deep_copy(count, 0);
  Kokkos::parallel_for(
      "SpatialSort::fill", Kokkos::RangePolicy<ExecSpace>(0, n), KOKKOS_LAMBDA(const std::size_t i) {
        const int k = row_cell(i);
        perm(offset(k) + Kokkos::atomic_fetch_add(&count(k), 1)) = static_cast<int>(i);
      });
  // The atomic fill order depends on thread timing: sort each (small) cell
  // by row, which makes the sort stable and the same on every backend.
  Kokkos::parallel_for(
      "SpatialSort::stable", Kokkos::RangePolicy<ExecSpace>(0, ncell), KOKKOS_LAMBDA(const int k) {
        const int begin = offset(k), end = offset(k + 1);
        for (int a = begin + 1; a < end; ++a) {
          const int v = perm(a);
          int b = a - 1;
          while (b >= begin && perm(b) > v) {
            perm(b + 1) = perm(b);
            --b;
          }
          perm(b + 1) = v;
        }
      });
}

namespace {
// field -> scratch in the new order (Gather), then back (Store); [n][3] or
// [n] views. Named functors: CUDA lambdas may not capture inside if constexpr.
template <class View, bool Gather>
struct PermuteCopy {
  View field, scratch;
  Kokkos::View<int*, MemSpace> perm;
  KOKKOS_INLINE_FUNCTION void operator()(const std::size_t k) const {
    if constexpr (static_cast<int>(View::rank) == 2) {
      for (int d = 0; d < 3; ++d) {
        if (Gather)
          scratch(k, d) = field(perm(k), d);
        else
          field(k, d) = scratch(k, d);
      }
    } else {
      if (Gather)
        scratch(k) = field(perm(k));
      else
        field(k) = scratch(k);
    }
  }
};
}  // namespace

template <class View>
void SpatialSort::permute(const View& field, std::size_t n, const View& scratch) {
  Kokkos::parallel_for("SpatialSort::gather", Kokkos::RangePolicy<ExecSpace>(0, n),
                       PermuteCopy<View, true>{field, scratch, perm_});
  Kokkos::parallel_for("SpatialSort::store", Kokkos::RangePolicy<ExecSpace>(0, n),
                       PermuteCopy<View, false>{field, scratch, perm_});
}

void SpatialSort::apply(Particles& p, const BinningBox& box, double cell) {
  const std::size_t n = p.size;
  if (n < 2 || p.force.extent(0) < n) return;
  order(p.position, n, box, cell);
  // Scratch views over the force rows' memory (24 bytes a row).
  using Unmanaged = Kokkos::MemoryTraits<Kokkos::Unmanaged>;
  char* raw = reinterpret_cast<char*>(p.force.data());
  const Kokkos::View<double* [3], Kokkos::LayoutRight, MemSpace, Unmanaged> s_vec(reinterpret_cast<double*>(raw), n);
  const Kokkos::View<float* [3], Kokkos::LayoutRight, MemSpace, Unmanaged> s_float(reinterpret_cast<float*>(raw), n);
  const Kokkos::View<int* [3], Kokkos::LayoutRight, MemSpace, Unmanaged> s_int3(reinterpret_cast<int*>(raw), n);
  const Kokkos::View<std::int64_t*, MemSpace, Unmanaged> s_id(reinterpret_cast<std::int64_t*>(raw), n);
  const Kokkos::View<int*, MemSpace, Unmanaged> s_int(reinterpret_cast<int*>(raw), n);
  const Kokkos::View<double* [3], Kokkos::LayoutRight, MemSpace, Unmanaged> position(p.position.data(), n),
      velocity(p.velocity.data(), n);
  const Kokkos::View<float* [3], Kokkos::LayoutRight, MemSpace, Unmanaged> origin(p.origin.data(), n);
  const Kokkos::View<int* [3], Kokkos::LayoutRight, MemSpace, Unmanaged> image(p.image.data(), n);
  const Kokkos::View<std::int64_t*, MemSpace, Unmanaged> id(p.id.data(), n);
  const Kokkos::View<int*, MemSpace, Unmanaged> species(p.species.data(), n);
  permute(position, n, s_vec);
  permute(velocity, n, s_vec);
  permute(origin, n, s_float);
  permute(image, n, s_int3);
  permute(id, n, s_id);
  permute(species, n, s_int);
  Kokkos::fence();
}

}  // namespace strata
