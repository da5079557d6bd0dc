// Walls and body forces (kernels/ExternalForces.hpp): wall forces are minus
// the gradient of the wall energies, the energies follow LAMMPS' formulas
// (fix wall/lj93 shifted to zero at its cutoff, fix wall/harmonic), and the
// kernel adds to the pair forces, with the energy and virial it tallies.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "kernels/ExternalForces.hpp"
#include "src/Interactions.hpp"

using namespace strata;

namespace {

// -dU/dr by central differences, step h (Richardson-free: h chosen so the
// truncation error is below 1e-9 relative for these smooth functions).
double finite_difference_force(const WallFace& w, double r, double h) {
  double up = 0.0, down = 0.0;
  w.force(r + h, up);
  w.force(r - h, down);
  return -(up - down) / (2.0 * h);
}

TEST(ExternalForces, WallForcesAreMinusTheGradientOfTheirEnergy) {
  const WallFace lj93 = wall_face(WallKind::LennardJones93, 1.5, 0.9, 2.2);
  const WallFace harmonic = wall_face(WallKind::Harmonic, 3.0, 1.0, 1.7);
  for (const WallFace* w : {&lj93, &harmonic}) {
    double worst = 0.0;
    int n = 0;
    for (double r : {0.6, 0.75, 0.9, 1.1, 1.4, 1.65, 2.0}) {
      if (r >= w->cutoff - 1e-3) continue;
      double e = 0.0;
      const double f = w->force(r, e);
      const double fd = finite_difference_force(*w, r, 1e-5 * r);
      EXPECT_NEAR(f, fd, 1e-7 * std::abs(f)) << "kind " << w->kind << " r " << r;
      worst = std::max(worst, std::abs(f - fd) / std::abs(f));
      ++n;
    }
    std::printf("%s wall: largest |F - (-dU/dr)| / |F| %.3g over %d distances (bound 1e-7)\n",
                w == &lj93 ? "lj93" : "harmonic", worst, n);
  }
}

TEST(ExternalForces, WallEnergiesFollowLammpsAndVanishAtTheCutoff) {
  const double eps = 1.5, sigma = 0.9, rc = 2.2;
  const WallFace lj93 = wall_face(WallKind::LennardJones93, eps, sigma, rc);
  auto u = [&](double r) { return eps * (2.0 / 15.0 * std::pow(sigma / r, 9) - std::pow(sigma / r, 3)); };
  for (double r : {0.7, 1.0, 1.8}) {
    double e = 0.0;
    lj93.force(r, e);
    EXPECT_NEAR(e, u(r) - u(rc), 1e-13 * std::abs(u(r)));
  }
  // The 9-3 minimum is at r = (2/5)^(1/6) sigma: no force there.
  double e = 0.0;
  EXPECT_NEAR(lj93.force(std::pow(0.4, 1.0 / 6.0) * sigma, e), 0.0, 1e-12);
  EXPECT_EQ(lj93.force(rc, e), 0.0);
  EXPECT_EQ(e, 0.0);
  const WallFace harmonic = wall_face(WallKind::Harmonic, 3.0, 1.0, 1.7);
  EXPECT_DOUBLE_EQ(harmonic.force(1.2, e), 2.0 * 3.0 * 0.5);
  EXPECT_DOUBLE_EQ(e, 3.0 * 0.25);
  EXPECT_EQ(harmonic.force(1.8, e), 0.0);
}

// Two particles in a box 10 high with a harmonic wall on zlo and an LJ 9-3
// wall on zhi, and a body force on species 1: forces add to what the array
// held, and energy and virial are the sums over particles and faces.
TEST(ExternalForces, KernelAddsForcesEnergyAndVirialOfEveryFace) {
  ExternalField field;
  field.L[0] = field.L[1] = field.L[2] = 10.0;
  field.energy_axis[2] = true;  // z is not periodic
  field.wall[2][0] = wall_face(WallKind::Harmonic, 2.0, 1.0, 1.5);
  field.wall[2][1] = wall_face(WallKind::LennardJones93, 1.0, 1.0, 2.5);
  field.walls = true;
  field.body_force[1][0] = 0.25;
  field.body_force[1][2] = -0.5;
  field.body = true;
  Particles p;
  p.allocate(2, true);
  p.size = 2;
  auto h_x = Kokkos::create_mirror_view(p.position);
  auto h_f = Kokkos::create_mirror_view(p.force);
  auto h_s = Kokkos::create_mirror_view(p.species);
  const double z[2] = {0.5, 8.7};
  for (int i = 0; i < 2; ++i) {
    h_x(i, 0) = 1.0 + i;
    h_x(i, 1) = 2.0;
    h_x(i, 2) = z[i];
    for (int d = 0; d < 3; ++d) h_f(i, d) = 0.125 * (d + 1);  // what the pair kernel left
    h_s(i) = i;
  }
  Kokkos::deep_copy(p.position, h_x);
  Kokkos::deep_copy(p.force, h_f);
  Kokkos::deep_copy(p.species, h_s);
  const PairSums sums = add_external_forces(p, field, true);
  auto f = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.force);
  double e_lo = 0.0, e_hi = 0.0;
  const double f_lo = field.wall[2][0].force(0.5, e_lo);         // particle 0, 0.5 from zlo
  const double f_hi = field.wall[2][1].force(10.0 - 8.7, e_hi);  // particle 1, 1.3 from zhi
  EXPECT_DOUBLE_EQ(f(0, 2), 0.375 + f_lo);
  EXPECT_DOUBLE_EQ(f(1, 2), 0.375 - f_hi - 0.5);
  EXPECT_DOUBLE_EQ(f(1, 0), 0.125 + 0.25);
  EXPECT_DOUBLE_EQ(f(0, 0), 0.125);
  // U = walls - F . x along z only (x is periodic: no potential there).
  EXPECT_NEAR(sums.energy, e_lo + e_hi + 0.5 * 8.7, 1e-14);
  EXPECT_NEAR(sums.virial, f_lo * 0.5 + (-f_hi) * (8.7 - 10.0), 1e-14);
}

}  // namespace
