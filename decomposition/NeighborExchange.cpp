#include "decomposition/NeighborExchange.hpp"

namespace strata {

namespace {
// Offsets from the exchange's base tag. A message sent toward the hi side
// is received from the lo side, so each direction has its own tag even when
// both neighbours are the same rank.
constexpr int kCountToLo = 0, kCountToHi = 1, kDataToLo = 2, kDataToHi = 3, kBackToLo = 4, kBackToHi = 5;
}  // namespace

NeighborExchange::NeighborExchange(MPI_Comm comm, int lo_peer, int hi_peer, int tag, bool gpu_aware)
    : comm_(comm), peer_{lo_peer, hi_peer}, tag_(tag), gpu_aware_(gpu_aware) {}

void NeighborExchange::plan(std::size_t to_lo, std::size_t to_hi, CommStats& stats) {
  sent_ = {peer_[Lo] == MPI_PROC_NULL ? 0 : to_lo, peer_[Hi] == MPI_PROC_NULL ? 0 : to_hi};
  long long out[2] = {static_cast<long long>(sent_[Lo]), static_cast<long long>(sent_[Hi])};
  long long in[2] = {0, 0};  // stays 0 for MPI_PROC_NULL
  std::array<MPI_Request, 4> req;
  const double t0 = MPI_Wtime();
  MPI_Irecv(&in[Lo], 1, MPI_LONG_LONG, peer_[Lo], tag_ + kCountToHi, comm_, &req[0]);
  MPI_Irecv(&in[Hi], 1, MPI_LONG_LONG, peer_[Hi], tag_ + kCountToLo, comm_, &req[1]);
  MPI_Isend(&out[Lo], 1, MPI_LONG_LONG, peer_[Lo], tag_ + kCountToLo, comm_, &req[2]);
  MPI_Isend(&out[Hi], 1, MPI_LONG_LONG, peer_[Hi], tag_ + kCountToHi, comm_, &req[3]);
  MPI_Waitall(4, req.data(), MPI_STATUSES_IGNORE);
  stats.wait_seconds += MPI_Wtime() - t0;
  received_ = {static_cast<std::size_t>(in[Lo]), static_cast<std::size_t>(in[Hi])};
  for (int s = 0; s < 2; ++s)
    if (peer_[s] != MPI_PROC_NULL) {
      stats.messages += 1;
      stats.bytes += sizeof(long long);
    }
}

void NeighborExchange::transfer(int per, bool backward, CommStats& stats, bool migrants) {
  auto& out = backward ? recv_ : send_;
  auto& in = backward ? send_ : recv_;
  const auto& n_out = backward ? received_ : sent_;
  const auto& n_in = backward ? sent_ : received_;
  const int to_lo = tag_ + (backward ? kBackToLo : kDataToLo);
  const int to_hi = tag_ + (backward ? kBackToHi : kDataToHi);
  for (int s = 0; s < 2; ++s) in[s].reserve(n_in[s] * per);
  std::array<MPI_Request, 4> req;
  int n = 0;
  const double t0 = MPI_Wtime();
  // Receives first: what comes from the lo side was sent toward hi.
  for (int s = 0; s < 2; ++s)
    if (n_in[s] > 0 && peer_[s] != MPI_PROC_NULL)
      MPI_Irecv(in[s].receive(gpu_aware_), static_cast<int>(n_in[s] * per), MPI_DOUBLE, peer_[s],
                s == Lo ? to_hi : to_lo, comm_, &req[n++]);
  for (int s = 0; s < 2; ++s)
    if (n_out[s] > 0 && peer_[s] != MPI_PROC_NULL) {
      MPI_Isend(out[s].send(n_out[s] * per, gpu_aware_), static_cast<int>(n_out[s] * per), MPI_DOUBLE, peer_[s],
                s == Lo ? to_lo : to_hi, comm_, &req[n++]);
      stats.messages += 1;
      stats.bytes += n_out[s] * per * sizeof(double);
      if (migrants) stats.particles_migrated += n_out[s];
    }
  MPI_Waitall(n, req.data(), MPI_STATUSES_IGNORE);
  stats.wait_seconds += MPI_Wtime() - t0;
  for (int s = 0; s < 2; ++s) in[s].arrived(n_in[s] * per, gpu_aware_);
}

}  // namespace strata
