#pragma once
// Ghost (halo) particles for short-range forces.
//
// build(), right after migration, appends to the owned rows every particle a
// rank needs to see within `width` (cutoff + skin) of its slab:
//   1. along the slab axis, from the two adjacent ranks only (non-blocking
//      MPI): each rank exports the owned particles within `width` of each of
//      its faces; across the periodic box edge the copy is shifted by +-L.
//      With P = 1 both exports go to the rank itself (its own periodic
//      images); with P = 2 both go to the other rank, told apart by tag.
//   2. along each other periodic axis, which the slab spans whole, the rank
//      adds the images of everything it now has (owned and ghosts, so edge
//      and corner images come out right) within `width` of either face.
// It records what it exported (the export lists); update() then re-sends
// just the new positions of the same particles to the same ghost rows every
// step until the next rebuild, so the neighbour list stays valid.
//
// Requires every slab to be at least `width` thick and every periodic box
// length at least 2 * width (checked by the deck plan; asserted here).
#include <mpi.h>

#include "decomposition/CommStats.hpp"
#include "decomposition/SlabLayout.hpp"
#include "kernels/Particles.hpp"

namespace strata {

class HaloExchange {
 public:
  HaloExchange(MPI_Comm comm, const SlabLayout& layout, double width);

  // Collective. Rebuilds the ghost rows of p (p.ghosts) and the export lists.
  void build(Particles& p, CommStats& stats);
  // Collective. Refreshes ghost positions from the current owned positions.
  void update(Particles& p, CommStats& stats);
  double width() const { return width_; }
  // After build(): for every row, the owned row that stands for it in a pair
  // (itself when owned; the original for a periodic image of this rank's own
  // particle; -1 for a copy of another rank's particle). NeighborList and the
  // force kernel use it to compute pairs within the rank once.
  const Kokkos::View<int*, MemSpace>& reaction() const { return reaction_; }

 private:
  struct Face {
    Kokkos::View<int*, MemSpace> rows;  // exported rows
    std::size_t count = 0;
    double shift = 0.0;                 // added to the slab-axis coordinate
    int peer = MPI_PROC_NULL;
    std::size_t received = 0;           // ghost rows this face's partner sends us
  };
  struct Images {                       // periodic images along one other axis
    Kokkos::View<int*, MemSpace> rows;  // source rows (owned or ghost)
    Kokkos::View<double*, MemSpace> shift;
    std::size_t count = 0;
  };

  void exchange_slab_axis(Particles& p, bool rebuild, CommStats& stats);
  void add_images(Particles& p, int axis, Images& images, bool rebuild);

  MPI_Comm comm_;
  int rank_;
  SlabLayout layout_;
  double width_;
  Face left_, right_;
  Images images_[3];
  Kokkos::View<double*, MemSpace> send_left_, send_right_, recv_left_, recv_right_;
  Kokkos::View<int*, MemSpace> reaction_;
};

}  // namespace strata
