#pragma once
// Which rank owns which part of the box. The box is cut into P slabs along
// one axis; slab r is [bound(r), bound(r+1)). The bounds are data (not
// r*L/P), so a load balancer can move them; everyone who needs to know who
// owns a point asks this object.
#include <mpi.h>

#include <Kokkos_Core.hpp>
#include <string>
#include <vector>

#include "kernels/Particles.hpp"
#include "kernels/Propagators.hpp"
#include "core/Box.hpp"

namespace strata {

class SlabLayout {
 public:
  // Equal-width slabs along `axis` for `ranks` ranks.
  static SlabLayout uniform(const SystemBox& system, int axis, int ranks);
  // Slabs with the given P+1 bounds (bounds[0] == 0, bounds[P] == L, non-decreasing).
  SlabLayout(const SystemBox& system, int axis, std::vector<double> bounds);

  int ranks() const { return static_cast<int>(bounds_.size()) - 1; }
  int axis() const { return axis_; }
  double length() const { return system_.box[axis_]; }
  bool periodic() const { return system_.boundary[axis_] == Boundary::Periodic; }
  double lo(int r) const { return bounds_[r]; }
  double hi(int r) const { return bounds_[r + 1]; }
  const std::vector<double>& bounds() const { return bounds_; }

  // The rank whose slab holds coordinate s (clamped: s < 0 -> 0, s >= L -> last).
  int owner(double s) const;
  // Neighbours along the axis; MPI_PROC_NULL at a reflecting wall. With
  // P == 1 on a periodic axis both are the rank itself; with P == 2 both
  // are the other rank.
  int left_of(int r) const;
  int right_of(int r) const;

  // What rank r's kernels need: box, boundaries, and its slab with open ends
  // at the box walls (nothing lies beyond them after the boundary is applied).
  BoxGeometry geometry(int r) const;

 private:
  SystemBox system_;
  int axis_;
  std::vector<double> bounds_;
};

}  // namespace strata
