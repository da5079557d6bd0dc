#pragma once
// Finding the particle that blew a run up. The step loop notices a blow-up
// in reductions it does anyway (the largest displacement since the last list
// build, which integrators under forces make non-finite or huge when a
// position is; the thermo sums); only then does it call first_unhealthy_row()
// to name a particle, so a healthy step pays nothing for it.
//
// Contract: reads owned rows [0, p.size) of position, velocity, force (when
// allocated) and `build` (each row's position at the last list build, when
// it has as many rows); writes nothing.
#include <Kokkos_Core.hpp>

#include <climits>

#include "kernels/Math.hpp"
#include "kernels/Particles.hpp"

namespace strata {

// Why a row is unhealthy (0: it is not).
enum class RowHealth { Fine = 0, NonFinitePosition, NonFiniteVelocity, NonFiniteForce, MovedTooFar };

struct UnhealthyRow {
  Vec3View position, velocity, force, build;
  double moved_limit_sq;  // displacement since the last build a healthy row stays below

  KOKKOS_INLINE_FUNCTION static bool finite3(const Vec3View& v, std::size_t i) {
    // x - x is 0 for finite x and NaN for NaN or infinity.
    return (v(i, 0) - v(i, 0)) == 0.0 && (v(i, 1) - v(i, 1)) == 0.0 && (v(i, 2) - v(i, 2)) == 0.0;
  }
  KOKKOS_INLINE_FUNCTION int health(std::size_t i) const {
    if (!finite3(position, i)) return static_cast<int>(RowHealth::NonFinitePosition);
    if (!finite3(velocity, i)) return static_cast<int>(RowHealth::NonFiniteVelocity);
    if (i < force.extent(0) && !finite3(force, i)) return static_cast<int>(RowHealth::NonFiniteForce);
    if (i < build.extent(0)) {
      double s = 0.0;
      for (int d = 0; d < 3; ++d) s += (position(i, d) - build(i, d)) * (position(i, d) - build(i, d));
      if (s > moved_limit_sq) return static_cast<int>(RowHealth::MovedTooFar);
    }
    return static_cast<int>(RowHealth::Fine);
  }
  KOKKOS_INLINE_FUNCTION void operator()(const std::size_t i, int& first) const {
    if (health(i) != 0 && static_cast<int>(i) < first) first = static_cast<int>(i);
  }
};

// The lowest owned row that is unhealthy, or -1.
inline int first_unhealthy_row(const Particles& p, const Vec3View& build, double moved_limit_sq) {
  int first = INT_MAX;
  Kokkos::parallel_reduce("FirstUnhealthyRow", Kokkos::RangePolicy<ExecSpace>(0, p.size),
                          UnhealthyRow{p.position, p.velocity, p.force, build, moved_limit_sq},
                          Kokkos::Min<int>(first));
  return first == INT_MAX ? -1 : first;
}

}  // namespace strata
