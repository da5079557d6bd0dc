// The vectorized CPU kernel for free Brownian particles in a periodic box
// (BrownianUniformPeriodicBlocks) against the one-particle kernel it
// replaces there (BrownianStep<false, false>): bitwise the same positions,
// images and leaver counts, over many steps with crossings of every box
// edge and of the brick's planes, and for a count that is not a whole
// number of blocks.
#include <gtest/gtest.h>

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cstring>
#include <limits>

#include "kernels/Propagators.hpp"

namespace strata {
namespace {

Particles scattered(std::size_t n, const double box[3]) {
  Particles p;
  p.allocate(n);
  p.size = n;
  auto x = Kokkos::create_mirror_view(p.position);
  auto img = Kokkos::create_mirror_view(p.image);
  auto id = Kokkos::create_mirror_view(p.id);
  for (std::size_t i = 0; i < n; ++i) {
    // Ids not in row order, as after migration; some rows on an edge.
    id(i) = static_cast<std::int64_t>((i * 7919) % n) + 1000000007LL;
    const auto w = random_words(5, static_cast<std::uint64_t>(i), 0, RngStream::InitialPosition);
    for (int d = 0; d < 3; ++d) {
      x(i, d) = i % 97 == 0 ? 0.0 : box[d] * uniform_open(w.v[d]);
      img(i, d) = static_cast<int>(i % 5) - 2;
    }
  }
  Kokkos::deep_copy(p.position, x);
  Kokkos::deep_copy(p.image, img);
  Kokkos::deep_copy(p.id, id);
  return p;
}

TEST(BrownianBlocks, BitwiseTheOneParticleKernelWithCrossings) {
  const double box[3] = {3.0, 2.5, 4.0};
  const std::size_t n = 3 * BrownianUniformPeriodicBlocks::kBlock + 77;
  BoxGeometry g{};
  for (int d = 0; d < 3; ++d) {
    g.L[d] = box[d];
    g.periodic[d] = true;
    g.lo[d] = -std::numeric_limits<double>::infinity();
    g.hi[d] = std::numeric_limits<double>::infinity();
  }
  g.lo[0] = 1.0;  // a brick [1, 2) x [0.5, 2) along x and y: particles leave it every step
  g.hi[0] = 2.0;
  g.lo[1] = 0.5;
  g.hi[1] = 2.0;
  const double amplitude = 0.4;  // sqrt(3) * 0.4 < 2.5: the kernel applies
  ASSERT_TRUE(BrownianUniformPeriodicBlocks::applies(g, amplitude));
  ASSERT_FALSE(BrownianUniformPeriodicBlocks::applies(g, 1.5));  // sqrt(3) * 1.5 > 2.5
  Particles a = scattered(n, box), b = scattered(n, box);
  long long crossings = 0;
  Kokkos::View<int*, MemSpace> block_leavers("block_leavers", BrownianUniformPeriodicBlocks::blocks(n));
  for (std::uint64_t step = 1; step <= 40; ++step) {
    std::size_t leave_a = 0, leave_b = 0;
    Kokkos::parallel_reduce(Kokkos::RangePolicy<ExecSpace>(0, n),
                            BrownianStep<false, false>{a.position, a.velocity, a.image, a.id, g, amplitude, 11, step},
                            leave_a);
    Kokkos::parallel_reduce(
        Kokkos::RangePolicy<ExecSpace>(0, BrownianUniformPeriodicBlocks::blocks(n)),
        BrownianUniformPeriodicBlocks{b.position, b.image, b.id, block_leavers, g, amplitude, 11, step, n}, leave_b);
    EXPECT_EQ(leave_a, leave_b) << "step " << step;
    EXPECT_GT(leave_a, 0u);
    auto xa = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a.position);
    auto xb = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), b.position);
    // Each block's leaver count (Migration looks for leavers by it) is the
    // number of its rows outside the brick.
    auto per_block = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), block_leavers);
    for (std::size_t blk = 0; blk < per_block.extent(0); ++blk) {
      int outside = 0;
      for (std::size_t i = blk * BrownianUniformPeriodicBlocks::kBlock;
           i < std::min(n, (blk + 1) * BrownianUniformPeriodicBlocks::kBlock); ++i)
        outside += g.outside(xb(i, 0), xb(i, 1), xb(i, 2)) ? 1 : 0;
      EXPECT_EQ(per_block(blk), outside) << "step " << step << " block " << blk;
    }
    auto ia = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a.image);
    auto ib = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), b.image);
    int bad = 0;
    for (std::size_t i = 0; i < n && bad < 5; ++i)
      for (int d = 0; d < 3; ++d) {
        if (std::memcmp(&xa(i, d), &xb(i, d), sizeof(double)) != 0 || ia(i, d) != ib(i, d)) {
          ADD_FAILURE() << "step " << step << " row " << i << " axis " << d << ": " << xa(i, d) << " " << ia(i, d)
                        << " vs " << xb(i, d) << " " << ib(i, d);
          ++bad;
        }
        if (step == 40) crossings += std::abs(ia(i, d) - (static_cast<int>(i % 5) - 2));
      }
  }
  EXPECT_GT(crossings, static_cast<long long>(n));  // every particle crossed edges, on average more than once
}

}  // namespace
}  // namespace strata
