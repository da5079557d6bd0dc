#pragma once
// 12-6 Lennard-Jones, U(r) = 4 eps [(sigma/r)^12 - (sigma/r)^6] (LAMMPS
// pair lj/cut). Also WCA: the same cut at 2^(1/6) sigma and shifted (the
// deck's mapping in src/Interactions.cpp).
#include <Kokkos_Core.hpp>

#include "kernels/PairPotential.hpp"

namespace strata {

struct LennardJones {
  static constexpr const char* name = "LennardJones";
  // force_divr uses + - * / only: it runs on SIMD vectors (kernels/SimdReal.hpp).
  static constexpr bool arithmetic_only = true;

  struct Params {
    double lj1;  // 48 eps sigma^12
    double lj2;  // 24 eps sigma^6
    double lj3;  // 4 eps sigma^12
    double lj4;  // 4 eps sigma^6
    Params scaled(double f) const { return {f * lj1, f * lj2, f * lj3, f * lj4}; }
  };

  static Params params(double epsilon, double sigma) {
    const double s6 = sigma * sigma * sigma * sigma * sigma * sigma;
    return {48.0 * epsilon * s6 * s6, 24.0 * epsilon * s6, 4.0 * epsilon * s6 * s6, 4.0 * epsilon * s6};
  }

  template <class Real>
  KOKKOS_INLINE_FUNCTION static Real force_divr(const Params& c, Real rsq, Real& energy) {
    const Real r2inv = Real(1) / rsq;
    const Real r6inv = r2inv * r2inv * r2inv;
    energy = r6inv * (Real(c.lj3) * r6inv - Real(c.lj4));
    return r6inv * (Real(c.lj1) * r6inv - Real(c.lj2)) * r2inv;
  }

  // Long-range (tail) integrals of one pair beyond its cutoff, for the
  // corrections of a homogeneous fluid (g(r) = 1 beyond rc):
  //   int_rc^inf r^2 U(r) dr     and     int_rc^inf r^3 U'(r) dr.
  static double tail_energy_integral(const Params& c, double rc) {
    const double rc3 = rc * rc * rc;
    return c.lj3 / (9.0 * rc3 * rc3 * rc3) - c.lj4 / (3.0 * rc3);
  }
  static double tail_virial_integral(const Params& c, double rc) {
    const double rc3 = rc * rc * rc;
    return -4.0 * c.lj3 / (3.0 * rc3 * rc3 * rc3) + 2.0 * c.lj4 / rc3;
  }
};

// U(rc) as 1/rc^6 in one division, as the LJ kernel always computed it (so
// shifted LJ energies are bitwise what they were before the seam).
template <>
inline double cutoff_energy<LennardJones>(const LennardJones::Params& c, double rc) {
  const double r6inv = 1.0 / (rc * rc * rc * rc * rc * rc);
  return r6inv * (c.lj3 * r6inv - c.lj4);
}

}  // namespace strata
