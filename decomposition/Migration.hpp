#pragma once
// Migration: after particles move, hand each one to the rank whose brick now
// holds it, talking only to the neighbours along each cut axis.
//
// One round is a stage per cut axis, in increasing order: find the rows
// outside my brick along that axis, pack them on the device (to the lo or
// hi neighbour, by the shorter way round on a periodic axis), close the
// holes, and move them with a NeighborExchange; arrivals are appended and
// are looked at again by the next axis' stage, so a particle that crossed a
// corner reaches the diagonal neighbour in one round. A particle that must
// travel several bricks along an axis is forwarded one hop per round;
// rounds repeat until a global count of misplaced particles (an
// MPI_Allreduce of one integer, no particle data) reaches zero.
#include <mpi.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "decomposition/CommStats.hpp"
#include "decomposition/GridLayout.hpp"
#include "decomposition/GridOwner.hpp"
#include "decomposition/NeighborExchange.hpp"
#include "decomposition/ParticlePacking.hpp"
#include "kernels/LeaverBlocks.hpp"
#include "kernels/Particles.hpp"

namespace strata {

class Migration {
 public:
  // gpu_aware: hand MPI device pointers (decomposition/DeviceMpi.hpp).
  Migration(MPI_Comm comm, const GridLayout& layout, bool gpu_aware = false);

  // Bring every particle home. `known_leavers` is this rank's count of rows
  // outside its brick if the caller already has it (the propagator counts
  // them), else pass -1 to have it counted here; `where`, if the propagator
  // gave it, says which blocks of rows hold them (used with one cut axis).
  // Collective over comm.
  void exchange(Particles& p, std::int64_t known_leavers, CommStats& stats, const LeaverBlocks& where = {});

  // Change the layout (e.g. after load balancing); call exchange() next.
  void set_layout(const GridLayout& layout);

  // Internal steps of the public calls above, not for callers: public only
  // because CUDA forbids device lambdas in private member functions.
  // Rows [from_row, p.size) outside the brick (axis < 0: on any axis; else
  // along that axis).
  std::size_t count_leavers(const Particles& p, int axis, std::size_t from_row = 0) const;
  // One stage of a round: the m rows outside the brick along the stage's
  // axis leave, the arrivals are appended; returns the rows kept (the
  // arrivals follow them).
  // `where`: the blocks holding the m rows, or null to scan every row.
  std::size_t stage(Particles& p, std::size_t which, std::size_t m, CommStats& stats,
                    const LeaverBlocks* where = nullptr);

 private:
  static constexpr int kPacked = kPackedDoubles;  // doubles per particle on the wire

  struct Stage {
    int axis;
    std::unique_ptr<NeighborExchange> exchange;
  };

  MPI_Comm comm_;
  int rank_;
  GridLayout layout_;
  GridOwner owner_;  // the planes on the device
  std::vector<Stage> stages_;
  // Reused between steps so a steady trickle of migrants allocates nothing.
  Kokkos::View<std::size_t*, MemSpace> leaver_rows_;
  Kokkos::View<std::size_t*, MemSpace> block_first_;  // a leaver block's first slot in leaver_rows_
  Kokkos::View<int*, MemSpace> to_side_[2];
  bool gpu_aware_ = false;
};

}  // namespace strata
