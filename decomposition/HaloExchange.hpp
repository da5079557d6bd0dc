#pragma once
// Ghost (halo) particles for short-range forces.
//
// Every pair of particles is computed once ("newton on", as in LAMMPS):
// a pair within a rank by that rank, a pair across the face between two
// slabs by the rank on the low side of that face, which then sends the
// reactions it computed for the other rank's particles back to it
// (reverse_forces()). So a rank needs ghosts from its high-side neighbour
// only, and each pair's force and energy are evaluated once in the job.
//
// build(), right after migration, appends to the owned rows every particle a
// rank needs to see within `width` (cutoff + skin) of its slab:
//   1. along the slab axis (non-blocking MPI, adjacent ranks only): with
//      P >= 2 each rank exports the owned particles within `width` of its
//      low face to its low-side neighbour, shifted by +L across the periodic
//      box edge (with P = 2 both neighbours are the other rank). With P = 1
//      the rank exports both faces to itself: its own periodic images.
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
#include "decomposition/MessageBuffer.hpp"
#include "decomposition/SlabLayout.hpp"
#include "kernels/Particles.hpp"

namespace strata {

class HaloExchange {
 public:
  // gpu_aware: hand MPI device pointers (decomposition/DeviceMpi.hpp).
  // newton = false: ghosts from both neighbours and no reverse_forces(), for
  // full neighbour lists, where every rank computes its side of each pair.
  HaloExchange(MPI_Comm comm, const SlabLayout& layout, double width, bool gpu_aware = false, bool newton = true);

  // Collective. Rebuilds the ghost rows of p (p.ghosts) and the export lists.
  void build(Particles& p, CommStats& stats);
  // Collective. Refreshes ghost positions from the current owned positions.
  void update(Particles& p, CommStats& stats);
  // Collective, after the force kernel: adds the forces accumulated on ghost
  // rows of other ranks' particles to those particles' owned rows on their
  // ranks (the reverse of the export), so every owned force is complete.
  void reverse_forces(Particles& p, CommStats& stats);
  double width() const { return width_; }
  // After build(): for every row, the owned row that stands for it in a pair
  // (itself when owned; the original for a periodic image of this rank's own
  // particle; for a copy of another rank's particle, that ghost row itself,
  // or for an image of such a copy, the copy's row). NeighborList and the
  // force kernel use it to compute every pair once.
  const Kokkos::View<int*, MemSpace>& reaction() const { return reaction_; }

  // Internal steps of the public calls above, not for callers: public only
  // because CUDA forbids device lambdas in private member functions.
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

 private:

  MPI_Comm comm_;
  int rank_;
  SlabLayout layout_;
  double width_;
  Face left_, right_;
  Images images_[3];
  bool newton_ = true;  // P >= 2: ghosts from the high side only, reactions sent back
  MessageBuffer<double> send_left_{"halo_send_left"}, send_right_{"halo_send_right"}, recv_left_{"halo_recv_left"},
      recv_right_{"halo_recv_right"};
  bool gpu_aware_ = false;
  Kokkos::View<int*, MemSpace> reaction_;
};

}  // namespace strata
