#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "kernels/InitialState.hpp"

using namespace strata;

namespace {

GeneratedPlacement placement(Lattice kind, std::int64_t n, double lo, double hi) {
  return GeneratedPlacement{kind, n, {8.0, 9.0, 10.0}, 42, {lo, -1.0, -1.0}, {hi, 100.0, 100.0}};
}

std::vector<std::int64_t> ids_in(const GeneratedPlacement& g) {
  Particles p;
  const std::size_t n = count_generated(g);
  p.allocate(n);
  fill_generated(g, p);
  p.size = n;
  auto h_id = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.id);
  auto h_pos = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.position);
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < n; ++i) {
    for (int d = 0; d < 3; ++d) {
      EXPECT_GE(h_pos(i, d), g.lo[d]);
      EXPECT_LT(h_pos(i, d), g.hi[d]);
    }
    for (int d = 0; d < 3; ++d) {
      EXPECT_GE(h_pos(i, d), 0.0);
      EXPECT_LT(h_pos(i, d), g.box[d]);
    }
    ids.push_back(h_id(i));
  }
  return ids;
}

}  // namespace

TEST(InitialState, LatticeUsesTheSmallestCubeOfCellsThatHoldsAllParticles) {
  EXPECT_EQ(lattice_cells_per_axis(Lattice::Fcc, 4 * 10 * 10 * 10), 10);
  EXPECT_EQ(lattice_cells_per_axis(Lattice::Fcc, 4 * 10 * 10 * 10 + 1), 11);
  EXPECT_EQ(lattice_cells_per_axis(Lattice::SimpleCubic, 27), 3);
  EXPECT_EQ(lattice_cells_per_axis(Lattice::SimpleCubic, 28), 4);
  EXPECT_EQ(lattice_cells_per_axis(Lattice::SimpleCubic, 1), 1);
}

TEST(InitialState, SlabsPartitionEveryPlacementWithoutLossOrDuplicates) {
  for (Lattice kind : {Lattice::Uniform, Lattice::SimpleCubic, Lattice::Fcc}) {
    const std::int64_t n = 4 * 5 * 5 * 5 - 3;  // not a full lattice
    // Cut at lattice planes too (8/5 * k for fcc/sc with 5 cells): exact ties.
    const std::vector<double> cuts = {0.0, 1.6, 3.2, 3.3, 6.4, 8.0};
    std::set<std::int64_t> seen;
    std::size_t total = 0;
    for (std::size_t s = 0; s + 1 < cuts.size(); ++s) {
      double hi = cuts[s + 1];
      if (s + 2 == cuts.size()) hi = std::nextafter(hi, 1e300);
      const auto ids = ids_in(placement(kind, n, cuts[s], hi));
      EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
      total += ids.size();
      seen.insert(ids.begin(), ids.end());
    }
    EXPECT_EQ(total, static_cast<std::size_t>(n));
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(n));
    EXPECT_EQ(*seen.begin(), 0);
    EXPECT_EQ(*seen.rbegin(), n - 1);
  }
}

TEST(InitialState, FccSitesAreDistinctAtTheExpectedSpacing) {
  const auto g = GeneratedPlacement{Lattice::Fcc, 4 * 27, {6.0, 6.0, 6.0}, 1, {0.0, 0.0, 0.0}, {7.0, 7.0, 7.0}};
  Particles p;
  p.allocate(count_generated(g));
  fill_generated(g, p);
  p.size = p.capacity();
  ASSERT_EQ(p.size, 108u);
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.position);
  // Nearest-neighbour distance of fcc with cell 2.0 is sqrt(2).
  double dmin = 1e300;
  for (std::size_t i = 0; i < p.size; ++i)
    for (std::size_t j = i + 1; j < p.size; ++j) {
      double r2 = 0;
      for (int d = 0; d < 3; ++d) {
        double dx = h(i, d) - h(j, d);
        dx -= 6.0 * std::round(dx / 6.0);
        r2 += dx * dx;
      }
      dmin = std::min(dmin, r2);
    }
  EXPECT_NEAR(std::sqrt(dmin), std::sqrt(2.0), 1e-12);
}

TEST(InitialState, ThermalVelocitiesAreZeroMomentumAtExactTemperature) {
  auto g = placement(Lattice::Uniform, 5000, -1.0, 100.0);
  Particles p;
  p.allocate(count_generated(g));
  fill_generated(g, p);
  p.size = p.capacity();
  const double T = 1.7, mass = 2.0;
  MassTable masses{};
  for (int k = 0; k < kMaxSpecies; ++k) {
    masses.mass[k] = mass;
    masses.inv_mass[k] = 1.0 / mass;
  }
  draw_thermal_velocities(p, 9, T, masses);
  const auto m = momentum_fixed(p, masses);
  std::array<double, 3> mean{};
  for (int d = 0; d < 3; ++d) mean[d] = static_cast<double>(m[d]) / static_cast<double>(m[3]);
  const double sum_mv2 = velocity_square_fixed(p, mean, masses) / kVelocityFixedPoint;
  const double scale = std::sqrt(T * (3.0 * 5000 - 3.0) / sum_mv2);
  shift_scale_velocities(p, mean, scale, {0.0, 0.0, 0.0});
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.velocity);
  double mom[3] = {0, 0, 0}, ke = 0;
  for (std::size_t i = 0; i < p.size; ++i)
    for (int d = 0; d < 3; ++d) {
      mom[d] += h(i, d);
      ke += 0.5 * mass * h(i, d) * h(i, d);
    }
  for (int d = 0; d < 3; ++d) EXPECT_NEAR(mom[d] / 5000.0, 0.0, 1e-9);
  EXPECT_NEAR(2.0 * ke / (3.0 * 5000 - 3.0), T, 1e-6);
}

TEST(InitialState, CompositionGivesExactCountsSpreadThroughTheIds) {
  Composition c;
  c.count = 2;
  c.cumulative[0] = 0.8;
  c.cumulative[1] = 1.0;
  int a = 0, longest_run = 0, run = 0;
  for (std::int64_t id = 0; id < 1000; ++id) {
    const int s = c.species_of(id);
    ASSERT_TRUE(s == 0 || s == 1);
    a += s == 0;
    run = s == 1 ? run + 1 : 0;
    longest_run = std::max(longest_run, run);
    EXPECT_EQ(a, static_cast<int>((id + 1) * 0.8)) << id;
  }
  EXPECT_EQ(a, 800);
  EXPECT_LE(longest_run, 1);  // B never comes in blocks
}
