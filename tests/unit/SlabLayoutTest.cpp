#include <gtest/gtest.h>

#include "decomposition/SlabLayout.hpp"

using namespace strata;

namespace {
SystemBox box(double L, Boundary b = Boundary::Periodic) {
  SystemBox s;
  s.box = {L, 2 * L, 3 * L};
  s.boundary = {b, b, b};
  return s;
}
}  // namespace

TEST(SlabLayout, UniformSlabsTileTheAxisExactly) {
  const auto layout = SlabLayout::uniform(box(10.0), 1, 3);
  EXPECT_EQ(layout.ranks(), 3);
  EXPECT_EQ(layout.lo(0), 0.0);
  EXPECT_EQ(layout.hi(2), 20.0);
  for (int r = 0; r + 1 < 3; ++r) EXPECT_EQ(layout.hi(r), layout.lo(r + 1));
}

TEST(SlabLayout, OwnerAgreesWithHalfOpenBoundsAndClampsOutside) {
  const auto layout = SlabLayout::uniform(box(12.0), 0, 4);  // bounds 0 3 6 9 12
  EXPECT_EQ(layout.owner(0.0), 0);
  EXPECT_EQ(layout.owner(2.999), 0);
  EXPECT_EQ(layout.owner(3.0), 1);
  EXPECT_EQ(layout.owner(11.9), 3);
  EXPECT_EQ(layout.owner(12.0), 3);
  EXPECT_EQ(layout.owner(-1.0), 0);
}

TEST(SlabLayout, EmptySlabsOwnNothing) {
  SlabLayout layout(box(10.0), 0, {0.0, 5.0, 5.0, 5.0, 10.0});
  EXPECT_EQ(layout.owner(4.9), 0);
  EXPECT_EQ(layout.owner(5.0), 3);
}

TEST(SlabLayout, NeighboursWrapOnPeriodicAxisAndStopAtWalls) {
  const auto periodic = SlabLayout::uniform(box(10.0), 0, 3);
  EXPECT_EQ(periodic.left_of(0), 2);
  EXPECT_EQ(periodic.right_of(2), 0);
  const auto single = SlabLayout::uniform(box(10.0), 0, 1);
  EXPECT_EQ(single.left_of(0), 0);
  EXPECT_EQ(single.right_of(0), 0);
  const auto walls = SlabLayout::uniform(box(10.0, Boundary::Reflecting), 0, 3);
  EXPECT_EQ(walls.left_of(0), MPI_PROC_NULL);
  EXPECT_EQ(walls.right_of(2), MPI_PROC_NULL);
  EXPECT_EQ(walls.right_of(1), 2);
}

TEST(SlabLayout, GeometryOpensTheOuterSlabFaces) {
  const auto layout = SlabLayout::uniform(box(10.0), 2, 2);
  const auto g0 = layout.geometry(0), g1 = layout.geometry(1);
  EXPECT_EQ(g0.slab_axis, 2);
  EXPECT_TRUE(std::isinf(g0.slab_lo) && g0.slab_lo < 0);
  EXPECT_EQ(g0.slab_hi, 15.0);
  EXPECT_EQ(g1.slab_lo, 15.0);
  EXPECT_TRUE(std::isinf(g1.slab_hi) && g1.slab_hi > 0);
}
