#include "kernels/SpatialSort.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/Capacity.hpp"
#include "kernels/CellBinning.hpp"

namespace strata {

void SpatialSort::order(const Vec3View& position, std::size_t n, const BinningBox& box, double cell) {
  int cells[3];
  double size[3];
  for (int d = 0; d < 3; ++d) {
    const double extent = box.hi[d] - box.lo[d];
    cells[d] = std::max(1, static_cast<int>(std::floor(extent / cell)));
    size[d] = extent / cells[d];
  }
  const int ncell = cells[0] * cells[1] * cells[2];
  grow_discarding(cell_, n, "sort_cell");
  grow_discarding(perm_, n, "sort_permutation");
  count_ = Kokkos::View<int*, MemSpace>("sort_count", ncell);
  grow_discarding(offset_, static_cast<std::size_t>(ncell) + 1, "sort_offset");
  // perm(k) = the row that goes to place k: the rows of each cell in row
  // order, cells in turn (stable, the same on every backend).
  bin_rows(position, static_cast<int>(n), cells, box.lo, size, count_, offset_, perm_, cell_);
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
  // Scratch until the next rebuild: given back, not kept (8 B a row, about
  // 2% of an LJ run's memory, at the moment a run peaks: its final output).
  cell_ = perm_ = count_ = offset_ = Kokkos::View<int*, MemSpace>();
}

}  // namespace strata
