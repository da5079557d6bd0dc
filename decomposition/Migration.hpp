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
#include "decomposition/ParticlePacking.hpp"
#include "decomposition/SlabLayout.hpp"
#include "kernels/Particles.hpp"

namespace strata {

class Migration {
 public:
  Migration(MPI_Comm comm, const SlabLayout& layout);

  // Bring every particle home. `known_leavers` is this rank's count of rows
  // outside its slab if the caller already has it (the propagator counts
  // them), else pass -1 to have it counted here. Collective over comm.
  void exchange(Particles& p, std::int64_t known_leavers, CommStats& stats);

  // Change the layout (e.g. after load balancing); call exchange() next.
  void set_layout(const SlabLayout& layout);

 private:
  static constexpr int kPacked = kPackedDoubles;  // doubles per particle on the wire

  std::size_t count_leavers(const Particles& p, std::size_t begin) const;
  // One round; returns the number of particles this rank received.
  void round(Particles& p, std::size_t begin, std::size_t leavers, CommStats& stats);

  MPI_Comm comm_;
  int rank_;
  SlabLayout layout_;
  Kokkos::View<double*, MemSpace> bounds_;  // layout bounds on the device
  // Reused between steps so a steady trickle of migrants allocates nothing.
  Kokkos::View<std::size_t*, MemSpace> leaver_rows_;
  Kokkos::View<double*, MemSpace> send_left_, send_right_, recv_left_, recv_right_;
};

}  // namespace strata
