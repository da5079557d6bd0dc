#pragma once
// Soft cosine repulsion, U(r) = A [1 + cos(pi r / rc)] for r < rc (LAMMPS
// pair soft): finite at r = 0 (2 A) and zero with zero force at rc, so it
// pushes apart overlapping particles of a random placement without blowing
// up. A per species pair, mixed geometrically; rc is the pair's cutoff.
#include <Kokkos_Core.hpp>

#include "kernels/Math.hpp"
#include "kernels/PairPotential.hpp"

namespace strata {

struct Soft {
  static constexpr const char* name = "Soft";

  struct Params {
    double a;           // amplitude, epsilon
    double pi_over_rc;  // 1/sigma
    Params scaled(double f) const { return {f * a, pi_over_rc}; }
  };

  static Params params(double amplitude, double cutoff) { return {amplitude, 3.14159265358979323846 / cutoff}; }

  KOKKOS_INLINE_FUNCTION static double force_divr(const Params& c, double rsq, double& energy) {
    const double r = math::sqrt(rsq);
    const double arg = c.pi_over_rc * r;
    energy = c.a * (1.0 + math::cos(arg));
    // -dU/dr = A (pi / rc) sin(pi r / rc); zero at r = 0, where the
    // direction is undefined (LAMMPS does the same).
    return r > 0.0 ? c.a * c.pi_over_rc * math::sin(arg) / r : 0.0;
  }
};

}  // namespace strata
