#include "decomposition/SlabLayout.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace strata {

SlabLayout SlabLayout::uniform(const SystemBox& system, int axis, int ranks) {
  if (ranks < 1) throw std::invalid_argument("SlabLayout needs at least one rank");
  std::vector<double> b(ranks + 1);
  const double L = system.box[axis];
  for (int r = 0; r <= ranks; ++r) b[r] = L * static_cast<double>(r) / static_cast<double>(ranks);
  b[ranks] = L;  // exactly, whatever the rounding above
  return SlabLayout(system, axis, std::move(b));
}

SlabLayout::SlabLayout(const SystemBox& system, int axis, std::vector<double> bounds)
    : system_(system), axis_(axis), bounds_(std::move(bounds)) {
  if (bounds_.size() < 2) throw std::invalid_argument("SlabLayout needs at least two bounds");
  if (!std::is_sorted(bounds_.begin(), bounds_.end()))
    throw std::invalid_argument("SlabLayout bounds must be non-decreasing");
}

int SlabLayout::owner(double s) const {
  // Last bound b with b <= s among bounds_[0..P-1].
  const auto first = bounds_.begin();
  const auto last = bounds_.end() - 1;
  auto it = std::upper_bound(first, last, s);
  if (it == first) return 0;
  return static_cast<int>(it - first) - 1;
}

int SlabLayout::left_of(int r) const {
  if (r > 0) return r - 1;
  return periodic() ? ranks() - 1 : MPI_PROC_NULL;
}

int SlabLayout::right_of(int r) const {
  if (r < ranks() - 1) return r + 1;
  return periodic() ? 0 : MPI_PROC_NULL;
}

BoxGeometry SlabLayout::geometry(int r) const {
  BoxGeometry g{};
  for (int d = 0; d < 3; ++d) {
    g.L[d] = system_.box[d];
    g.periodic[d] = system_.boundary[d] == Boundary::Periodic;
  }
  g.slab_axis = axis_;
  const double inf = std::numeric_limits<double>::infinity();
  g.slab_lo = r == 0 ? -inf : bounds_[r];
  g.slab_hi = r == ranks() - 1 ? inf : bounds_[r + 1];
  return g;
}

}  // namespace strata
