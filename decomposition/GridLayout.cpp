#include "decomposition/GridLayout.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace strata {

namespace {
std::vector<double> even_planes(double L, int parts) {
  std::vector<double> b(parts + 1);
  for (int r = 0; r <= parts; ++r) b[r] = L * static_cast<double>(r) / static_cast<double>(parts);
  b[parts] = L;  // exactly, whatever the rounding above
  return b;
}
}  // namespace

GridLayout GridLayout::slab(const SystemBox& system, int axis, int ranks) {
  if (ranks < 1) throw std::invalid_argument("GridLayout needs at least one rank");
  GridDims dims{1, 1, 1};
  dims[axis] = ranks;
  return uniform(system, dims, axis);
}

GridLayout GridLayout::slab(const SystemBox& system, int axis, const std::vector<double>& bounds) {
  GridPlanes planes;
  for (int d = 0; d < 3; ++d) planes[d] = d == axis ? bounds : std::vector<double>{0.0, system.box[d]};
  return GridLayout(system, planes, axis);
}

GridLayout GridLayout::uniform(const SystemBox& system, const GridDims& dims, int primary_axis) {
  GridPlanes planes;
  for (int d = 0; d < 3; ++d) {
    if (dims[d] < 1) throw std::invalid_argument("GridLayout needs at least one rank per axis");
    planes[d] = even_planes(system.box[d], dims[d]);
  }
  return GridLayout(system, planes, primary_axis);
}

GridLayout::GridLayout(const SystemBox& system, const GridPlanes& planes, int primary_axis)
    : system_(system), planes_(planes), primary_(primary_axis) {
  for (int d = 0; d < 3; ++d) {
    if (planes_[d].size() < 2) throw std::invalid_argument("GridLayout needs at least two planes per axis");
    if (!std::is_sorted(planes_[d].begin(), planes_[d].end()))
      throw std::invalid_argument("GridLayout planes must be non-decreasing");
    dims_[d] = static_cast<int>(planes_[d].size()) - 1;
  }
  // A one-rank run's images start on the slab axis; with cuts, the first cut axis.
  const auto cut = cut_axes();
  if (!cut.empty() && dims_[primary_] == 1) primary_ = cut.front();
}

std::vector<int> GridLayout::cut_axes() const {
  std::vector<int> a;
  for (int d = 0; d < 3; ++d)
    if (dims_[d] > 1) a.push_back(d);
  return a;
}

GridDims GridLayout::coords(int r) const {
  return {r % dims_[0], (r / dims_[0]) % dims_[1], r / (dims_[0] * dims_[1])};
}

int GridLayout::owner_on(int d, double s) const {
  // Last plane b with b <= s among planes[0..p-1].
  const auto first = planes_[d].begin();
  const auto last = planes_[d].end() - 1;
  auto it = std::upper_bound(first, last, s);
  if (it == first) return 0;
  return static_cast<int>(it - first) - 1;
}

int GridLayout::owner(const double x[3]) const {
  return rank_at({owner_on(0, x[0]), owner_on(1, x[1]), owner_on(2, x[2])});
}

int GridLayout::neighbor(int r, int d, int dir) const {
  GridDims c = coords(r);
  const int p = dims_[d];
  c[d] += dir;
  if (c[d] < 0 || c[d] >= p) {
    if (!periodic(d)) return MPI_PROC_NULL;
    c[d] = (c[d] + p) % p;
  }
  return rank_at(c);
}

BoxGeometry GridLayout::geometry(int r) const {
  BoxGeometry g{};
  const GridDims c = coords(r);
  const double inf = std::numeric_limits<double>::infinity();
  for (int d = 0; d < 3; ++d) {
    g.L[d] = system_.box[d];
    g.periodic[d] = periodic(d);
    g.lo[d] = c[d] == 0 ? -inf : planes_[d][c[d]];
    g.hi[d] = c[d] == dims_[d] - 1 ? inf : planes_[d][c[d] + 1];
  }
  return g;
}

}  // namespace strata
