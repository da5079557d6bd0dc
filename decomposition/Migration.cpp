#include "decomposition/Migration.hpp"

#include <array>

#include "decomposition/ParticlePacking.hpp"
#include "kernels/Capacity.hpp"

namespace strata {

namespace {

constexpr int kTagCountLeftward = 101;
constexpr int kTagCountRightward = 102;
constexpr int kTagDataLeftward = 201;
constexpr int kTagDataRightward = 202;


}  // namespace

Migration::Migration(MPI_Comm comm, const SlabLayout& layout, bool gpu_aware)
    : comm_(comm), layout_(layout), gpu_aware_(gpu_aware) {
  MPI_Comm_rank(comm_, &rank_);
  set_layout(layout);
}

void Migration::set_layout(const SlabLayout& layout) {
  layout_ = layout;
  bounds_ = Kokkos::View<double*, MemSpace>("slab_bounds", layout_.bounds().size());
  auto h_bounds = Kokkos::create_mirror_view(bounds_);
  for (std::size_t i = 0; i < layout_.bounds().size(); ++i) h_bounds(i) = layout_.bounds()[i];
  Kokkos::deep_copy(bounds_, h_bounds);
}

std::size_t Migration::count_leavers(const Particles& p, std::size_t begin) const {
  const BoxGeometry g = layout_.geometry(rank_);
  const auto position = p.position;
  std::size_t n = 0;
  Kokkos::parallel_reduce(
      "Migration::count_leavers", Kokkos::RangePolicy<ExecSpace>(begin, p.size),
      KOKKOS_LAMBDA(const std::size_t i, std::size_t& c) {
        const double s = position(i, g.slab_axis);
        if (s < g.slab_lo || s >= g.slab_hi) ++c;
      },
      n);
  return n;
}

void Migration::exchange(Particles& p, std::int64_t known_leavers, CommStats& stats) {
  if (layout_.ranks() == 1) return;  // the only slab is the whole box: nobody can be outside it
  std::size_t begin = 0;
  long long local = known_leavers >= 0 ? known_leavers : static_cast<long long>(count_leavers(p, 0));
  for (;;) {
    long long global = 0;
    const double t0 = MPI_Wtime();
    MPI_Allreduce(&local, &global, 1, MPI_LONG_LONG, MPI_SUM, comm_);
    stats.wait_seconds += MPI_Wtime() - t0;
    if (global == 0) break;
    const std::size_t kept = p.size - static_cast<std::size_t>(local);
    round(p, begin, static_cast<std::size_t>(local), stats);
    // Rows below `kept` are home; only the arrivals can still be passing through.
    begin = kept;
    local = static_cast<long long>(count_leavers(p, begin));
  }
}

void Migration::round(Particles& p, std::size_t begin, std::size_t m, CommStats& stats) {
  const BoxGeometry g = layout_.geometry(rank_);
  const int P = layout_.ranks();
  const int me = rank_;
  const bool periodic = layout_.periodic();
  const auto bounds = bounds_;
  const std::size_t n = p.size;
  const std::size_t n_keep = n - m;

  // 1. Rows outside the slab, in increasing order (a scan keeps it deterministic).
  grow_discarding(leaver_rows_, m, "leaver_rows");
  const auto rows = leaver_rows_;
  const auto position = p.position;
  Kokkos::parallel_scan(
      "Migration::find_leavers", Kokkos::RangePolicy<ExecSpace>(begin, n),
      KOKKOS_LAMBDA(const std::size_t i, std::size_t& offset, const bool final) {
        const double s = position(i, g.slab_axis);
        if (s < g.slab_lo || s >= g.slab_hi) {
          if (final) rows(offset) = i;
          ++offset;
        }
      });

  // 2. Pack each leaver towards its owner: left or right, the shorter way
  //    round on a periodic axis (ties go right, which keeps going right).
  send_left_.reserve(m * kPacked);
  send_right_.reserve(m * kPacked);
  const auto send_left = send_left_.device();
  const auto send_right = send_right_.device();
  const Particles q = p;
  std::size_t n_left = 0;
  Kokkos::parallel_scan(
      "Migration::pack", Kokkos::RangePolicy<ExecSpace>(0, m),
      KOKKOS_LAMBDA(const std::size_t k, std::size_t& lefts_before, const bool final) {
        const std::size_t i = rows(k);
        const int owner = slab_owner(bounds, P, position(i, g.slab_axis));
        const bool right = periodic ? ((owner - me + P) % P) <= P / 2 : owner > me;
        if (final) {
          const std::size_t slot = right ? k - lefts_before : lefts_before;
          pack_particle(q, i, right ? &send_right(slot * kPacked) : &send_left(slot * kPacked));
        }
        if (!right) ++lefts_before;
      },
      n_left);
  const std::size_t n_right = m - n_left;

  // 3. Close the holes: the rows [n_keep, n) that stay fill the holes below n_keep.
  std::size_t holes = 0;
  Kokkos::parallel_reduce(
      "Migration::count_holes", Kokkos::RangePolicy<ExecSpace>(0, m),
      KOKKOS_LAMBDA(const std::size_t k, std::size_t& c) {
        if (rows(k) < n_keep) ++c;
      },
      holes);
  if (holes > 0) {
    Kokkos::View<int*, MemSpace> tail_leaves("tail_leaves", m);
    Kokkos::parallel_for(
        "Migration::mark_tail", Kokkos::RangePolicy<ExecSpace>(holes, m),
        KOKKOS_LAMBDA(const std::size_t k) { tail_leaves(rows(k) - n_keep) = 1; });
    Kokkos::View<std::size_t*, MemSpace> fillers(Kokkos::view_alloc(std::string("fillers"), Kokkos::WithoutInitializing),
                                                 holes);
    Kokkos::parallel_scan(
        "Migration::find_fillers", Kokkos::RangePolicy<ExecSpace>(0, m),
        KOKKOS_LAMBDA(const std::size_t j, std::size_t& offset, const bool final) {
          if (!tail_leaves(j)) {
            if (final) fillers(offset) = n_keep + j;
            ++offset;
          }
        });
    Kokkos::parallel_for(
        "Migration::fill_holes", Kokkos::RangePolicy<ExecSpace>(0, holes), KOKKOS_LAMBDA(const std::size_t k) {
          copy_particle(q, fillers(k), q, rows(k));
        });
  }
  p.size = n_keep;

  // 4. Counts, then data, with the two neighbours only.
  const int left = layout_.left_of(me);
  const int right = layout_.right_of(me);
  long long send_counts[2] = {static_cast<long long>(n_left), static_cast<long long>(n_right)};
  long long recv_counts[2] = {0, 0};  // [from left, from right]; stays 0 for MPI_PROC_NULL
  std::array<MPI_Request, 4> req;
  MPI_Irecv(&recv_counts[0], 1, MPI_LONG_LONG, left, kTagCountRightward, comm_, &req[0]);
  MPI_Irecv(&recv_counts[1], 1, MPI_LONG_LONG, right, kTagCountLeftward, comm_, &req[1]);
  MPI_Isend(&send_counts[0], 1, MPI_LONG_LONG, left, kTagCountLeftward, comm_, &req[2]);
  MPI_Isend(&send_counts[1], 1, MPI_LONG_LONG, right, kTagCountRightward, comm_, &req[3]);
  const double t0 = MPI_Wtime();
  MPI_Waitall(4, req.data(), MPI_STATUSES_IGNORE);
  stats.wait_seconds += MPI_Wtime() - t0;
  for (int nb : {left, right})
    if (nb != MPI_PROC_NULL) {
      stats.messages += 1;
      stats.bytes += sizeof(long long);
    }

  const std::size_t r_left = static_cast<std::size_t>(recv_counts[0]);
  const std::size_t r_right = static_cast<std::size_t>(recv_counts[1]);
  recv_left_.reserve(r_left * kPacked);
  recv_right_.reserve(r_right * kPacked);

  int nreq = 0;
  auto post = [&](bool recv, double* buf, std::size_t count, int peer, int tag) {
    if (count == 0 || peer == MPI_PROC_NULL) return;
    const int len = static_cast<int>(count * kPacked);
    if (recv) {
      MPI_Irecv(buf, len, MPI_DOUBLE, peer, tag, comm_, &req[nreq++]);
    } else {
      MPI_Isend(buf, len, MPI_DOUBLE, peer, tag, comm_, &req[nreq++]);
      stats.messages += 1;
      stats.bytes += count * kPacked * sizeof(double);
      stats.particles_migrated += count;
    }
  };
  post(true, recv_left_.receive(gpu_aware_), r_left, left, kTagDataRightward);
  post(true, recv_right_.receive(gpu_aware_), r_right, right, kTagDataLeftward);
  post(false, send_left_.send(n_left * kPacked, gpu_aware_), n_left, left, kTagDataLeftward);
  post(false, send_right_.send(n_right * kPacked, gpu_aware_), n_right, right, kTagDataRightward);
  const double t1 = MPI_Wtime();
  MPI_Waitall(nreq, req.data(), MPI_STATUSES_IGNORE);
  stats.wait_seconds += MPI_Wtime() - t1;
  stats.hops += 1;

  recv_left_.arrived(r_left * kPacked, gpu_aware_);
  recv_right_.arrived(r_right * kPacked, gpu_aware_);

  // 5. Append arrivals: from the left first, then from the right (a fixed
  //    order, so the layout in memory is reproducible).
  p.reserve(n_keep + r_left + r_right);
  const Particles q2 = p;  // reserve() may have reallocated
  auto unpack = [&](const Kokkos::View<double*, MemSpace>& buf, std::size_t count, std::size_t first_row) {
    if (count == 0) return;
    Kokkos::parallel_for(
        "Migration::unpack", Kokkos::RangePolicy<ExecSpace>(0, count), KOKKOS_LAMBDA(const std::size_t k) {
          unpack_particle(q2, first_row + k, &buf(k * kPacked));
        });
  };
  unpack(recv_left_.device(), r_left, n_keep);
  unpack(recv_right_.device(), r_right, n_keep + r_left);
  p.size = n_keep + r_left + r_right;
  Kokkos::fence();
}

}  // namespace strata
