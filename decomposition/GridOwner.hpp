#pragma once
// GridLayout::owner on the device: the planes of the three axes in one view,
// so a kernel can say which brick (and which grid coordinate along an axis)
// holds a point.
#include <Kokkos_Core.hpp>

#include "decomposition/GridLayout.hpp"
#include "kernels/Particles.hpp"

namespace strata {

struct GridOwner {
  Kokkos::View<double*, MemSpace> planes;  // planes of x, then y, then z
  int dims[3] = {1, 1, 1};
  int offset[3] = {0, 0, 0};               // where each axis' planes start

  GridOwner() = default;
  explicit GridOwner(const GridLayout& layout) {
    std::size_t n = 0;
    for (int d = 0; d < 3; ++d) {
      dims[d] = layout.dims()[d];
      offset[d] = static_cast<int>(n);
      n += layout.planes(d).size();
    }
    planes = Kokkos::View<double*, MemSpace>("grid_planes", n);
    auto h = Kokkos::create_mirror_view(planes);
    for (int d = 0; d < 3; ++d)
      for (std::size_t k = 0; k < layout.planes(d).size(); ++k) h(offset[d] + k) = layout.planes(d)[k];
    Kokkos::deep_copy(planes, h);
  }

  // The largest c in [0, p) with plane(c) <= s, so an empty interval [b, b)
  // never owns anything and coordinates beyond the walls go to the end bricks.
  KOKKOS_INLINE_FUNCTION int coord(const int d, const double s) const {
    int lo = 0, hi = dims[d] - 1;
    while (lo < hi) {
      const int mid = (lo + hi + 1) / 2;
      if (planes(offset[d] + mid) <= s)
        lo = mid;
      else
        hi = mid - 1;
    }
    return lo;
  }
  KOKKOS_INLINE_FUNCTION int rank(const double x0, const double x1, const double x2) const {
    return coord(0, x0) + dims[0] * (coord(1, x1) + dims[1] * coord(2, x2));
  }
};

}  // namespace strata
