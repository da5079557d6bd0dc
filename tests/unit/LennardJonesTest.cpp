#include <gtest/gtest.h>

#include <cmath>
#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "kernels/potentials/LennardJones.hpp"
#include "kernels/NeighborList.hpp"
#include "kernels/Random.hpp"
#include "src/Interactions.hpp"

using namespace strata;

namespace {

Particles make_particles(const std::vector<std::array<double, 3>>& x, const std::vector<int>& species,
                         std::size_t owned) {
  Particles p;
  p.allocate(x.size(), true);
  p.size = owned;
  p.ghosts = x.size() - owned;
  auto h_x = Kokkos::create_mirror_view(p.position);
  auto h_s = Kokkos::create_mirror_view(p.species);
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (int d = 0; d < 3; ++d) h_x(i, d) = x[i][d];
    h_s(i) = species[i];
  }
  Kokkos::deep_copy(p.position, h_x);
  Kokkos::deep_copy(p.species, h_s);
  return p;
}

BinningBox box_of(double lo, double hi) { return BinningBox{{lo, lo, lo}, {hi, hi, hi}}; }

// Analytic LJ: force magnitude along r (positive = repulsive) and energy.
double lj_force(double eps, double sigma, double r) {
  const double s6 = std::pow(sigma / r, 6);
  return 24.0 * eps * (2.0 * s6 * s6 - s6) / r;
}
double lj_energy(double eps, double sigma, double r) {
  const double s6 = std::pow(sigma / r, 6);
  return 4.0 * eps * (s6 * s6 - s6);
}

}  // namespace

TEST(LennardJones, TwoParticleForceAndEnergyMatchTheAnalyticForm) {
  PairTable<LennardJones> t{};
  t.count = 1;
  t.set(0, 0, LennardJones::params(1.5, 0.9), 2.5, true);
  for (double r : {0.85, 1.0, 1.3, 2.0, 2.49}) {
    Particles p = make_particles({{{1.0, 1.0, 1.0}}, {{1.0 + r * 0.6, 1.0 + r * 0.8, 1.0}}}, {0, 0}, 2);
    NeighborList list;
    list.build(p.position, 2, 2, box_of(0.0, 6.0), 2.8);
    const PairSums sums = compute_pair_forces(p, list, t, true);
    auto f = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.force);
    const double fmag = lj_force(1.5, 0.9, r);
    EXPECT_NEAR(f(0, 0), -fmag * 0.6, 1e-10 * std::abs(fmag)) << r;
    EXPECT_NEAR(f(0, 1), -fmag * 0.8, 1e-10 * std::abs(fmag)) << r;
    EXPECT_NEAR(f(0, 2), 0.0, 1e-14);
    for (int d = 0; d < 3; ++d) EXPECT_DOUBLE_EQ(f(1, d), -f(0, d));  // Newton's third law
    const double shifted = lj_energy(1.5, 0.9, r) - lj_energy(1.5, 0.9, 2.5);
    EXPECT_NEAR(sums.energy, shifted, 1e-10 * std::abs(shifted) + 1e-14) << r;
    EXPECT_NEAR(sums.virial, fmag * r, 1e-10 * std::abs(fmag * r)) << r;
  }
}

TEST(LennardJones, PairsBeyondTheCutoffDoNothing) {
  PairTable<LennardJones> t{};
  t.count = 1;
  t.set(0, 0, LennardJones::params(1.0, 1.0), 2.5, false);
  Particles p = make_particles({{{1.0, 1.0, 1.0}}, {{3.6, 1.0, 1.0}}}, {0, 0}, 2);  // r = 2.6, inside the skin
  NeighborList list;
  list.build(p.position, 2, 2, box_of(0.0, 6.0), 2.8);
  const PairSums sums = compute_pair_forces(p, list, t, true);
  auto f = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.force);
  EXPECT_EQ(list.pairs(), 1);
  EXPECT_EQ(f(0, 0), 0.0);
  EXPECT_EQ(sums.energy, 0.0);
}

TEST(LennardJones, GhostPairActsOnTheOwnedParticleOnlyAndCountsHalfTheEnergy) {
  PairTable<LennardJones> t{};
  t.count = 1;
  t.set(0, 0, LennardJones::params(1.0, 1.0), 2.5, false);
  Particles p = make_particles({{{1.0, 1.0, 1.0}}, {{2.2, 1.0, 1.0}}}, {0, 0}, 1);  // row 1 is a ghost
  NeighborList list;
  list.build(p.position, 1, 2, box_of(0.0, 6.0), 2.8);
  const PairSums sums = compute_pair_forces(p, list, t, true);
  auto f = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.force);
  EXPECT_NEAR(f(0, 0), -lj_force(1.0, 1.0, 1.2), 1e-12);
  EXPECT_NEAR(sums.energy, 0.5 * lj_energy(1.0, 1.0, 1.2), 1e-12);
}

TEST(LennardJones, SpeciesPairsUseTheirOwnCoefficients) {
  Config cfg;
  cfg.interaction.kind = InteractionKind::LennardJones;
  cfg.interaction.cutoff = 3.0;
  cfg.species.names = {"A", "B"};
  cfg.species.mass = {1.0, 1.0};
  cfg.species.epsilon = {1.0, 0.25};
  cfg.species.sigma = {1.0, 2.0};
  cfg.species.fraction = {0.5, 0.5};
  const PairTable<LennardJones> mixed = lennard_jones_table(cfg);
  // Lorentz-Berthelot: eps_AB = sqrt(1 * 0.25) = 0.5, sigma_AB = 1.5.
  EXPECT_DOUBLE_EQ(mixed.coeff[0][1].lj3, 4.0 * 0.5 * std::pow(1.5, 12));
  EXPECT_DOUBLE_EQ(mixed.coeff[1][0].lj3, mixed.coeff[0][1].lj3);
  cfg.interaction.mixing = Mixing::Geometric;
  EXPECT_DOUBLE_EQ(lennard_jones_table(cfg).coeff[0][1].lj4, 4.0 * 0.5 * std::pow(std::sqrt(2.0), 6));
  cfg.interaction.pairs.push_back(PairCoefficients{0, 1, 1.5, 0.8, 2.0});
  const PairTable<LennardJones> explicit_pair = lennard_jones_table(cfg);
  EXPECT_DOUBLE_EQ(explicit_pair.coeff[1][0].lj4, 4.0 * 1.5 * std::pow(0.8, 6));
  EXPECT_DOUBLE_EQ(explicit_pair.cutsq[0][1], 4.0);
  EXPECT_DOUBLE_EQ(explicit_pair.max_cutoff, 3.0);
  // The A-B pair at r = 1.0 is repulsive with the explicit sigma 0.8.
  Particles p = make_particles({{{1.0, 1.0, 1.0}}, {{2.0, 1.0, 1.0}}}, {0, 1}, 2);
  NeighborList list;
  list.build(p.position, 2, 2, box_of(0.0, 6.0), 3.3);
  compute_pair_forces(p, list, explicit_pair, false);
  auto f = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.force);
  EXPECT_NEAR(f(0, 0), -lj_force(1.5, 0.8, 1.0), 1e-10);
}

TEST(NeighborList, MatchesAnAllPairsSearchWithGhostsAndHalfRules) {
  // 600 owned rows in [0, 8)^3 and 400 ghost rows around them in [-2.8, 10.8).
  std::vector<std::array<double, 3>> x;
  for (int i = 0; i < 1000; ++i) {
    const auto w = random_words(77, static_cast<std::uint64_t>(i), 0, RngStream::InitialPosition);
    std::array<double, 3> r{};
    for (int d = 0; d < 3; ++d)
      r[d] = i < 600 ? 8.0 * uniform_open(w.v[d]) : -2.8 + 13.6 * uniform_open(w.v[d]);
    x.push_back(r);
  }
  Particles p = make_particles(x, std::vector<int>(x.size(), 0), 600);
  NeighborList list;
  const double range = 2.8;
  list.build(p.position, 600, 1000, box_of(-2.8, 10.8), range);
  auto off = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), list.offsets());
  auto nb = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), list.entries());
  // Each pair once: a pair of owned rows from either side (the one whose
  // cell comes first), a pair with a ghost from the owned side.
  std::set<std::pair<int, int>> got, want;
  for (int i = 0; i < 600; ++i)
    for (int k = off(i); k < off(i + 1); ++k) {
      const int j = nb(k);
      EXPECT_TRUE(got.insert({std::min(i, j), std::max(i, j)}).second) << "duplicate " << i << " " << j;
    }
  for (int i = 0; i < 600; ++i)
    for (int j = 0; j < 1000; ++j) {
      if (j < 600 && j <= i) continue;
      double r2 = 0;
      for (int d = 0; d < 3; ++d) r2 += (x[i][d] - x[j][d]) * (x[i][d] - x[j][d]);
      if (r2 < range * range) want.insert({i, j});
    }
  EXPECT_GT(want.size(), 1000u);
  EXPECT_EQ(got, want);
  EXPECT_EQ(list.pairs(), static_cast<long long>(want.size()));
}

TEST(NeighborList, HoldsEveryPairWhenEveryoneIsEveryonesNeighbour) {
  // 300 particles in a tiny cube: everyone is everyone's neighbour.
  std::vector<std::array<double, 3>> x;
  for (int i = 0; i < 300; ++i) {
    const auto w = random_words(3, static_cast<std::uint64_t>(i), 0, RngStream::InitialPosition);
    x.push_back({uniform_open(w.v[0]), uniform_open(w.v[1]), uniform_open(w.v[2])});
  }
  Particles p = make_particles(x, std::vector<int>(x.size(), 0), 300);
  NeighborList list;
  list.build(p.position, 300, 300, box_of(0.0, 1.0), 2.0);
  EXPECT_EQ(list.pairs(), 300LL * 299 / 2);
}

TEST(LennardJones, PairAcrossTheRanksOwnPeriodicImageIsComputedOnceWithBothForces) {
  // Box [0, 10) periodic in x: particle 0 at x = 0.5 and particle 1 at 9.8
  // are 0.7 apart through the boundary. Rows 2 and 3 are their images
  // (reaction rows 1 and 0), as HaloExchange makes them for a single rank.
  PairTable<LennardJones> t{};
  t.count = 1;
  t.set(0, 0, LennardJones::params(1.0, 1.0), 2.5, false);
  Particles p = make_particles({{{0.5, 5.0, 5.0}}, {{9.8, 5.0, 5.0}}, {{-0.2, 5.0, 5.0}}, {{10.5, 5.0, 5.0}}},
                               {0, 0, 0, 0}, 2);
  NeighborList::Rows reaction("reaction", 4);
  auto h_r = Kokkos::create_mirror_view(reaction);
  h_r(0) = 0;
  h_r(1) = 1;
  h_r(2) = 1;
  h_r(3) = 0;
  Kokkos::deep_copy(reaction, h_r);
  NeighborList list;
  list.build(p.position, 2, 4, BinningBox{{-2.8, 0.0, 0.0}, {12.8, 10.0, 10.0}}, 2.8, reaction);
  EXPECT_EQ(list.pairs(), 1);  // (0, image of 1) only; (1, image of 0) is the same pair
  const PairSums sums = compute_pair_forces(p, list, t, true);
  auto f = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.force);
  EXPECT_NEAR(f(0, 0), lj_force(1.0, 1.0, 0.7), 1e-9);  // pushed to +x, away from the image at -0.2
  EXPECT_DOUBLE_EQ(f(1, 0), -f(0, 0));
  EXPECT_NEAR(sums.energy, lj_energy(1.0, 1.0, 0.7), 1e-9);  // the whole pair energy, once
}
