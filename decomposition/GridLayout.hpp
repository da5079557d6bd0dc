#pragma once
// Which rank owns which part of the box. The box is cut by planes into a
// px x py x pz grid of bricks (tensor-product planes: every plane spans the
// whole box); ranks are numbered x fastest, rank = cx + px (cy + py cz).
// Brick r is [planes_d(c_d), planes_d(c_d + 1)) on every axis d. Slabs are
// the grid with one cut axis. The planes are data (not c L / p), so a load
// balancer can move them; everyone who needs to know who owns a point asks
// this object.
#include <mpi.h>

#include <array>
#include <vector>

#include "core/Box.hpp"
#include "kernels/Propagators.hpp"

namespace strata {

using GridDims = std::array<int, 3>;
using GridPlanes = std::array<std::vector<double>, 3>;

class GridLayout {
 public:
  // P equal-width slabs along `axis`.
  static GridLayout slab(const SystemBox& system, int axis, int ranks);
  // Slabs along `axis` with the given P + 1 bounds (0 ... L, non-decreasing).
  static GridLayout slab(const SystemBox& system, int axis, const std::vector<double>& bounds);
  // Equal-width bricks on the grid `dims`. `primary_axis` only orders a
  // one-rank run's periodic images (HaloExchange): the slab axis, so a
  // one-rank run is the same whichever way it was asked for.
  static GridLayout uniform(const SystemBox& system, const GridDims& dims, int primary_axis = 0);
  // Bricks with the given planes: planes[d] holds dims[d] + 1 values from 0
  // to L_d, non-decreasing.
  GridLayout(const SystemBox& system, const GridPlanes& planes, int primary_axis = 0);

  int ranks() const { return dims_[0] * dims_[1] * dims_[2]; }
  const GridDims& dims() const { return dims_; }
  const GridPlanes& planes() const { return planes_; }
  const std::vector<double>& planes(int d) const { return planes_[d]; }
  int primary_axis() const { return primary_; }
  // The axes cut by at least one plane, in increasing order.
  std::vector<int> cut_axes() const;
  // A slab layout: at most one axis is cut.
  bool is_slab() const { return cut_axes().size() <= 1; }
  const SystemBox& system() const { return system_; }
  bool periodic(int d) const { return system_.boundary[d] == Boundary::Periodic; }

  GridDims coords(int r) const;
  int rank_at(const GridDims& c) const { return c[0] + dims_[0] * (c[1] + dims_[1] * c[2]); }
  double lo(int r, int d) const { return planes_[d][coords(r)[d]]; }
  double hi(int r, int d) const { return planes_[d][coords(r)[d] + 1]; }

  // The grid coordinate along d whose interval holds s (clamped: s < 0 -> 0,
  // s >= L -> last; an empty interval [b, b) never owns anything).
  int owner_on(int d, double s) const;
  int owner(const double x[3]) const;
  // The neighbour of r one step along axis d (dir = -1 or +1); MPI_PROC_NULL
  // beyond a reflecting wall. With one rank along a periodic axis it is r
  // itself; with two, both directions are the other rank.
  int neighbor(int r, int d, int dir) const;

  // What rank r's kernels need: box, boundaries, and its brick with open
  // ends at the box walls (nothing lies beyond them after the boundary is applied).
  BoxGeometry geometry(int r) const;

 private:
  SystemBox system_;
  GridDims dims_{1, 1, 1};
  GridPlanes planes_;
  int primary_ = 0;
};

}  // namespace strata
