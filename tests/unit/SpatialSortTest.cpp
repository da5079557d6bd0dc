// kernels/SpatialSort: owned rows in cell order, stable, every field moved
// together, and sorting sorted rows changes nothing (exact restarts).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/SpatialSort.hpp"

using namespace strata;

namespace {

Particles scattered(std::size_t n) {
  Particles p;
  p.allocate(n, true);
  p.size = n;
  auto x = Kokkos::create_mirror_view(p.position);
  auto v = Kokkos::create_mirror_view(p.velocity);
  auto o = Kokkos::create_mirror_view(p.origin);
  auto im = Kokkos::create_mirror_view(p.image);
  auto id = Kokkos::create_mirror_view(p.id);
  auto sp = Kokkos::create_mirror_view(p.species);
  for (std::size_t i = 0; i < n; ++i) {
    // A deterministic scatter over a 10 x 10 x 10 box, with repeats of some
    // cells so stability matters.
    const double k = static_cast<double>(i);
    for (int d = 0; d < 3; ++d) {
      x(i, d) = std::fmod(k * (0.618034 + 0.1 * d) * 7.0, 10.0);
      v(i, d) = k + 0.25 * d;
      o(i, d) = static_cast<float>(k - d);
      im(i, d) = static_cast<int>(i % 5) - d;
    }
    id(i) = static_cast<std::int64_t>(1000 + i);
    sp(i) = static_cast<int>(i % 3);
  }
  Kokkos::deep_copy(p.position, x);
  Kokkos::deep_copy(p.velocity, v);
  Kokkos::deep_copy(p.origin, o);
  Kokkos::deep_copy(p.image, im);
  Kokkos::deep_copy(p.id, id);
  Kokkos::deep_copy(p.species, sp);
  return p;
}

int cell_of(double x, double y, double z) {  // cells 2.5 wide over [0, 10)^3, x fastest
  return (static_cast<int>(z / 2.5) * 4 + static_cast<int>(y / 2.5)) * 4 + static_cast<int>(x / 2.5);
}

}  // namespace

TEST(SpatialSort, RowsFollowCellsStablyWithEveryFieldAndResortingChangesNothing) {
  const std::size_t n = 3001;
  Particles p = scattered(n);
  const BinningBox box{{0.0, 0.0, 0.0}, {10.0, 10.0, 10.0}};
  SpatialSort sort;
  sort.apply(p, box, 2.5);
  auto x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.position);
  auto v = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.velocity);
  auto o = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.origin);
  auto im = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.image);
  auto id = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.id);
  auto sp = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.species);
  std::vector<int> seen(n, 0);
  int previous_cell = -1;
  std::int64_t previous_id = -1;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = static_cast<std::size_t>(id(k) - 1000);  // the row it came from
    ASSERT_LT(i, n);
    seen[i] += 1;
    // Every field moved with its row.
    const double kk = static_cast<double>(i);
    for (int d = 0; d < 3; ++d) {
      EXPECT_EQ(x(k, d), std::fmod(kk * (0.618034 + 0.1 * d) * 7.0, 10.0));
      EXPECT_EQ(v(k, d), kk + 0.25 * d);
      EXPECT_EQ(o(k, d), static_cast<float>(kk - d));
      EXPECT_EQ(im(k, d), static_cast<int>(i % 5) - d);
    }
    EXPECT_EQ(sp(k), static_cast<int>(i % 3));
    // Cells in order; within a cell, the original row order (stable).
    const int cell = cell_of(x(k, 0), x(k, 1), x(k, 2));
    EXPECT_GE(cell, previous_cell) << "row " << k;
    if (cell == previous_cell) {
      EXPECT_GT(id(k), previous_id) << "row " << k;
    }
    previous_cell = cell;
    previous_id = id(k);
  }
  for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(seen[i], 1) << "row " << i;
  // Sorted rows sort to themselves. The ids before are a copy: a mirror
  // *view* of host memory is the id view itself, which the sort permutes in
  // place, so comparing it with itself could not fail.
  auto before = Kokkos::create_mirror(Kokkos::HostSpace(), p.id);
  Kokkos::deep_copy(before, p.id);
  sort.apply(p, box, 2.5);
  auto id2 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.id);
  for (std::size_t k = 0; k < n; ++k) EXPECT_EQ(id2(k), before(k)) << "row " << k;
}
