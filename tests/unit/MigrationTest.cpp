// Migration under MPI; ctest runs this binary at 1, 2, 3 and 4 ranks.
#include <gtest/gtest.h>
#include <mpi.h>

#include <vector>

#include "decomposition/Migration.hpp"
#include "kernels/Random.hpp"

using namespace strata;

namespace {

int comm_rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}
int comm_size() {
  int s = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

SystemBox make_box(Boundary slab_axis_boundary) {
  SystemBox s;
  s.box = {20.0, 5.0, 7.0};
  s.boundary = {slab_axis_boundary, Boundary::Periodic, Boundary::Reflecting};
  return s;
}

// Every field of particle `id` is a function of the id, so after migration a
// rank can check each row it holds arrived intact.
struct Expected {
  double x[3], v[3];
  float o[3];
  int img[3];
  int species;
};
Expected expected_for(std::int64_t id, const SystemBox& s, std::uint64_t seed) {
  Expected e{};
  const auto w = random_words(seed, static_cast<std::uint64_t>(id), 0, RngStream::InitialPosition);
  for (int d = 0; d < 3; ++d) {
    e.x[d] = s.box[d] * uniform_open(w.v[d]);
    e.v[d] = 0.25 * d + static_cast<double>(id);
    e.o[d] = static_cast<float>(id * 3 + d);
    e.img[d] = static_cast<int>(id % 7) - 3 + d;
  }
  e.species = static_cast<int>(id % 5);
  return e;
}

// Rank r creates ids r, r+P, r+2P, ... (n_global in all), at random places
// anywhere in the box: most are far from home, many several slabs away.
Particles scattered_particles(std::int64_t n_global, const SystemBox& s, std::uint64_t seed) {
  const int r = comm_rank(), P = comm_size();
  std::vector<std::int64_t> ids;
  for (std::int64_t id = r; id < n_global; id += P) ids.push_back(id);
  Particles p;
  p.allocate(ids.size());
  p.size = ids.size();
  auto h_pos = Kokkos::create_mirror_view(p.position);
  auto h_vel = Kokkos::create_mirror_view(p.velocity);
  auto h_org = Kokkos::create_mirror_view(p.origin);
  auto h_img = Kokkos::create_mirror_view(p.image);
  auto h_id = Kokkos::create_mirror_view(p.id);
  auto h_spc = Kokkos::create_mirror_view(p.species);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const Expected e = expected_for(ids[i], s, seed);
    for (int d = 0; d < 3; ++d) {
      h_pos(i, d) = e.x[d];
      h_vel(i, d) = e.v[d];
      h_org(i, d) = e.o[d];
      h_img(i, d) = e.img[d];
    }
    h_id(i) = ids[i];
    h_spc(i) = e.species;
  }
  Kokkos::deep_copy(p.position, h_pos);
  Kokkos::deep_copy(p.velocity, h_vel);
  Kokkos::deep_copy(p.origin, h_org);
  Kokkos::deep_copy(p.image, h_img);
  Kokkos::deep_copy(p.id, h_id);
  Kokkos::deep_copy(p.species, h_spc);
  return p;
}

// Every particle is home, intact, and present exactly once over all ranks.
void expect_all_home_and_intact(const Particles& p, const GridLayout& layout, std::int64_t n_global,
                                const SystemBox& s, std::uint64_t seed) {
  const int r = comm_rank();
  auto h_pos = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.position);
  auto h_vel = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.velocity);
  auto h_org = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.origin);
  auto h_img = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.image);
  auto h_id = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.id);
  auto h_spc = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.species);
  std::vector<int> count(n_global, 0);
  int bad = 0;
  for (std::size_t i = 0; i < p.size; ++i) {
    const std::int64_t id = h_id(i);
    ASSERT_GE(id, 0);
    ASSERT_LT(id, n_global);
    count[id] += 1;
    const Expected e = expected_for(id, s, seed);
    const double x[3] = {h_pos(i, 0), h_pos(i, 1), h_pos(i, 2)};
    bad += layout.owner(x) != r;
    for (int d = 0; d < 3; ++d)
      bad += h_pos(i, d) != e.x[d] || h_vel(i, d) != e.v[d] || h_org(i, d) != e.o[d] || h_img(i, d) != e.img[d];
    bad += h_spc(i) != e.species;
  }
  EXPECT_EQ(bad, 0) << "rank " << r << " holds misplaced or damaged particles";
  std::vector<int> total(n_global, 0);
  MPI_Allreduce(count.data(), total.data(), static_cast<int>(n_global), MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  int missing_or_duplicate = 0;
  for (std::int64_t id = 0; id < n_global; ++id) missing_or_duplicate += total[id] != 1;
  EXPECT_EQ(missing_or_duplicate, 0);
}

}  // namespace

TEST(Migration, ConservesParticlesAcrossManyHopsOnPeriodicAxis) {
  const auto s = make_box(Boundary::Periodic);
  const auto layout = GridLayout::slab(s, 0, comm_size());
  Particles p = scattered_particles(5003, s, 11);
  Migration m(MPI_COMM_WORLD, layout);
  CommStats stats;
  m.exchange(p, -1, stats);
  expect_all_home_and_intact(p, layout, 5003, s, 11);
  if (comm_size() >= 4) {
    // Particles born on the far side must have been forwarded hop by hop
    // (with 3 or fewer periodic slabs every slab is adjacent to every other).
    unsigned long long hops = stats.hops, max_hops = 0;
    MPI_Allreduce(&hops, &max_hops, 1, MPI_UNSIGNED_LONG_LONG, MPI_MAX, MPI_COMM_WORLD);
    EXPECT_GE(max_hops, 2u);
  }
}

TEST(Migration, ConservesParticlesBetweenReflectingWalls) {
  const auto s = make_box(Boundary::Reflecting);
  const auto layout = GridLayout::slab(s, 0, comm_size());
  Particles p = scattered_particles(4001, s, 12);
  Migration m(MPI_COMM_WORLD, layout);
  CommStats stats;
  m.exchange(p, -1, stats);
  expect_all_home_and_intact(p, layout, 4001, s, 12);
}

TEST(Migration, HandlesEmptySlabsAndAllParticlesOnOneRank) {
  const auto s = make_box(Boundary::Periodic);
  const int P = comm_size();
  // All ranks but the last own empty slabs [0,0); the last owns the box.
  std::vector<double> bounds(P + 1, 0.0);
  bounds[P] = s.box[0];
  const GridLayout layout = GridLayout::slab(s, 0, bounds);
  Particles p = scattered_particles(3000, s, 13);
  Migration m(MPI_COMM_WORLD, layout);
  CommStats stats;
  m.exchange(p, -1, stats);
  expect_all_home_and_intact(p, layout, 3000, s, 13);
  if (comm_rank() != P - 1) {
    EXPECT_EQ(p.size, 0u);
  }
}

TEST(Migration, RepeatedExchangesAfterLayoutChangesKeepEveryParticle) {
  const auto s = make_box(Boundary::Periodic);
  const int P = comm_size();
  Particles p = scattered_particles(2500, s, 14);
  Migration m(MPI_COMM_WORLD, GridLayout::slab(s, 0, P));
  CommStats stats;
  m.exchange(p, -1, stats);
  // Move the slab bounds (as a load balancer would) a few times.
  for (int round = 1; round <= 4; ++round) {
    std::vector<double> b(P + 1);
    for (int r = 0; r <= P; ++r) {
      const double f = static_cast<double>(r) / P;
      b[r] = s.box[0] * f * f * (round % 2 ? 1.0 : 0.5) + (round % 2 ? 0.0 : 0.5 * s.box[0] * f);
    }
    b[0] = 0.0;
    b[P] = s.box[0];
    const GridLayout layout = GridLayout::slab(s, 0, b);
    m.set_layout(layout);
    m.exchange(p, -1, stats);
    expect_all_home_and_intact(p, layout, 2500, s, 14);
  }
}
