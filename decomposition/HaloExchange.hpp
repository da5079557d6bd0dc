#pragma once
// Ghost (halo) particles for short-range forces.
//
// Every pair of particles is computed once ("newton on", as in LAMMPS): a
// pair within a rank by that rank, a pair across bricks by one of the two
// ranks, which then sends the reactions it computed for the other rank's
// particles back to it (reverse_forces()).
//
// build(), right after migration, appends to the owned rows the particles a
// rank needs within `width` (cutoff + skin) of its brick, in stages, one per
// axis (LAMMPS' staged swaps): first each cut axis of the grid in increasing
// order, then each periodic axis the brick spans whole.
//   - A cut axis is one NeighborExchange with the two neighbours along it.
//     Candidates are all rows so far, owned and ghosts, so edges and corners
//     are forwarded by the later stages. Which rows go where (the half
//     shell): a row within `width` of the low face goes to the low-side
//     neighbour; a row within `width` of the high face goes to the high-side
//     neighbour only if it is already a ghost. So the first cut axis sends
//     low-ward only (the slab layout: ghosts from the high side), and every
//     ghost a rank holds lies in a lexicographically positive direction
//     (first nonzero step of its (dx, dy, dz), in stage order, is +1): of
//     two ranks sharing a pair, exactly one holds the other's particle.
//     Crossing the periodic box edge shifts the coordinate by L.
//   - A periodic axis the brick spans whole gets images of every row so far
//     (owned and ghosts) within `width` of either face, made in place.
// It records what it exported (the plan); update() then re-sends just the
// new positions of the same rows to the same ghost rows every step until the
// next rebuild, so the neighbour list stays valid, and reverse_forces()
// sends the reactions on ghost rows back along the same plan, last stage
// first, so reactions on forwarded rows travel on to their owners.
//
// Requires every brick to be at least `width` thick along each cut axis and
// every periodic box length at least 2 * width (checked by the deck plan;
// asserted here).
#include <mpi.h>

#include <memory>
#include <vector>

#include "decomposition/CommStats.hpp"
#include "decomposition/GridLayout.hpp"
#include "decomposition/NeighborExchange.hpp"
#include "kernels/Particles.hpp"

namespace strata {

class HaloExchange {
 public:
  // gpu_aware: hand MPI device pointers (decomposition/DeviceMpi.hpp).
  // newton = false: ghosts from both neighbours on every cut axis and no
  // reverse_forces(), for full neighbour lists, where every rank computes
  // its side of each pair.
  HaloExchange(MPI_Comm comm, const GridLayout& layout, double width, bool gpu_aware = false, bool newton = true);

  // Collective. Rebuilds the ghost rows of p (p.ghosts) and the plan.
  void build(Particles& p, CommStats& stats);
  // Collective. Refreshes ghost positions from the current owned positions.
  void update(Particles& p, CommStats& stats);
  // Collective, after the force kernel: adds the forces accumulated on ghost
  // rows of other ranks' particles to those particles' owned rows on their
  // ranks, so every owned force is complete.
  void reverse_forces(Particles& p, CommStats& stats);
  double width() const { return width_; }
  // After build(): for every row, the row that collects the reaction of a
  // pair computed with it (itself when owned; the original for a periodic
  // image of this rank's own particle; for a copy of another rank's
  // particle, that ghost row itself, or for an image of such a copy, the
  // copy's row). NeighborList and the force kernel use it to compute every
  // pair once.
  const Kokkos::View<int*, MemSpace>& reaction() const { return reaction_; }

  // Internal steps of the public calls above, not for callers: public only
  // because CUDA forbids device lambdas in private member functions.
  struct CutStage {                       // one cut axis
    int axis = 0;
    std::unique_ptr<NeighborExchange> exchange;
    Kokkos::View<int*, MemSpace> rows[2];  // exported rows, to the lo and hi side
    double shift[2] = {0.0, 0.0};          // added to the axis coordinate on the way
    std::size_t first = 0;                 // the first ghost row it fills (lo side's, then hi side's)
  };
  struct ImageStage {                     // periodic images along an axis spanned whole
    int axis = 0;
    bool high_first = false;              // images of the high face first (a one-rank run's first axis)
    Kokkos::View<int*, MemSpace> rows;    // source rows (owned or ghost)
    Kokkos::View<double*, MemSpace> shift;
    std::size_t count = 0;
  };
  void exchange(Particles& p, CutStage& stage, bool rebuild, CommStats& stats);
  void add_images(Particles& p, ImageStage& images, bool rebuild);

 private:
  MPI_Comm comm_;
  int rank_;
  GridLayout layout_;
  double width_;
  bool newton_ = true;  // some axis is cut: reactions on other ranks' particles are sent back
  bool gpu_aware_ = false;
  std::vector<CutStage> cuts_;
  std::vector<ImageStage> images_;
  Kokkos::View<int*, MemSpace> reaction_;
};

}  // namespace strata
