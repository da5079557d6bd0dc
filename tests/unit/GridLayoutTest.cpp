// GridLayout: slabs (one cut axis) and 3-D grids of bricks.
#include <gtest/gtest.h>

#include <cmath>

#include "decomposition/GridLayout.hpp"
#include "decomposition/LoadBalancer.hpp"

using namespace strata;

namespace {
SystemBox box(double L, Boundary b = Boundary::Periodic) {
  SystemBox s;
  s.box = {L, 2 * L, 3 * L};
  s.boundary = {b, b, b};
  return s;
}
GridPlanes slab_planes(const SystemBox& s, int axis, std::vector<double> bounds) {
  GridPlanes p;
  for (int d = 0; d < 3; ++d) p[d] = d == axis ? bounds : std::vector<double>{0.0, s.box[d]};
  return p;
}
}  // namespace

TEST(GridLayout, UniformSlabsTileTheAxisExactly) {
  const auto layout = GridLayout::slab(box(10.0), 1, 3);
  EXPECT_EQ(layout.ranks(), 3);
  EXPECT_EQ(layout.dims(), (GridDims{1, 3, 1}));
  EXPECT_EQ(layout.lo(0, 1), 0.0);
  EXPECT_EQ(layout.hi(2, 1), 20.0);
  for (int r = 0; r + 1 < 3; ++r) EXPECT_EQ(layout.hi(r, 1), layout.lo(r + 1, 1));
  EXPECT_TRUE(layout.is_slab());
}

TEST(GridLayout, OwnerAgreesWithHalfOpenBoundsAndClampsOutside) {
  const auto layout = GridLayout::slab(box(12.0), 0, 4);  // planes 0 3 6 9 12
  EXPECT_EQ(layout.owner_on(0, 0.0), 0);
  EXPECT_EQ(layout.owner_on(0, 2.999), 0);
  EXPECT_EQ(layout.owner_on(0, 3.0), 1);
  EXPECT_EQ(layout.owner_on(0, 11.9), 3);
  EXPECT_EQ(layout.owner_on(0, 12.0), 3);
  EXPECT_EQ(layout.owner_on(0, -1.0), 0);
}

TEST(GridLayout, EmptySlabsOwnNothing) {
  const SystemBox s = box(10.0);
  GridLayout layout(s, slab_planes(s, 0, {0.0, 5.0, 5.0, 5.0, 10.0}));
  EXPECT_EQ(layout.owner_on(0, 4.9), 0);
  EXPECT_EQ(layout.owner_on(0, 5.0), 3);
}

TEST(GridLayout, RanksAreNumberedXFastestAndOwnersFollowEveryAxis) {
  const auto layout = GridLayout::uniform(box(12.0), {2, 3, 2});  // box 12 x 24 x 36
  EXPECT_EQ(layout.ranks(), 12);
  EXPECT_EQ(layout.coords(7), (GridDims{1, 0, 1}));
  EXPECT_EQ(layout.rank_at({1, 0, 1}), 7);
  const double x[3] = {6.0, 7.9, 18.0};  // x in [6, 12), y in [0, 8), z in [18, 36)
  EXPECT_EQ(layout.owner(x), 7);
  EXPECT_EQ(layout.lo(7, 2), 18.0);
  EXPECT_EQ(layout.hi(7, 1), 8.0);
  EXPECT_EQ(layout.cut_axes(), (std::vector<int>{0, 1, 2}));
  EXPECT_FALSE(layout.is_slab());
}

TEST(GridLayout, NeighboursWrapOnPeriodicAxesAndStopAtWalls) {
  const auto periodic = GridLayout::slab(box(10.0), 0, 3);
  EXPECT_EQ(periodic.neighbor(0, 0, -1), 2);
  EXPECT_EQ(periodic.neighbor(2, 0, +1), 0);
  const auto single = GridLayout::slab(box(10.0), 0, 1);
  EXPECT_EQ(single.neighbor(0, 0, -1), 0);
  EXPECT_EQ(single.neighbor(0, 0, +1), 0);
  const auto walls = GridLayout::slab(box(10.0, Boundary::Reflecting), 0, 3);
  EXPECT_EQ(walls.neighbor(0, 0, -1), MPI_PROC_NULL);
  EXPECT_EQ(walls.neighbor(2, 0, +1), MPI_PROC_NULL);
  EXPECT_EQ(walls.neighbor(1, 0, +1), 2);
  const auto grid = GridLayout::uniform(box(10.0), {2, 2, 3});
  EXPECT_EQ(grid.neighbor(0, 1, -1), 2);   // (0,0,0) -> (0,1,0)
  EXPECT_EQ(grid.neighbor(0, 2, -1), 8);   // (0,0,0) -> (0,0,2)
  EXPECT_EQ(grid.neighbor(11, 2, +1), 3);  // (1,1,2) -> (1,1,0)
}

TEST(GridLayout, GeometryOpensTheOuterFaces) {
  const auto layout = GridLayout::uniform(box(10.0), {1, 1, 2});
  const auto g0 = layout.geometry(0), g1 = layout.geometry(1);
  EXPECT_TRUE(std::isinf(g0.lo[2]) && g0.lo[2] < 0);
  EXPECT_EQ(g0.hi[2], 15.0);
  EXPECT_EQ(g1.lo[2], 15.0);
  EXPECT_TRUE(std::isinf(g1.hi[2]) && g1.hi[2] > 0);
  EXPECT_TRUE(std::isinf(g0.lo[0]) && std::isinf(g0.hi[0]));  // an uncut axis is open on both sides
  EXPECT_FALSE(g0.outside(5.0, 19.0, 14.9));
  EXPECT_TRUE(g0.outside(5.0, 19.0, 15.0));
}

// Load balancing's plane shift (decomposition/LoadBalancer.hpp).
TEST(LoadBalancer, PlanesMoveToEqualLoadAndNeverCloserThanTheHalo) {
  // Everything in the first slice of four: the balanced planes split it in
  // four, but no brick may be thinner than 2.
  const std::vector<double> planes{0.0, 10.0, 20.0, 30.0, 40.0};
  const auto full = shifted_planes(planes, planes, {400.0, 0.0, 0.0, 0.0}, 0.0, 1.0);
  EXPECT_EQ(full, (std::vector<double>{0.0, 2.5, 5.0, 7.5, 40.0}));
  const auto half = shifted_planes(planes, planes, {400.0, 0.0, 0.0, 0.0}, 0.0, 0.5);
  EXPECT_EQ(half, (std::vector<double>{0.0, 6.25, 12.5, 18.75, 40.0}));
  const auto wide = shifted_planes(planes, planes, {400.0, 0.0, 0.0, 0.0}, 3.0, 1.0);
  EXPECT_EQ(wide, (std::vector<double>{0.0, 3.0, 6.0, 9.0, 40.0}));
  // Even load leaves the planes where they are; no load moves nothing.
  EXPECT_EQ(shifted_planes(planes, planes, {5.0, 5.0, 5.0, 5.0}, 2.0, 1.0), planes);
  EXPECT_EQ(shifted_planes(planes, planes, {0.0, 0.0, 0.0, 0.0}, 2.0, 1.0), planes);
  // Uneven slices: load 1, 3 over [0, 10), [10, 40): the middle of the
  // cumulative load (2 of 4) lies a third into the second slice.
  const auto two = shifted_planes({0.0, 10.0, 40.0}, {0.0, 10.0, 40.0}, {1.0, 3.0}, 0.0, 1.0);
  EXPECT_DOUBLE_EQ(two[1], 20.0);
  // Pushed apart from the top too: the last brick keeps its minimum width.
  const auto top = shifted_planes(planes, planes, {0.0, 0.0, 0.0, 400.0}, 4.0, 1.0);
  EXPECT_EQ(top, (std::vector<double>{0.0, 28.0, 32.0, 36.0, 40.0}));
  // Finer bins than bricks: all the load in [0, 4) of a 40-long axis moves
  // the planes inside it, whatever the bricks were.
  std::vector<double> edges, fine(10, 0.0);
  for (int b = 0; b <= 10; ++b) edges.push_back(4.0 * b);
  fine[0] = 8.0;
  EXPECT_EQ(shifted_planes(planes, edges, fine, 0.0, 1.0), (std::vector<double>{0.0, 1.0, 2.0, 3.0, 40.0}));
}
