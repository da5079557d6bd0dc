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

  template <class Real>
  KOKKOS_INLINE_FUNCTION static Real force_divr(const Params& c, Real rsq, Real& energy) {
    const Real a = Real(c.a), pi_over_rc = Real(c.pi_over_rc);
    const Real r = math::sqrt(rsq);
    const Real arg = pi_over_rc * r;
    energy = a * (Real(1) + math::cos(arg));
    // -dU/dr = A (pi / rc) sin(pi r / rc); zero at r = 0, where the
    // direction is undefined (LAMMPS does the same).
    return r > Real(0) ? a * pi_over_rc * math::sin(arg) / r : Real(0);
  }
};

}  // namespace strata
