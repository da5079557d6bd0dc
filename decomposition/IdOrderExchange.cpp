#include "decomposition/IdOrderExchange.hpp"

#include "core/Agreement.hpp"
#include "kernels/Capacity.hpp"

#include <algorithm>
#include <climits>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace strata {

namespace {

template <class T>
MPI_Datatype mpi_type();
template <>
MPI_Datatype mpi_type<double>() {
  return MPI_DOUBLE;
}
template <>
MPI_Datatype mpi_type<int>() {
  return MPI_INT;
}
template <>
MPI_Datatype mpi_type<std::int64_t>() {
  return MPI_INT64_T;
}

// Every rank throws if any rank found a problem; the lowest such rank's
// message wins so every rank reports the same thing.
void agree(MPI_Comm comm, int, int, const std::string& local_error) {
  const std::string first = first_error(comm, local_error);
  if (!first.empty()) throw std::runtime_error(first);
}

}  // namespace

IdOrderExchange::IdOrderExchange(MPI_Comm comm, std::int64_t total, std::int64_t max_rows_per_rank)
    : comm_(comm), total_(total) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &ranks_);
  if (total < 0 || max_rows_per_rank < 1) throw std::invalid_argument("IdOrderExchange: bad sizes");
  const std::int64_t P = ranks_;
  // Balanced blocks when everything fits in one window; bounded ones otherwise.
  rows_per_rank_ = std::max<std::int64_t>(1, std::min(max_rows_per_rank, (total + P - 1) / P));
  const std::int64_t span = P * rows_per_rank_;
  windows_ = static_cast<int>((total + span - 1) / span);
}

std::int64_t IdOrderExchange::block_begin(int window) const {
  return std::min(total_, (static_cast<std::int64_t>(window) * ranks_ + rank_) * rows_per_rank_);
}

std::int64_t IdOrderExchange::block_size(int window) const {
  return std::min(total_, block_begin(window) + rows_per_rank_) - block_begin(window);
}

void IdOrderExchange::plan(const Particles& p) {
  const std::int64_t N = total_, m = rows_per_rank_, P = ranks_;
  const std::int64_t span = P * m;
  const std::size_t buckets = static_cast<std::size_t>(windows_) * static_cast<std::size_t>(ranks_);
  const std::size_t n = p.size;
  ids_ = p.id;
  placed_window_ = -1;
  const auto id = p.id;

  std::size_t out_of_range = 0;
  Kokkos::parallel_reduce(
      "IdOrderExchange::check_ids", Kokkos::RangePolicy<ExecSpace>(0, n),
      KOKKOS_LAMBDA(const std::size_t i, std::size_t& bad) {
        if (id(i) < 0 || id(i) >= N) ++bad;
      },
      out_of_range);
  agree(comm_, rank_, ranks_,
        out_of_range ? "particle ids outside 0.." + std::to_string(N - 1) + ": " + std::to_string(out_of_range) +
                           " on rank " + std::to_string(rank_)
                     : std::string());

  // Bucket of each row: window * P + destination rank.
  Kokkos::View<std::int64_t*, MemSpace> counts("IdOrderExchange::counts", buckets);
  Kokkos::parallel_for(
      "IdOrderExchange::count", Kokkos::RangePolicy<ExecSpace>(0, n), KOKKOS_LAMBDA(const std::size_t i) {
        const std::int64_t key = (id(i) / span) * P + (id(i) % span) / m;
        Kokkos::atomic_add(&counts(key), std::int64_t{1});
      });
  auto h_counts = Kokkos::create_mirror_view(counts);
  Kokkos::deep_copy(h_counts, counts);
  send_offsets_.assign(buckets + 1, 0);
  for (std::size_t b = 0; b < buckets; ++b) send_offsets_[b + 1] = send_offsets_[b] + h_counts(b);

  // Counting sort of the rows by bucket. The order inside a bucket does not
  // matter: receivers place every row by its id.
  Kokkos::View<std::int64_t*, MemSpace> cursor("IdOrderExchange::cursor", buckets);
  {
    auto h_cursor = Kokkos::create_mirror_view(cursor);
    for (std::size_t b = 0; b < buckets; ++b) h_cursor(b) = send_offsets_[b];
    Kokkos::deep_copy(cursor, h_cursor);
  }
  grow_discarding(order_, n, "IdOrderExchange::order");
  const auto order = order_;
  Kokkos::parallel_for(
      "IdOrderExchange::sort", Kokkos::RangePolicy<ExecSpace>(0, n), KOKKOS_LAMBDA(const std::size_t i) {
        const std::int64_t key = (id(i) / span) * P + (id(i) % span) / m;
        order(Kokkos::atomic_fetch_add(&cursor(key), std::int64_t(1))) = i;
      });

  // Rows each source sends me, per window: one all-to-all of W counts.
  const int W = windows_;
  std::vector<std::int64_t> send(static_cast<std::size_t>(W) * ranks_), recv(send.size());
  for (int d = 0; d < ranks_; ++d)
    for (int w = 0; w < W; ++w)
      send[static_cast<std::size_t>(d) * W + w] = h_counts(static_cast<std::size_t>(w) * ranks_ + d);
  MPI_Alltoall(send.data(), W, MPI_INT64_T, recv.data(), W, MPI_INT64_T, comm_);
  recv_counts_ = std::move(recv);

  std::string problem;
  for (int w = 0; w < W && problem.empty(); ++w) {
    std::int64_t arriving = 0;
    for (int s = 0; s < ranks_; ++s) arriving += recv_counts_[static_cast<std::size_t>(s) * W + w];
    if (arriving != block_size(w))
      problem = "particle ids are not 0.." + std::to_string(N - 1) + " once each: rank " + std::to_string(rank_) +
                " expected " + std::to_string(block_size(w)) + " particles with ids from " +
                std::to_string(block_begin(w)) + ", " + std::to_string(arriving) + " have such ids";
  }
  // MPI counts and displacements are ints (in rows, see send_rows).
  for (int w = 0; w < W && problem.empty(); ++w)
    if (send_offsets_[static_cast<std::size_t>(w + 1) * ranks_] - send_offsets_[static_cast<std::size_t>(w) * ranks_] >
        INT_MAX)
      problem = "more than 2^31 particles on rank " + std::to_string(rank_) + " in one output window";
  agree(comm_, rank_, ranks_, problem);
}

namespace {

// stage row j = field row order(from + j), C values per row.
template <class T, int C, class View>
struct GatherRows {
  Kokkos::View<std::size_t*, MemSpace> order;
  View field;
  Kokkos::View<T*, MemSpace> stage;
  std::size_t from;

  KOKKOS_INLINE_FUNCTION void operator()(const std::size_t j) const {
    const std::size_t i = order(from + j);
    if constexpr (View::rank == 1) {
      stage(j) = field(i);
    } else {
      for (int c = 0; c < C; ++c) stage(j * C + c) = field(i, c);
    }
  }
};

}  // namespace

template <class T, int C, class View>
void IdOrderExchange::send_rows(int window, const View& field, std::vector<T>& received) {
  const std::size_t first_bucket = static_cast<std::size_t>(window) * ranks_;
  const std::int64_t base = send_offsets_[first_bucket];
  const std::size_t k = static_cast<std::size_t>(send_offsets_[first_bucket + ranks_] - base);

  // Gather this window's rows on the device, grouped by destination and
  // row-major (the file's layout); only they cross to the host.
  Kokkos::View<T*, MemSpace> stage(Kokkos::view_alloc(std::string("IdOrderExchange::stage"), Kokkos::WithoutInitializing),
                                   std::max<std::size_t>(1, k * C));
  Kokkos::parallel_for("IdOrderExchange::gather", Kokkos::RangePolicy<ExecSpace>(0, k),
                       GatherRows<T, C, View>{order_, field, stage, static_cast<std::size_t>(base)});
  auto h_stage = Kokkos::create_mirror_view(stage);
  Kokkos::deep_copy(h_stage, stage);

  // Counts are in rows (a contiguous type of C values) so they stay ints.
  std::vector<int> scounts(ranks_), sdispls(ranks_), rcounts(ranks_), rdispls(ranks_);
  std::int64_t arriving = 0;
  for (int r = 0; r < ranks_; ++r) {
    scounts[r] = static_cast<int>(send_offsets_[first_bucket + r + 1] - send_offsets_[first_bucket + r]);
    sdispls[r] = static_cast<int>(send_offsets_[first_bucket + r] - base);
    rcounts[r] = static_cast<int>(recv_counts_[static_cast<std::size_t>(r) * windows_ + window]);
    rdispls[r] = static_cast<int>(arriving);
    arriving += rcounts[r];
  }
  received.resize(static_cast<std::size_t>(std::max<std::int64_t>(arriving, 1)) * C);
  MPI_Datatype row;
  MPI_Type_contiguous(C, mpi_type<T>(), &row);
  MPI_Type_commit(&row);
  MPI_Alltoallv(h_stage.data(), scounts.data(), sdispls.data(), row, received.data(), rcounts.data(), rdispls.data(),
                row, comm_);
  MPI_Type_free(&row);
  received.resize(static_cast<std::size_t>(arriving) * C);
}

void IdOrderExchange::place_window(int window) {
  if (placed_window_ == window) return;
  std::vector<std::int64_t> ids;
  send_rows<std::int64_t, 1>(window, ids_, ids);
  const std::int64_t begin = block_begin(window), size = block_size(window);
  place_.resize(ids.size());
  std::vector<char> seen(static_cast<std::size_t>(size), 0);
  std::string problem;
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const std::int64_t row = ids[k] - begin;
    if (row < 0 || row >= size || seen[static_cast<std::size_t>(row)]) {
      problem = "particle id " + std::to_string(ids[k]) + " appears more than once";
      break;
    }
    seen[static_cast<std::size_t>(row)] = 1;
    place_[k] = row;
  }
  agree(comm_, rank_, ranks_, problem);
  placed_window_ = window;
}

template <class T, int C, class View>
void IdOrderExchange::exchange_field(int window, const View& field, std::vector<T>& out) {
  place_window(window);
  std::vector<T> received;
  send_rows<T, C>(window, field, received);
  out.resize(static_cast<std::size_t>(block_size(window)) * C);
  for (std::size_t k = 0; k < place_.size(); ++k)
    for (int c = 0; c < C; ++c) out[static_cast<std::size_t>(place_[k]) * C + c] = received[k * C + c];
}

void IdOrderExchange::exchange(int window, const Vec3View& field, std::vector<double>& out) {
  exchange_field<double, 3>(window, field, out);
}
void IdOrderExchange::exchange(int window, const IntVec3View& field, std::vector<int>& out) {
  exchange_field<int, 3>(window, field, out);
}
void IdOrderExchange::exchange(int window, const IdView& field, std::vector<std::int64_t>& out) {
  exchange_field<std::int64_t, 1>(window, field, out);
}
void IdOrderExchange::exchange(int window, const IntView& field, std::vector<int>& out) {
  exchange_field<int, 1>(window, field, out);
}

}  // namespace strata
