#pragma once
// Migration: after particles move, hand each one to the rank whose slab now
// holds it, talking only to the two adjacent ranks.
//
// One round: find the rows outside my slab, pack them on the device (left-
// or right-bound, by the shorter way round on a periodic axis), close the
// holes, swap counts then data with the neighbours (non-blocking), and append
// what arrived. A particle that must travel several slabs is forwarded one
// hop per round; rounds repeat until a global count of misplaced particles
// (an MPI_Allreduce of one integer, no particle data) reaches zero.
#include <mpi.h>

#include <cstdint>

#include "decomposition/CommStats.hpp"
#include "decomposition/MessageBuffer.hpp"
#include "decomposition/ParticlePacking.hpp"
#include "decomposition/SlabLayout.hpp"
#include "kernels/Particles.hpp"

namespace strata {

class Migration {
 public:
  // gpu_aware: hand MPI device pointers (decomposition/DeviceMpi.hpp).
  Migration(MPI_Comm comm, const SlabLayout& layout, bool gpu_aware = false);

  // Bring every particle home. `known_leavers` is this rank's count of rows
  // outside its slab if the caller already has it (the propagator counts
  // them), else pass -1 to have it counted here. Collective over comm.
  void exchange(Particles& p, std::int64_t known_leavers, CommStats& stats);

  // Change the layout (e.g. after load balancing); call exchange() next.
  void set_layout(const SlabLayout& layout);

  // Internal steps of the public calls above, not for callers: public only
  // because CUDA forbids device lambdas in private member functions.
  std::size_t count_leavers(const Particles& p, std::size_t begin) const;
  // One round; returns the number of particles this rank received.
  void round(Particles& p, std::size_t begin, std::size_t leavers, CommStats& stats);

 private:
  static constexpr int kPacked = kPackedDoubles;  // doubles per particle on the wire

  MPI_Comm comm_;
  int rank_;
  SlabLayout layout_;
  Kokkos::View<double*, MemSpace> bounds_;  // layout bounds on the device
  // Reused between steps so a steady trickle of migrants allocates nothing.
  Kokkos::View<std::size_t*, MemSpace> leaver_rows_;
  MessageBuffer<double> send_left_{"migration_send_left"}, send_right_{"migration_send_right"},
      recv_left_{"migration_recv_left"}, recv_right_{"migration_recv_right"};
  bool gpu_aware_ = false;
};

}  // namespace strata
