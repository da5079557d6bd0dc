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

  template <class Real>
  KOKKOS_INLINE_FUNCTION static Real force_divr(const Params& c, Real rsq, Real& energy) {
    const Real kappa = Real(c.kappa);
    const Real r = math::sqrt(rsq);
    const Real rinv = Real(1) / r;
    const Real screening = Real(c.a) * math::exp(-kappa * r);
    energy = screening * rinv;
    // -dU/dr = A exp(-kappa r) (kappa + 1/r) / r
    return screening * (kappa + rinv) * rinv * rinv;
  }
};

}  // namespace strata
