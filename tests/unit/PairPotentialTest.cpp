// Every pair potential through the one neighbour loop (kernels/PairPotential):
// forces are minus the gradient of the energies the same kernel tallies,
// energies follow the published formulas, cutoffs, shifts and the energy
// scale of the amplitude ramp act alike on all, and the deck's mixing
// (src/Interactions.cpp) gives the documented coefficients. The LJ tail
// corrections match the textbook closed form and a numerical integral.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "kernels/NeighborList.hpp"
#include "kernels/PairPotential.hpp"
#include "kernels/potentials/LennardJones.hpp"
#include "kernels/potentials/Morse.hpp"
#include "kernels/potentials/Soft.hpp"
#include "kernels/potentials/Yukawa.hpp"
#include "src/Interactions.hpp"

using namespace strata;

namespace {

constexpr double kPi = 3.14159265358979323846;

// Two particles of species (si, sj) r apart along (0.6, 0.8, 0), through the
// kernel: the force on the second one along the separation (positive =
// repulsive) and the pair energy.
template <class Potential>
std::pair<double, double> pair_through_kernel(const PairTable<Potential>& t, double r, int si = 0, int sj = 0) {
  Particles p;
  p.allocate(2, true);
  p.size = 2;
  auto h_x = Kokkos::create_mirror_view(p.position);
  auto h_s = Kokkos::create_mirror_view(p.species);
  const double x0[3] = {3.0, 3.0, 3.0}, u[3] = {0.6, 0.8, 0.0};
  for (int d = 0; d < 3; ++d) {
    h_x(0, d) = x0[d];
    h_x(1, d) = x0[d] + r * u[d];
  }
  h_s(0) = si;
  h_s(1) = sj;
  Kokkos::deep_copy(p.position, h_x);
  Kokkos::deep_copy(p.species, h_s);
  NeighborList list;
  list.build(p.position, 2, 2, BinningBox{{0.0, 0.0, 0.0}, {12.0, 12.0, 12.0}}, t.max_cutoff + 0.5);
  const PairSums sums = compute_pair_forces(p, list, t, true);
  auto f = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.force);
  const double along = f(1, 0) * u[0] + f(1, 1) * u[1] + f(1, 2) * u[2];
  // Newton's third law, exactly (one pair, one reaction).
  for (int d = 0; d < 3; ++d) EXPECT_EQ(f(0, d), -f(1, d));
  // The virial of one pair is r * F(r).
  EXPECT_NEAR(sums.virial, r * along, 1e-13 * std::abs(r * along) + 1e-300);
  return {along, sums.energy};
}

// -dU/dr from the kernel's own energies, central differences.
template <class Potential>
double minus_gradient(const PairTable<Potential>& t, double r, int si = 0, int sj = 0) {
  const double h = 1e-5 * r;
  return -(pair_through_kernel(t, r + h, si, sj).second - pair_through_kernel(t, r - h, si, sj).second) / (2.0 * h);
}

// Force = -dU/dr to 1e-7 and U = the published formula (minus its value at
// the cutoff) to 1e-12 at every distance given.
template <class Potential>
void expect_consistent(const char* what, const PairTable<Potential>& t, const std::vector<double>& distances,
                       const std::function<double(double)>& formula, double rc, bool shifted) {
  double worst = 0.0;
  for (double r : distances) {
    SCOPED_TRACE(std::string(what) + " at r = " + std::to_string(r));
    const auto [force, energy] = pair_through_kernel(t, r);
    const double fd = minus_gradient(t, r);
    EXPECT_NEAR(force, fd, 1e-7 * std::abs(force));
    worst = std::max(worst, std::abs(force - fd) / std::abs(force));
    EXPECT_GT(std::abs(force), 1e-3);  // a distance where the test means something
    const double u = formula(r) - (shifted ? formula(rc) : 0.0);
    EXPECT_NEAR(energy, u, 1e-12 * (std::abs(formula(r)) + 1.0));
  }
  std::printf("%s: largest |F - (-dU/dr)| / |F| %.2e over %zu distances (bound 1e-7)\n", what, worst,
              distances.size());
}

double lj(double eps, double sigma, double r) {
  const double s6 = std::pow(sigma / r, 6);
  return 4.0 * eps * (s6 * s6 - s6);
}
double morse(double d0, double alpha, double r0, double r) {
  const double e = std::exp(-alpha * (r - r0));
  return d0 * (e * e - 2.0 * e);
}
double yukawa(double a, double kappa, double r) { return a * std::exp(-kappa * r) / r; }
double soft(double a, double rc, double r) { return a * (1.0 + std::cos(kPi * r / rc)); }

}  // namespace

TEST(PairPotentials, LennardJonesForceIsMinusTheEnergyGradient) {
  PairTable<LennardJones> t{};
  t.set(0, 0, LennardJones::params(1.5, 0.9), 2.5, true);
  expect_consistent("lj", t, {0.8, 0.95, 1.2, 1.6, 2.2, 2.45}, [](double r) { return lj(1.5, 0.9, r); }, 2.5, true);
}

TEST(PairPotentials, WcaForceIsMinusTheEnergyGradientAndVanishesAtTheMinimum) {
  Config cfg;
  cfg.interaction.kind = InteractionKind::Wca;
  cfg.interaction.shift = true;
  cfg.species.names = {"A"};
  cfg.species.epsilon = {0.7};
  cfg.species.sigma = {1.3};
  const PairTable<LennardJones> t = lennard_jones_table(cfg);
  const double rc = std::pow(2.0, 1.0 / 6.0) * 1.3;
  EXPECT_DOUBLE_EQ(t.max_cutoff, rc);
  expect_consistent("wca", t, {1.05, 1.2, 1.3, 1.4}, [](double r) { return lj(0.7, 1.3, r); }, rc, true);
  // Shifted by +eps: U(rc-) = 0 from above, purely repulsive.
  const auto [f, e] = pair_through_kernel(t, rc * (1.0 - 1e-9));
  EXPECT_NEAR(e, 0.0, 1e-12);
  EXPECT_NEAR(f, 0.0, 1e-6);
  EXPECT_NEAR(t.shift[0][0], -0.7, 1e-14);
}

TEST(PairPotentials, MorseForceIsMinusTheEnergyGradient) {
  PairTable<Morse> t{};
  t.set(0, 0, Morse::Params{1.2, 3.0, 1.1}, 2.5, true);
  expect_consistent("morse", t, {0.8, 1.0, 1.25, 1.6, 2.1}, [](double r) { return morse(1.2, 3.0, 1.1, r); }, 2.5,
                    true);
  // The minimum is at r0, -D0 deep (unshifted).
  PairTable<Morse> u{};
  u.set(0, 0, Morse::Params{1.2, 3.0, 1.1}, 2.5, false);
  const auto [f, e] = pair_through_kernel(u, 1.1);
  EXPECT_NEAR(e, -1.2, 1e-14);
  EXPECT_NEAR(f, 0.0, 1e-14);
}

TEST(PairPotentials, YukawaForceIsMinusTheEnergyGradient) {
  PairTable<Yukawa> t{};
  t.set(0, 0, Yukawa::Params{5.0, 2.0}, 3.0, false);
  expect_consistent("yukawa", t, {0.5, 0.9, 1.3, 2.0, 2.9}, [](double r) { return yukawa(5.0, 2.0, r); }, 3.0,
                    false);
  PairTable<Yukawa> s{};
  s.set(0, 0, Yukawa::Params{5.0, 2.0}, 3.0, true);
  expect_consistent("yukawa shifted", s, {0.9, 2.0}, [](double r) { return yukawa(5.0, 2.0, r); }, 3.0, true);
}

TEST(PairPotentials, SoftForceIsMinusTheEnergyGradientAndFiniteAtContact) {
  PairTable<Soft> t{};
  t.set(0, 0, Soft::params(30.0, 1.12), 1.12, false);
  expect_consistent("soft", t, {0.05, 0.3, 0.56, 0.9, 1.1}, [](double r) { return soft(30.0, 1.12, r); }, 1.12, false);
  // Coincident particles (a random placement can make them): energy 2 A, no force, no NaN.
  const auto [f, e] = pair_through_kernel(t, 0.0);
  EXPECT_EQ(f, 0.0);
  EXPECT_DOUBLE_EQ(e, 60.0);
}

TEST(PairPotentials, PairsAtOrBeyondTheirCutoffDoNothing) {
  PairTable<LennardJones> lj_t{};
  lj_t.set(0, 0, LennardJones::params(1.0, 1.0), 2.5, false);
  PairTable<Morse> morse_t{};
  morse_t.set(0, 0, Morse::Params{1.0, 2.0, 1.0}, 2.0, false);
  PairTable<Yukawa> yukawa_t{};
  yukawa_t.set(0, 0, Yukawa::Params{5.0, 1.0}, 2.0, false);
  PairTable<Soft> soft_t{};
  soft_t.set(0, 0, Soft::params(10.0, 1.5), 1.5, false);
  for (double beyond : {1.0 + 1e-9, 1.1}) {
    EXPECT_EQ(pair_through_kernel(lj_t, 2.5 * beyond).second, 0.0);
    EXPECT_EQ(pair_through_kernel(morse_t, 2.0 * beyond).first, 0.0);
    EXPECT_EQ(pair_through_kernel(yukawa_t, 2.0 * beyond).first, 0.0);
    EXPECT_EQ(pair_through_kernel(soft_t, 1.5 * beyond).second, 0.0);
  }
  // Just inside, each acts.
  EXPECT_NE(pair_through_kernel(lj_t, 2.49).first, 0.0);
  EXPECT_NE(pair_through_kernel(yukawa_t, 1.99).first, 0.0);
}

// The amplitude ramp scales every pair's energy and force (shift included)
// by the factor, for every potential.
TEST(PairPotentials, EnergyScaleMultipliesForceAndEnergyOfEveryPotential) {
  const double f = 0.37;
  const auto check = [f](const auto& t, double r) {
    const auto [f1, e1] = pair_through_kernel(t, r);
    const auto [fs, es] = pair_through_kernel(t.scaled(f), r);
    EXPECT_NEAR(fs, f * f1, 1e-14 * std::abs(f1));
    EXPECT_NEAR(es, f * e1, 1e-14 * std::abs(e1));
    EXPECT_NE(e1, 0.0);
  };
  PairTable<LennardJones> lj_t{};
  lj_t.set(0, 0, LennardJones::params(1.0, 1.0), 2.5, true);
  check(lj_t, 1.05);
  PairTable<Morse> morse_t{};
  morse_t.set(0, 0, Morse::Params{1.0, 2.0, 1.0}, 2.5, true);
  check(morse_t, 1.3);
  PairTable<Yukawa> yukawa_t{};
  yukawa_t.set(0, 0, Yukawa::Params{5.0, 1.0}, 2.5, true);
  check(yukawa_t, 1.3);
  PairTable<Soft> soft_t{};
  soft_t.set(0, 0, Soft::params(10.0, 1.5), 1.5, false);
  check(soft_t, 0.7);
}

// Deck to tables: mixing and explicit pairs for every potential that mixes.
TEST(PairPotentials, MixingAndExplicitPairsForEveryPotential) {
  Config cfg;
  cfg.species.names = {"A", "B"};
  cfg.species.epsilon = {1.0, 0.25};
  cfg.species.sigma = {1.0, 2.0};
  cfg.species.amplitude = {4.0, 9.0};
  cfg.interaction.cutoff = 3.0;

  cfg.interaction.kind = InteractionKind::Wca;
  cfg.interaction.shift = true;
  const PairTable<LennardJones> wca = lennard_jones_table(cfg);
  // Lorentz-Berthelot: eps_AB = 0.5, sigma_AB = 1.5, cut at 2^(1/6) 1.5.
  EXPECT_DOUBLE_EQ(wca.coeff[0][1].lj4, 4.0 * 0.5 * std::pow(1.5, 6));
  EXPECT_DOUBLE_EQ(std::sqrt(wca.cutsq[1][0]), std::pow(2.0, 1.0 / 6.0) * 1.5);
  EXPECT_DOUBLE_EQ(wca.shift[0][1], -0.5);
  EXPECT_DOUBLE_EQ(wca.max_cutoff, std::pow(2.0, 1.0 / 6.0) * 2.0);

  cfg.interaction.kind = InteractionKind::Yukawa;
  cfg.interaction.kappa = 1.5;
  cfg.interaction.shift = false;
  const PairTable<Yukawa> y = yukawa_table(cfg);
  EXPECT_DOUBLE_EQ(y.coeff[0][1].a, 6.0);  // sqrt(4 * 9)
  EXPECT_DOUBLE_EQ(y.coeff[1][1].a, 9.0);
  EXPECT_DOUBLE_EQ(y.coeff[1][0].kappa, 1.5);
  EXPECT_DOUBLE_EQ(y.cutsq[0][1], 9.0);

  cfg.interaction.kind = InteractionKind::Soft;
  PairCoefficients ab;
  ab.a = 0;
  ab.b = 1;
  ab.amplitude = 2.0;
  ab.cutoff = 1.2;
  cfg.interaction.pairs = {ab};
  const PairTable<Soft> s = soft_table(cfg);
  EXPECT_DOUBLE_EQ(s.coeff[0][1].a, 2.0);  // explicit
  EXPECT_DOUBLE_EQ(s.coeff[1][0].pi_over_rc, kPi / 1.2);
  EXPECT_DOUBLE_EQ(s.coeff[0][0].a, 4.0);  // mixed from the species
  EXPECT_DOUBLE_EQ(s.coeff[0][0].pi_over_rc, kPi / 3.0);
  EXPECT_DOUBLE_EQ(s.max_cutoff, 3.0);

  cfg.interaction.kind = InteractionKind::Morse;
  PairCoefficients m;
  m.d0 = 2.0;
  m.alpha = 3.0;
  m.r0 = 1.25;
  m.cutoff = 2.75;
  cfg.interaction.pairs.clear();
  for (int a = 0; a < 2; ++a)
    for (int b = a; b < 2; ++b) {
      m.a = a;
      m.b = b;
      m.d0 = 1.0 + a + b;
      cfg.interaction.pairs.push_back(m);
    }
  const PairTable<Morse> mt = morse_table(cfg);
  EXPECT_DOUBLE_EQ(mt.coeff[1][0].d0, 2.0);
  EXPECT_DOUBLE_EQ(mt.coeff[1][1].d0, 3.0);
  EXPECT_DOUBLE_EQ(mt.coeff[0][1].r0, 1.25);
  EXPECT_DOUBLE_EQ(mt.max_cutoff, 2.75);
  EXPECT_DOUBLE_EQ(make_pair_force(cfg)->max_cutoff(), 2.75);
}

TEST(PairPotentials, AmplitudeFactorRampsLinearlyOverTheRun) {
  Config cfg;
  cfg.run.steps = 200;
  cfg.interaction.amplitude_ramp = {0.1, 1.0};
  EXPECT_DOUBLE_EQ(amplitude_factor(cfg, 0), 0.1);
  EXPECT_DOUBLE_EQ(amplitude_factor(cfg, 100), 0.55);
  EXPECT_DOUBLE_EQ(amplitude_factor(cfg, 200), 1.0);
  cfg.interaction.amplitude_ramp = {1.0, 1.0};
  EXPECT_EQ(amplitude_factor(cfg, 137), 1.0);  // exactly: no ramp leaves the table untouched
}

// The LJ liquid at the triple-point density 0.8442 (2048 atoms, rc = 2.5):
// the textbook corrections (Allen & Tildesley, eqs. 2.143-2.144)
//   E_tail / N = (8/3) pi rho eps sigma^3 [ (1/3)(sigma/rc)^9 - (sigma/rc)^3 ]
//   P_tail     = (16/3) pi rho^2 eps sigma^3 [ (2/3)(sigma/rc)^9 - (sigma/rc)^3 ].
TEST(PairPotentials, LennardJonesTailMatchesTheTextbookFormula) {
  Config cfg;
  cfg.interaction.kind = InteractionKind::LennardJones;
  cfg.interaction.tail = true;
  cfg.interaction.cutoff = 2.5;
  const double n = 2048, rho = 0.8442, L = std::cbrt(n / rho);
  cfg.system.box = {L, L, L};
  std::array<double, kMaxSpecies> counts{};
  counts[0] = n;
  const PairTail tail = pair_tail(cfg, counts);
  const double x = 1.0 / 2.5;
  const double e = 8.0 / 3.0 * kPi * rho * (std::pow(x, 9) / 3.0 - std::pow(x, 3));
  const double p = 16.0 / 3.0 * kPi * rho * rho * (2.0 / 3.0 * std::pow(x, 9) - std::pow(x, 3));
  EXPECT_NEAR(tail.energy / n, e, 1e-13 * std::abs(e));
  EXPECT_NEAR(tail.virial / (3.0 * L * L * L), p, 1e-13 * std::abs(p));
  EXPECT_NEAR(e, -0.45201, 1e-5);  // the per-atom energy correction LAMMPS users know for in.lj
  cfg.interaction.tail = false;
  EXPECT_EQ(pair_tail(cfg, counts).energy, 0.0);
}

// A binary mixture with mixed and explicit pairs: the closed-form integrals
// against a numerical one of U(r) r^2 and U'(r) r^3 from rc to infinity
// (substituting x = rc / r, Simpson's rule on [0, 1]).
TEST(PairPotentials, LennardJonesTailOfAMixtureMatchesNumericalIntegrals) {
  Config cfg;
  cfg.interaction.kind = InteractionKind::LennardJones;
  cfg.interaction.tail = true;
  cfg.interaction.cutoff = 2.5;
  cfg.species.names = {"A", "B"};
  cfg.species.epsilon = {1.0, 0.5};
  cfg.species.sigma = {1.0, 0.88};
  PairCoefficients ab;
  ab.a = 0;
  ab.b = 1;
  ab.epsilon = 1.5;
  ab.sigma = 0.8;
  ab.cutoff = 2.0;
  cfg.interaction.pairs = {ab};
  cfg.system.box = {9.0, 10.0, 11.0};
  std::array<double, kMaxSpecies> counts{};
  counts[0] = 600;
  counts[1] = 150;
  const PairTail tail = pair_tail(cfg, counts);

  struct P {
    double eps, sigma, rc;
  };
  const P pairs[2][2] = {{{1.0, 1.0, 2.5}, {1.5, 0.8, 2.0}}, {{1.5, 0.8, 2.0}, {std::sqrt(0.5 * 0.5), 0.88, 2.5}}};
  const auto integral = [](const std::function<double(double)>& g, double rc) {
    const int m = 4000;  // even
    const double h = 1.0 / m;
    double s = 0.0;
    for (int k = 1; k <= m; ++k) {  // g(r) r^.. -> 0 as x -> 0
      const double x = k * h, r = rc / x;
      s += (k == m ? 1.0 : (k % 2 ? 4.0 : 2.0)) * g(r) * rc / (x * x);
    }
    return s * h / 3.0;
  };
  double e = 0.0, w = 0.0;
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b) {
      const P q = pairs[a][b];
      const auto u = [q](double r) { return lj(q.eps, q.sigma, r); };
      const auto du = [q](double r) {
        const double s6 = std::pow(q.sigma / r, 6);
        return -24.0 * q.eps * (2.0 * s6 * s6 - s6) / r;
      };
      e += counts[a] * counts[b] * integral([&](double r) { return r * r * u(r); }, q.rc);
      w += counts[a] * counts[b] * integral([&](double r) { return r * r * r * du(r); }, q.rc);
    }
  const double V = 9.0 * 10.0 * 11.0;
  EXPECT_NEAR(tail.energy, 2.0 * kPi / V * e, 1e-9 * std::abs(tail.energy));
  EXPECT_NEAR(tail.virial, -2.0 * kPi / V * w, 1e-9 * std::abs(tail.virial));
}
