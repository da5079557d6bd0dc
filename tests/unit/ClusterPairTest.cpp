// The cluster-pair list (kernels/ClusterPairList.hpp) against an all-pairs
// search: every pair of rows within range is in exactly one listed cluster
// pair, with its mask bit set, under the half rules of NeighborList's
// contract for owned rows and for ghosts with and without reaction rows;
// and the cluster kernel's forces against the particle list's kernel.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

#include "kernels/ClusterPairList.hpp"
#include "kernels/NeighborList.hpp"
#include "kernels/PairPotential.hpp"
#include "kernels/Random.hpp"
#include "kernels/potentials/LennardJones.hpp"
#include "kernels/potentials/Morse.hpp"

using namespace strata;

namespace {

constexpr int K = ClusterPairList::kCluster;

// 700 owned rows in [0, 8)^3, 500 ghosts around them in [-2.8, 10.8)^3;
// ghost j's reaction row is an owned row (a periodic image's source), j
// itself (another rank's particle) or -1 (no reaction), in turn.
struct Scene {
  int owned = 700, total = 1200;
  std::vector<std::array<double, 3>> x;
  std::vector<int> reaction;
  Particles p;
  NeighborList::Rows react;

  Scene() {
    for (int i = 0; i < total; ++i) {
      const auto w = random_words(91, static_cast<std::uint64_t>(i), 0, RngStream::InitialPosition);
      std::array<double, 3> r{};
      for (int d = 0; d < 3; ++d) r[d] = i < owned ? 8.0 * uniform_open(w.v[d]) : -2.8 + 13.6 * uniform_open(w.v[d]);
      x.push_back(r);
      reaction.push_back(i < owned ? i : (i % 3 == 0 ? (i * 7) % owned : (i % 3 == 1 ? i : -1)));
    }
    p.allocate(x.size(), true);
    p.size = owned;
    p.ghosts = total - owned;
    auto h_x = Kokkos::create_mirror_view(p.position);
    auto h_s = Kokkos::create_mirror_view(p.species);
    for (int i = 0; i < total; ++i) {
      for (int d = 0; d < 3; ++d) h_x(i, d) = x[i][d];
      h_s(i) = i % 4 == 0;
    }
    Kokkos::deep_copy(p.position, h_x);
    Kokkos::deep_copy(p.species, h_s);
    react = NeighborList::Rows("reaction", total);
    auto h_r = Kokkos::create_mirror_view(react);
    for (int i = 0; i < total; ++i) h_r(i) = reaction[i];
    Kokkos::deep_copy(react, h_r);
  }

  double r2(int i, int j) const {
    double s = 0;
    for (int d = 0; d < 3; ++d) s += (x[i][d] - x[j][d]) * (x[i][d] - x[j][d]);
    return s;
  }
  // NeighborList's contract: a pair of owned rows once, from either side
  // (key: the smaller row first); a ghost j from owned row i when r(j) is
  // -1 or greater than i.
  bool listed(int i, int j) const { return j < owned || reaction[j] < 0 || reaction[j] > i; }
  static std::pair<int, int> key(int i, int j) { return j < i ? std::make_pair(j, i) : std::make_pair(i, j); }
};

// The same rows as a cluster-pair list (where the backend allows one) and a
// particle list.
struct BothLists {
  NeighborList clusters, particles;
  BothLists(const Scene& s, const BinningBox& box) {
    particles.allow_clusters(false);
    clusters.build(s.p.position, s.owned, s.total, box, 2.8, s.react);
    particles.build(s.p.position, s.owned, s.total, box, 2.8, s.react);
  }
};

}  // namespace

// Slots as doubles, or as hi/lo floats only (mixed precision's list, where
// the CPU has AVX-512: searched in float with a margin, so it may also list
// a pair a hair beyond the range, never miss one within it).
void expect_every_pair_within_range_once(bool floats) {
  Scene s;
  const double range = 2.8;
  ClusterPairList list;
  list.set_float_coordinates(floats);
  list.build(s.p.position, s.owned, s.total, BinningBox{{-2.8, -2.8, -2.8}, {10.8, 10.8, 10.8}}, range, s.react);
  auto slot = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), list.slot_row());
  auto off = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), list.offsets());
  auto jc = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), list.j_clusters());
  auto mk = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), list.masks());

  // Every row in one slot; owned clusters hold owned rows only.
  std::vector<int> seen(s.total, 0);
  for (int c = 0; c < list.clusters(); ++c)
    for (int q = 0; q < K; ++q) {
      const int row = slot(c * K + q);
      if (row < 0) continue;
      ++seen[row];
      EXPECT_EQ(row < s.owned, c < list.owned_clusters()) << "row " << row << " in cluster " << c;
    }
  for (int i = 0; i < s.total; ++i) ASSERT_EQ(seen[i], 1) << "row " << i;

  // The pairs the masks let the kernel compute: each under the rule, each once.
  std::map<std::pair<int, int>, int> got;
  long long masked = 0;
  for (int I = 0; I < list.owned_clusters(); ++I)
    for (int k = off(I); k < off(I + 1); ++k)
      for (int l = 0; l < ClusterPairList::kLanes; ++l) {
        if (!((mk(k) >> l) & 1u)) continue;
        const int i = slot(I * K + l / K), j = slot(jc(k) * K + l % K);
        ASSERT_GE(i, 0);
        ASSERT_GE(j, 0);
        ASSERT_TRUE(s.listed(i, j)) << i << " " << j;
        ++got[j < s.owned ? Scene::key(i, j) : std::make_pair(i, j)];
        ++masked;
      }
  long long within = 0;
  for (int i = 0; i < s.owned; ++i)
    for (int j = 0; j < s.total; ++j) {
      if (j == i || (j < s.owned && j < i) || !s.listed(i, j) || s.r2(i, j) >= range * range) continue;
      ++within;
      EXPECT_EQ(got[j < s.owned ? Scene::key(i, j) : std::make_pair(i, j)], 1)
          << "pair " << i << " " << j << " at r " << std::sqrt(s.r2(i, j));
    }
  for (const auto& [pair, count] : got) EXPECT_EQ(count, 1) << pair.first << " " << pair.second;
  EXPECT_GT(within, 10000);
  if (list.float_coordinates()) {
    EXPECT_TRUE(list.coords().extent(0) == 0);
    EXPECT_GE(list.pairs(), within);
    EXPECT_LE(list.pairs(), within + within / 10000);
  } else {
    EXPECT_EQ(list.pairs(), within);
  }
  EXPECT_EQ(list.lane_pairs(), masked);
}

TEST(ClusterPairList, ListsEveryPairWithinRangeOnceUnderTheHalfRules) {
  {
    SCOPED_TRACE("double slots");
    expect_every_pair_within_range_once(false);
  }
  {
    SCOPED_TRACE("float slots");
    expect_every_pair_within_range_once(true);
  }
}

TEST(ClusterPairList, NeighborListUsesItOnCpusWhenEveryGhostHasAReactionRow) {
  Scene s;
  auto h_r = Kokkos::create_mirror_view(s.react);
  for (int i = 0; i < s.total; ++i) h_r(i) = s.reaction[i] < 0 ? i : s.reaction[i];
  Kokkos::deep_copy(s.react, h_r);
  const BinningBox box{{-2.8, -2.8, -2.8}, {10.8, 10.8, 10.8}};
  const BothLists lists(s, box);
  constexpr bool host = Kokkos::SpaceAccessibility<ExecSpace, Kokkos::HostSpace>::accessible;
  EXPECT_EQ(lists.clusters.clustered(), host);
  EXPECT_FALSE(lists.particles.clustered());
  EXPECT_EQ(lists.clusters.pairs(), lists.particles.pairs());
  // A ghost without a reaction row: the particle list (its half energy).
  NeighborList fallback;
  fallback.build(s.p.position, s.owned, s.total, box, 2.8, NeighborList::Rows());
  EXPECT_FALSE(fallback.clustered());
}

// The same forces, energy and virial from both lists, with ghosts that are
// periodic images (reactions folded onto owned rows) and other ranks' rows
// (reactions left on the ghost row): one species (the vector form where
// the CPU has AVX-512), two species, and a potential with exp (the lane loop).
// Mixed precision is held to `tolerance` of the sum of the magnitudes of
// a row's pair forces (of_pair_sum: the kernels' float arithmetic differs,
// and each pair force carries about a float ulp of itself), double to
// `tolerance` of the force.
template <class Potential>
void expect_same_forces(const PairTable<Potential>& table, PairPrecision precision, double tolerance,
                        bool of_pair_sum = false) {
  Scene s;
  // Owned rows on a jittered lattice, so no pair is closer than about 0.7.
  auto h_x = Kokkos::create_mirror_view(s.p.position);
  for (int i = 0; i < s.owned; ++i) {
    const auto w = random_words(5, static_cast<std::uint64_t>(i), 0, RngStream::InitialPosition);
    const int a = i % 9, b = (i / 9) % 9, c = i / 81;
    const double lattice[3] = {a * 0.9, b * 0.9, c * 0.9};
    for (int d = 0; d < 3; ++d) h_x(i, d) = lattice[d] + 0.1 * (uniform_open(w.v[d]) - 0.5);
  }
  // Ghosts: shifted copies of owned rows beyond the lattice's faces.
  auto h_r = Kokkos::create_mirror_view(s.react);
  for (int j = s.owned; j < s.total; ++j) {
    const int src = (j * 13) % s.owned;
    const int axis = j % 3;
    for (int d = 0; d < 3; ++d) h_x(j, d) = h_x(src, d) + (d == axis ? (j % 2 ? 8.1 : -8.1) : 0.0);
    h_r(j) = j % 5 == 0 ? j : src;  // another rank's particle, or an image of src
  }
  Kokkos::deep_copy(s.p.position, h_x);
  Kokkos::deep_copy(s.react, h_r);
  // Each row's sum of |pair force| per axis, over every pair of an owned
  // row within the cutoff (a ghost's on its reaction row), in double.
  auto h_s = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s.p.species);
  std::vector<std::array<double, 3>> magnitude(static_cast<std::size_t>(s.total), {0.0, 0.0, 0.0});
  for (int i = 0; i < s.owned; ++i)
    for (int j = 0; j < s.total; ++j) {
      if (j == i || (j < s.owned && j < i)) continue;
      const int ti = table.count == 1 ? 0 : h_s(i), tj = table.count == 1 ? 0 : h_s(j);
      double dx[3], r2 = 0.0;
      for (int d = 0; d < 3; ++d) {
        dx[d] = h_x(i, d) - h_x(j, d);
        r2 += dx[d] * dx[d];
      }
      if (r2 >= table.cutsq[ti][tj]) continue;
      double e = 0.0;
      const double fpair = Potential::force_divr(table.coeff[ti][tj], r2, e);
      const int at_j = j < s.owned ? j : h_r(j);
      for (int d = 0; d < 3; ++d) {
        magnitude[i][d] += std::abs(dx[d] * fpair);
        magnitude[at_j][d] += std::abs(dx[d] * fpair);
      }
    }
  const BothLists lists(s, BinningBox{{-8.5, -8.5, -8.5}, {16.5, 16.5, 16.5}});
  const PairSums a = compute_pair_forces(s.p, lists.clusters, table, true, precision);
  // A copy (create_mirror always allocates; a mirror *view* of host memory
  // would be the force view itself, overwritten by the second kernel).
  auto fa = Kokkos::create_mirror(Kokkos::HostSpace(), s.p.force);
  Kokkos::deep_copy(fa, s.p.force);
  if (precision == PairPrecision::Mixed && cluster_kernel_in_floats(table)) {
    // Mixed precision's own list (float slots only): the same bits (a pair
    // it lists beyond the range adds exact zeros).
    NeighborList floats;
    floats.float_clusters(true);
    floats.build(s.p.position, s.owned, s.total, BinningBox{{-8.5, -8.5, -8.5}, {16.5, 16.5, 16.5}}, 2.8, s.react);
    EXPECT_TRUE(floats.clusters().float_coordinates());
    const PairSums f = compute_pair_forces(s.p, floats, table, true, precision);
    EXPECT_EQ(f.energy, a.energy);
    auto ff = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s.p.force);
    int differ = 0;
    for (int i = 0; i < s.total; ++i)
      for (int d = 0; d < 3; ++d) differ += ff(i, d) != fa(i, d);
    EXPECT_EQ(differ, 0) << "forces from the list of float slots";
    // And a kernel in double refuses it.
    EXPECT_THROW(compute_pair_forces(s.p, floats, table, true, PairPrecision::Double), std::logic_error);
  }
  // Again: the same forces, bit for bit (no scratch carries a sum over).
  const PairSums again = compute_pair_forces(s.p, lists.clusters, table, true, precision);
  EXPECT_EQ(again.energy, a.energy);
  auto f2 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s.p.force);
  int differ = 0;
  for (int i = 0; i < s.total; ++i)
    for (int d = 0; d < 3; ++d) differ += f2(i, d) != fa(i, d);
  EXPECT_EQ(differ, 0) << "forces of a second call";
  const PairSums b = compute_pair_forces(s.p, lists.particles, table, true, precision);
  auto fb = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s.p.force);
  EXPECT_NEAR(a.energy, b.energy, tolerance * std::abs(b.energy));
  EXPECT_NEAR(a.virial, b.virial, tolerance * std::abs(b.virial));
  EXPECT_GT(std::abs(b.energy), 100.0);
  double largest = 0, worst = 0;
  for (int i = 0; i < s.total; ++i)
    for (int d = 0; d < 3; ++d) {
      largest = std::max(largest, std::abs(fb(i, d)));
      const double scale = of_pair_sum ? magnitude[i][d] : std::abs(fb(i, d));
      EXPECT_NEAR(fa(i, d), fb(i, d), tolerance * (1.0 + scale)) << "row " << i << " axis " << d;
      worst = std::max(worst, std::abs(fa(i, d) - fb(i, d)) / (1.0 + scale));
    }
  EXPECT_GT(largest, 1.0);
  std::printf("largest force %.3g, largest difference %.2e of the tolerance's scale\n", largest, worst);
}

TEST(ClusterPairKernel, ForcesEnergyAndVirialMatchTheParticleListKernel) {
  PairTable<LennardJones> one{};
  one.count = 1;
  one.set(0, 0, LennardJones::params(1.0, 0.8), 2.5, true);
  PairTable<LennardJones> two = one;
  two.count = 2;
  two.set(0, 1, LennardJones::params(1.3, 0.75), 2.2, true);
  two.set(1, 1, LennardJones::params(0.7, 0.85), 2.4, false);
  PairTable<Morse> morse{};
  morse.count = 2;
  morse.set(0, 0, Morse::Params{1.0, 2.0, 0.9}, 2.5, true);
  morse.set(0, 1, Morse::Params{1.5, 2.5, 0.85}, 2.0, true);
  morse.set(1, 1, Morse::Params{0.5, 3.0, 0.95}, 2.2, true);
  {
    SCOPED_TRACE("LJ, one species, double");
    expect_same_forces(one, PairPrecision::Double, 1e-12);
  }
  {
    // Measured 2.2e-6 on AVX-512 (whole cluster pairs in float against the
    // particle list's float force/r); dropping z's lo floats gives 9.4e-6.
    SCOPED_TRACE("LJ, one species, mixed");
    expect_same_forces(one, PairPrecision::Mixed, 3e-6, true);
  }
  {
    SCOPED_TRACE("LJ, two species, double");
    expect_same_forces(two, PairPrecision::Double, 1e-12);
  }
  {
    SCOPED_TRACE("Morse, two species, double");
    expect_same_forces(morse, PairPrecision::Double, 1e-12);
  }
}

// The driver asks for a cluster list only where the kernel's vector form
// runs: AVX-512 or AVX2, a potential in + - * / only, one species.
TEST(ClusterPairKernel, VectorFormOnlyForOneSpeciesOfAnArithmeticPotentialWithSimd) {
  PairTable<LennardJones> one{};
  one.count = 1;
  one.set(0, 0, LennardJones::params(1.0, 1.0), 2.5, true);
  PairTable<LennardJones> two = one;
  two.count = 2;
  PairTable<Morse> morse{};
  morse.count = 1;
  morse.set(0, 0, Morse::Params{1.0, 2.0, 0.9}, 2.5, true);
#ifdef STRATA_SIMD
  EXPECT_TRUE(cluster_kernel_vectorized(one));
#else
  EXPECT_FALSE(cluster_kernel_vectorized(one));
#endif
  EXPECT_FALSE(cluster_kernel_vectorized(two));
  EXPECT_FALSE(cluster_kernel_vectorized(morse));
}
