// IdOrderExchange: rows travel to the rank that writes their id block, and
// a set of ids that is not 0..N-1 is refused on every rank. Correct at any
// rank count: every value is derived from the particle's id.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "decomposition/IdOrderExchange.hpp"
#include "tests/unit/MpiTestSupport.hpp"

namespace strata {
namespace {

using test::all_ranks;
using test::comm_rank;
using test::comm_size;

double value_of(std::int64_t id, int c) { return 1000.0 * static_cast<double>(id) + c + 0.25; }

// Particles with the given ids, in the given row order.
Particles with_ids(const std::vector<std::int64_t>& ids) {
  Particles p;
  p.allocate(ids.size() + 2);
  auto h_pos = Kokkos::create_mirror_view(p.position);
  auto h_img = Kokkos::create_mirror_view(p.image);
  auto h_id = Kokkos::create_mirror_view(p.id);
  auto h_sp = Kokkos::create_mirror_view(p.species);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    for (int c = 0; c < 3; ++c) {
      h_pos(i, c) = value_of(ids[i], c);
      h_img(i, c) = static_cast<int>(ids[i]) * 10 + c;
    }
    h_id(i) = ids[i];
    h_sp(i) = static_cast<int>(ids[i] % 5);
  }
  Kokkos::deep_copy(p.position, h_pos);
  Kokkos::deep_copy(p.image, h_img);
  Kokkos::deep_copy(p.id, h_id);
  Kokkos::deep_copy(p.species, h_sp);
  p.size = ids.size();
  return p;
}

// Ids i with (i + shift) % P == rank, last first: every rank's ids spread
// over the whole range, as slabs make them.
std::vector<std::int64_t> scattered_ids(std::int64_t n, int shift) {
  std::vector<std::int64_t> ids;
  for (std::int64_t i = n - 1; i >= 0; --i)
    if ((i + shift) % comm_size() == comm_rank()) ids.push_back(i);
  return ids;
}

TEST(IdOrderExchange, BlocksOfAllRanksAndWindowsTileTheIdsInOrder) {
  for (std::int64_t n : {0, 1, 5, 17, 64}) {
    for (std::int64_t rows : {1, 3, 1000}) {
      IdOrderExchange x(MPI_COMM_WORLD, n, rows);
      std::vector<std::int64_t> mine;
      for (int w = 0; w < x.windows(); ++w) {
        EXPECT_LE(x.block_size(w), rows);
        for (std::int64_t k = 0; k < x.block_size(w); ++k) mine.push_back(x.block_begin(w) + k);
      }
      std::vector<int> seen(static_cast<std::size_t>(n) + 1, 0), all(seen.size(), 0);
      for (std::int64_t id : mine) seen.at(static_cast<std::size_t>(id)) += 1;
      MPI_Allreduce(seen.data(), all.data(), static_cast<int>(all.size()), MPI_INT, MPI_SUM, MPI_COMM_WORLD);
      for (std::int64_t id = 0; id < n; ++id) EXPECT_EQ(all[static_cast<std::size_t>(id)], 1) << "id " << id;
    }
  }
}

TEST(IdOrderExchange, OneWindowSplitsTheIdsEvenlyOverTheRanks) {
  const std::int64_t n = 10 * comm_size() + 1;
  IdOrderExchange x(MPI_COMM_WORLD, n);
  ASSERT_EQ(x.windows(), 1);
  // No rank writes more than its share (rounded up).
  EXPECT_LE(x.block_size(0), 11);
}

TEST(IdOrderExchange, EveryRowReachesItsBlockInIdOrder) {
  const std::int64_t n = 23;
  const Particles p = with_ids(scattered_ids(n, 1));
  // Two rows per rank per window: several windows, several exchanges.
  IdOrderExchange x(MPI_COMM_WORLD, n, 2);
  x.plan(p);
  std::size_t bad = 0;
  for (int w = 0; w < x.windows(); ++w) {
    std::vector<double> pos;
    std::vector<int> img, sp;
    std::vector<std::int64_t> ids;
    x.exchange(w, p.position, pos);
    x.exchange(w, p.image, img);
    x.exchange(w, p.species, sp);
    x.exchange(w, p.id, ids);
    ASSERT_EQ(ids.size(), static_cast<std::size_t>(x.block_size(w)));
    ASSERT_EQ(pos.size(), 3 * ids.size());
    for (std::size_t k = 0; k < ids.size(); ++k) {
      const std::int64_t id = x.block_begin(w) + static_cast<std::int64_t>(k);
      bool ok = ids[k] == id && sp[k] == id % 5;
      for (int c = 0; c < 3; ++c) ok = ok && pos[3 * k + c] == value_of(id, c) && img[3 * k + c] == id * 10 + c;
      if (!ok && ++bad <= 5) ADD_FAILURE() << "window " << w << " row " << k << " is not id " << id;
    }
  }
  EXPECT_EQ(bad, 0u);
}

TEST(IdOrderExchange, PlanCanBeRepeatedAsParticlesMove) {
  const std::int64_t n = 13;
  IdOrderExchange x(MPI_COMM_WORLD, n, 3);
  for (int shift = 0; shift < 3; ++shift) {
    const Particles p = with_ids(scattered_ids(n, shift));
    x.plan(p);
    for (int w = 0; w < x.windows(); ++w) {
      std::vector<std::int64_t> ids;
      x.exchange(w, p.id, ids);
      std::vector<std::int64_t> expected(static_cast<std::size_t>(x.block_size(w)));
      std::iota(expected.begin(), expected.end(), x.block_begin(w));
      EXPECT_EQ(ids, expected) << "shift " << shift << " window " << w;
    }
  }
}

// Runs `f` and reports whether it threw std::runtime_error with `needle`.
template <class F>
bool throws_naming(F&& f, const std::string& needle) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return std::string(e.what()).find(needle) != std::string::npos;
  }
  return false;
}

TEST(IdOrderExchange, IdOutsideTheRangeIsRefusedOnEveryRank) {
  const std::int64_t n = 4 * comm_size();
  std::vector<std::int64_t> ids = scattered_ids(n, 0);
  if (comm_rank() == comm_size() - 1) ids.back() = n;  // one bad id, on one rank
  IdOrderExchange x(MPI_COMM_WORLD, n);
  EXPECT_TRUE(all_ranks(throws_naming([&] { x.plan(with_ids(ids)); }, "outside")));
}

TEST(IdOrderExchange, MissingParticlesAreRefusedOnEveryRank) {
  const std::int64_t n = 4 * comm_size();
  std::vector<std::int64_t> ids = scattered_ids(n, 0);
  if (comm_rank() == 0) ids.pop_back();
  IdOrderExchange x(MPI_COMM_WORLD, n);
  EXPECT_TRUE(all_ranks(throws_naming([&] { x.plan(with_ids(ids)); }, "once each")));
}

TEST(IdOrderExchange, AnIdHeldTwiceIsRefusedOnEveryRank) {
  // Same count as 0..N-1, but id 1 twice and id 0 never: only the exchange
  // can tell.
  const std::int64_t n = 3 * comm_size();
  std::vector<std::int64_t> ids = scattered_ids(n, 0);
  for (auto& id : ids)
    if (id == 0) id = 1;
  IdOrderExchange x(MPI_COMM_WORLD, n);
  const Particles p = with_ids(ids);
  EXPECT_TRUE(all_ranks(throws_naming(
      [&] {
        x.plan(p);
        std::vector<double> out;
        for (int w = 0; w < x.windows(); ++w) x.exchange(w, p.position, out);
      },
      "more than once")));
}

}  // namespace
}  // namespace strata
