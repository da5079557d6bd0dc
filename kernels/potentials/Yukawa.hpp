#pragma once
// Screened Coulomb (Yukawa), U(r) = A exp(-kappa r) / r (LAMMPS pair
// yukawa: kappa global, A per species pair, mixed geometrically).
#include <Kokkos_Core.hpp>

#include "kernels/Math.hpp"
#include "kernels/PairPotential.hpp"

namespace strata {

struct Yukawa {
  static constexpr const char* name = "Yukawa";

  struct Params {
    double a;      // amplitude, epsilon sigma
    double kappa;  // inverse screening length, 1/sigma
    Params scaled(double f) const { return {f * a, kappa}; }
  };

  KOKKOS_INLINE_FUNCTION static double force_divr(const Params& c, double rsq, double& energy) {
    const double r = math::sqrt(rsq);
    const double rinv = 1.0 / r;
    const double screening = c.a * math::exp(-c.kappa * r);
    energy = screening * rinv;
    // -dU/dr = A exp(-kappa r) (kappa + 1/r) / r
    return screening * (c.kappa + rinv) * rinv * rinv;
  }
};

}  // namespace strata
