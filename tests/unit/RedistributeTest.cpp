// redistribute(): every particle ends on its owner exactly once, intact, in a
// reproducible order. Correct at any rank count.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "decomposition/Redistribute.hpp"
#include "tests/unit/TestParticles.hpp"

namespace strata {
namespace {

using namespace strata::testing;

SystemBox system_config() {
  SystemBox s;
  s.box = {10.0, 12.5, 7.25};
  return s;
}

// x spreads consecutive ids over the whole box, so most particles start on
// the wrong rank; some sit exactly on slab bounds.
double spread_x(std::int64_t id) { return 0.25 * static_cast<double>((id * 17) % 40); }

// Uneven slabs (the last is wide): bounds 0, 1, 2, ..., P-1, then L.
GridLayout uneven_layout(int P) {
  std::vector<double> b;
  for (int r = 0; r < P; ++r) b.push_back(static_cast<double>(r));
  b.push_back(system_config().box[0]);
  return GridLayout::slab(system_config(), 0, b);
}

TEST(Redistribute, EveryParticleEndsOnItsOwnerOnceAndIntact) {
  const int rank = world_rank(), P = world_size();
  const std::size_t local = 30 + 7 * static_cast<std::size_t>(rank);
  const std::int64_t first = first_id(local);
  const std::int64_t total = sum_over_ranks(static_cast<std::int64_t>(local));
  std::vector<std::int64_t> ids(local);
  for (std::size_t i = 0; i < local; ++i) ids[i] = first + static_cast<std::int64_t>(local - 1 - i);  // descending
  Particles p = make_particles(ids, system_config().box, spread_x);
  const GridLayout layout = uneven_layout(P);

  redistribute(MPI_COMM_WORLD, p, layout);

  const HostParticles h = to_host(p);
  EXPECT_GT(p.capacity(), p.size) << "no spare rows for migration";
  std::vector<int> seen(static_cast<std::size_t>(total), 0), everywhere(seen.size(), 0);
  for (std::size_t k = 0; k < h.size(); ++k) {
    const std::int64_t id = h.id[k];
    ASSERT_TRUE(0 <= id && id < total) << "row " << k << " holds id " << id;
    seen[static_cast<std::size_t>(id)] += 1;
    EXPECT_EQ(layout.owner_on(0, h.position[k][0]), rank) << "id " << id << " at x " << h.position[k][0];
    EXPECT_TRUE(row_is_intact(h, k, system_config().box, spread_x(id))) << "id " << id;
  }
  MPI_Allreduce(seen.data(), everywhere.data(), static_cast<int>(seen.size()), MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  for (std::size_t id = 0; id < everywhere.size(); ++id) EXPECT_EQ(everywhere[id], 1) << "id " << id;
}

TEST(Redistribute, StayersKeepTheirOrderAndArrivalsFollowBySourceRank) {
  const int rank = world_rank(), P = world_size();
  const std::size_t local = 40;
  const std::int64_t first = first_id(local);
  std::vector<std::int64_t> ids(local);
  for (std::size_t i = 0; i < local; ++i) ids[i] = first + static_cast<std::int64_t>((i * 13) % local);  // shuffled
  Particles p = make_particles(ids, system_config().box, spread_x);
  const GridLayout layout = uneven_layout(P);

  redistribute(MPI_COMM_WORLD, p, layout);

  // Expected: my own particles that I own, in my row order; then, for each
  // other source rank in turn, its particles that I own in its row order.
  std::vector<std::int64_t> expected;
  for (int source = 0; source < P; ++source) {
    if (source == rank) continue;
    for (std::size_t i = 0; i < local; ++i) {
      const std::int64_t id = static_cast<std::int64_t>(source) * static_cast<std::int64_t>(local) +
                              static_cast<std::int64_t>((i * 13) % local);
      if (layout.owner_on(0, spread_x(id)) == rank) expected.push_back(id);
    }
  }
  std::vector<std::int64_t> mine;
  for (std::int64_t id : ids)
    if (layout.owner_on(0, spread_x(id)) == rank) mine.push_back(id);
  expected.insert(expected.begin(), mine.begin(), mine.end());
  EXPECT_EQ(to_host(p).id, expected);
}

TEST(Redistribute, ParticlesAlreadyHomeKeepTheirViewsAndGetSpareRoom) {
  const int rank = world_rank();
  const GridLayout layout = uneven_layout(world_size());
  std::vector<std::int64_t> ids;
  for (std::int64_t id = 0; id < 200; ++id)
    if (layout.owner_on(0, spread_x(id)) == rank) ids.push_back(id);
  Particles p = make_particles(ids, system_config().box, spread_x);
  p.reserve(startup_capacity(p.size));
  const double* before = p.position.data();

  redistribute(MPI_COMM_WORLD, p, layout);

  EXPECT_EQ(p.position.data(), before) << "rows were copied although none moved";
  EXPECT_EQ(to_host(p).id, ids);
  // Without the room, it is made.
  Particles tight = make_particles(ids, system_config().box, spread_x);
  redistribute(MPI_COMM_WORLD, tight, layout);
  EXPECT_GE(tight.capacity(), startup_capacity(tight.size));
  EXPECT_EQ(to_host(tight).id, ids);
}

TEST(Redistribute, LayoutForAnotherRankCountIsRejected) {
  Particles p = make_particles({}, system_config().box, spread_x);
  EXPECT_THROW(redistribute(MPI_COMM_WORLD, p, uneven_layout(world_size() + 1)), std::invalid_argument);
}

}  // namespace
}  // namespace strata
