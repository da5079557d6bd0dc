#pragma once
// Morse, U(r) = D0 [exp(-2 alpha (r - r0)) - 2 exp(-alpha (r - r0))]: a well
// of depth D0 at r0, width ~1/alpha (LAMMPS pair morse, same parameters).
// The parameters do not mix: every species pair is given explicitly.
#include <Kokkos_Core.hpp>

#include "kernels/Math.hpp"
#include "kernels/PairPotential.hpp"

namespace strata {

struct Morse {
  static constexpr const char* name = "Morse";

  struct Params {
    double d0;     // well depth, epsilon
    double alpha;  // 1/sigma
    double r0;     // sigma
    Params scaled(double f) const { return {f * d0, alpha, r0}; }
  };

  template <class Real>
  KOKKOS_INLINE_FUNCTION static Real force_divr(const Params& c, Real rsq, Real& energy) {
    const Real d0 = Real(c.d0), alpha = Real(c.alpha);
    const Real r = math::sqrt(rsq);
    const Real e = math::exp(-alpha * (r - Real(c.r0)));
    energy = d0 * (e * e - Real(2) * e);
    // -dU/dr = 2 alpha D0 (e^2 - e)
    return Real(2) * alpha * d0 * (e * e - e) / r;
  }
};

}  // namespace strata
