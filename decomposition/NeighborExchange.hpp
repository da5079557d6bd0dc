#pragma once
// The one way particle data crosses MPI in the step loop: an exchange with
// the two neighbours along one axis of the rank grid (Cabana's Halo and
// Distributor, LAMMPS' swaps). Migration, the halo's build and update, and
// the reverse sum of forces on ghosts are all made of these.
//
// A round has a plan and moves:
//   plan(to_lo, to_hi)   how many items go to each side (the caller chose
//                        which rows); counts are swapped with the neighbours,
//                        so received(side) is known. Once per rebuild for the
//                        halo, once per round for migration.
//   pack(per, f)         f(side, k, out) writes the `per` doubles of the
//                        k-th item bound for `side` (a device functor).
//   move(per, f)         sends them and calls f(side, k, in) for the k-th
//                        item received from `side`, lo side first.
//   reverse(per, g, f)   the way back along the same plan: g(side, k, out)
//                        packs the k-th item received from `side`, and
//                        f(side, k, in) takes what came back for the k-th
//                        item sent there (lo side's kernel first, then hi's,
//                        so a row sent both ways gets its two sums in a
//                        fixed order).
// Any field moves this way (positions, species, whole particles, forces):
// only the functors differ. Only neighbours are addressed; with two ranks
// along the axis both sides are the same rank, told apart by tag; beyond a
// reflecting wall the side is MPI_PROC_NULL and nothing moves.
#include <mpi.h>

#include <array>
#include <cstddef>

#include "decomposition/CommStats.hpp"
#include "decomposition/MessageBuffer.hpp"
#include "kernels/Particles.hpp"

namespace strata {

class NeighborExchange {
 public:
  enum Side { Lo = 0, Hi = 1 };

  // tag: a base of 6 consecutive tags no other exchange on comm uses.
  // gpu_aware: hand MPI device pointers (decomposition/DeviceMpi.hpp).
  NeighborExchange(MPI_Comm comm, int lo_peer, int hi_peer, int tag, bool gpu_aware);

  int peer(int side) const { return peer_[side]; }
  void plan(std::size_t to_lo, std::size_t to_hi, CommStats& stats);
  std::size_t sent(int side) const { return sent_[side]; }
  std::size_t received(int side) const { return received_[side]; }

  template <class Pack>
  void pack(int per, const Pack& f) {
    for (int s = 0; s < 2; ++s) {
      send_[s].reserve(sent_[s] * per);
      Kokkos::parallel_for("NeighborExchange::pack", Kokkos::RangePolicy<ExecSpace>(0, sent_[s]),
                           Slot<Pack, false>{f, send_[s].device(), s, per});
    }
  }
  template <class Unpack>
  void move(int per, const Unpack& f, CommStats& stats, bool migrants = false) {
    transfer(per, false, stats, migrants);
    for (int s = 0; s < 2; ++s)
      Kokkos::parallel_for("NeighborExchange::unpack", Kokkos::RangePolicy<ExecSpace>(0, received_[s]),
                           Slot<Unpack, true>{f, recv_[s].device(), s, per});
  }
  template <class Pack, class Add>
  void reverse(int per, const Pack& g, const Add& f, CommStats& stats) {
    for (int s = 0; s < 2; ++s) {
      recv_[s].reserve(received_[s] * per);
      Kokkos::parallel_for("NeighborExchange::pack_back", Kokkos::RangePolicy<ExecSpace>(0, received_[s]),
                           Slot<Pack, false>{g, recv_[s].device(), s, per});
    }
    transfer(per, true, stats, false);
    for (int s = 0; s < 2; ++s)
      Kokkos::parallel_for("NeighborExchange::add_back", Kokkos::RangePolicy<ExecSpace>(0, sent_[s]),
                           Slot<Add, true>{f, send_[s].device(), s, per});
  }

  // The k-th item of one side: hands the functor its slice of the buffer.
  template <class F, bool In>
  struct Slot {
    F f;
    Kokkos::View<double*, MemSpace> buf;
    int side, per;
    KOKKOS_INLINE_FUNCTION void operator()(const std::size_t k) const { f(side, k, &buf(k * per)); }
  };

 private:
  // Forward: send_ -> peers -> recv_. Backward: recv_ -> peers -> send_.
  void transfer(int per, bool backward, CommStats& stats, bool migrants);

  MPI_Comm comm_;
  std::array<int, 2> peer_;
  int tag_;
  bool gpu_aware_;
  std::array<std::size_t, 2> sent_{0, 0}, received_{0, 0};
  std::array<MessageBuffer<double>, 2> send_{MessageBuffer<double>("exchange_send_lo"),
                                             MessageBuffer<double>("exchange_send_hi")};
  std::array<MessageBuffer<double>, 2> recv_{MessageBuffer<double>("exchange_recv_lo"),
                                             MessageBuffer<double>("exchange_recv_hi")};
};

}  // namespace strata
