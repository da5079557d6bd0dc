#include "decomposition/Redistribute.hpp"

#include <algorithm>
#include <climits>
#include <stdexcept>
#include <string>
#include <vector>

#include "decomposition/GridOwner.hpp"
#include "decomposition/ParticlePacking.hpp"

namespace strata {

namespace {

using HostRows = Kokkos::View<std::size_t*, Kokkos::HostSpace>;

// A packed particle as one MPI element, so counts and displacements (ints)
// count particles, not doubles.
struct PackedType {
  MPI_Datatype type = MPI_DATATYPE_NULL;
  PackedType() {
    MPI_Type_contiguous(kPackedDoubles, MPI_DOUBLE, &type);
    MPI_Type_commit(&type);
  }
  ~PackedType() { MPI_Type_free(&type); }
  PackedType(const PackedType&) = delete;
  PackedType& operator=(const PackedType&) = delete;
};

// How many live rows rank `me` does not own.
std::size_t count_leavers(const Particles& p, const GridLayout& layout, int me) {
  const GridOwner grid(layout);
  const auto position = p.position;
  std::size_t n = 0;
  Kokkos::parallel_reduce(
      "redistribute::count_leavers", Kokkos::RangePolicy<ExecSpace>(0, p.size),
      KOKKOS_LAMBDA(const std::size_t i, std::size_t& c) {
        if (grid.rank(position(i, 0), position(i, 1), position(i, 2)) != me) ++c;
      },
      n);
  return n;
}

// The owner of every live row, on the host (where the send order is built).
Kokkos::View<int*, Kokkos::HostSpace> owners(const Particles& p, const GridLayout& layout) {
  const GridOwner grid(layout);
  Kokkos::View<int*, MemSpace> owner(Kokkos::view_alloc(std::string("redistribute_owner"), Kokkos::WithoutInitializing),
                                     p.size);
  const auto position = p.position;
  Kokkos::parallel_for(
      "redistribute::owner", Kokkos::RangePolicy<ExecSpace>(0, p.size),
      KOKKOS_LAMBDA(const std::size_t i) { owner(i) = grid.rank(position(i, 0), position(i, 1), position(i, 2)); });
  return Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), owner);
}

}  // namespace

void redistribute(MPI_Comm comm, Particles& p, const GridLayout& layout) {
  int rank = 0, P = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &P);
  if (layout.ranks() != P)
    throw std::invalid_argument("redistribute: the layout has " + std::to_string(layout.ranks()) +
                                " bricks but the communicator " + std::to_string(P) + " ranks");
  // MPI counts are ints; every rank must learn of an overflow anywhere
  // before the collectives below.
  unsigned long long local = p.size, most = 0;
  MPI_Allreduce(&local, &most, 1, MPI_UNSIGNED_LONG_LONG, MPI_MAX, comm);
  if (most > static_cast<unsigned long long>(INT_MAX))
    throw std::runtime_error("redistribute: a rank holds more than INT_MAX particles");

  // A restart on the layout that wrote the particles moves nothing: keep the
  // views rather than copy every row.
  unsigned long long leaving = count_leavers(p, layout, rank), anyone = 0;
  MPI_Allreduce(&leaving, &anyone, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, comm);
  if (anyone == 0) {
    if (p.capacity() < startup_capacity(p.size)) p.reserve(startup_capacity(p.size));
    return;
  }

  // 1. Who goes where. A counting sort by owner on the host keeps each
  //    destination's rows in row order; our own rows are kept, not sent.
  const auto h_owner = owners(p, layout);
  std::vector<int> send_counts(P, 0), send_displs(P, 0), recv_counts(P, 0), recv_displs(P, 0);
  for (std::size_t i = 0; i < p.size; ++i) ++send_counts[h_owner(i)];
  const std::size_t n_keep = static_cast<std::size_t>(send_counts[rank]);
  send_counts[rank] = 0;
  for (int r = 1; r < P; ++r) send_displs[r] = send_displs[r - 1] + send_counts[r - 1];
  const std::size_t n_send = p.size - n_keep;
  HostRows h_send_rows(Kokkos::view_alloc(std::string("send_rows"), Kokkos::WithoutInitializing), n_send);
  HostRows h_keep_rows(Kokkos::view_alloc(std::string("keep_rows"), Kokkos::WithoutInitializing), n_keep);
  {
    std::vector<int> slot = send_displs;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < p.size; ++i) {
      const int r = h_owner(i);
      if (r == rank)
        h_keep_rows(kept++) = i;
      else
        h_send_rows(static_cast<std::size_t>(slot[r]++)) = i;
    }
  }

  // 2. Pack the leavers on the device, in send order.
  const auto send_rows = Kokkos::create_mirror_view_and_copy(MemSpace(), h_send_rows);
  Kokkos::View<double*, MemSpace> send(Kokkos::view_alloc(std::string("redistribute_send"), Kokkos::WithoutInitializing),
                                       n_send * kPackedDoubles);
  const Particles src = p;
  Kokkos::parallel_for(
      "redistribute::pack", Kokkos::RangePolicy<ExecSpace>(0, n_send),
      KOKKOS_LAMBDA(const std::size_t k) { pack_particle(src, send_rows(k), &send(k * kPackedDoubles)); });
  const auto h_send = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), send);

  // 3. Counts, then the particles, all to all (MPI sees host memory only).
  MPI_Alltoall(send_counts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT, comm);
  long long n_recv = 0;
  for (int r = 0; r < P; ++r) {
    recv_displs[r] = static_cast<int>(std::min<long long>(n_recv, INT_MAX));
    n_recv += recv_counts[r];
  }
  int overflow = n_recv + static_cast<long long>(n_keep) > INT_MAX ? 1 : 0, any_overflow = 0;
  MPI_Allreduce(&overflow, &any_overflow, 1, MPI_INT, MPI_MAX, comm);
  if (any_overflow) throw std::runtime_error("redistribute: a rank would receive more than INT_MAX particles");
  Kokkos::View<double*, Kokkos::HostSpace> h_recv(
      Kokkos::view_alloc(std::string("h_redistribute_recv"), Kokkos::WithoutInitializing),
      static_cast<std::size_t>(n_recv) * kPackedDoubles);
  PackedType packed;
  MPI_Alltoallv(h_send.data(), send_counts.data(), send_displs.data(), packed.type, h_recv.data(), recv_counts.data(),
                recv_displs.data(), packed.type, comm);

  // 4. The new rows: ours in their order, then the arrivals.
  const std::size_t n = n_keep + static_cast<std::size_t>(n_recv);
  Particles dst;
  dst.allocate(startup_capacity(n));
  const auto keep_rows = Kokkos::create_mirror_view_and_copy(MemSpace(), h_keep_rows);
  const auto recv = Kokkos::create_mirror_view_and_copy(MemSpace(), h_recv);
  Kokkos::parallel_for(
      "redistribute::keep", Kokkos::RangePolicy<ExecSpace>(0, n_keep),
      KOKKOS_LAMBDA(const std::size_t k) { copy_particle(src, keep_rows(k), dst, k); });
  Kokkos::parallel_for(
      "redistribute::unpack", Kokkos::RangePolicy<ExecSpace>(0, static_cast<std::size_t>(n_recv)),
      KOKKOS_LAMBDA(const std::size_t k) { unpack_particle(dst, n_keep + k, &recv(k * kPackedDoubles)); });
  Kokkos::fence();
  dst.size = n;
  p = dst;
}

}  // namespace strata
