#pragma once
// The particles a rank owns, as structure-of-arrays Kokkos views in the
// default memory space. Rows [0, size) are owned; with an interaction, rows
// [size, size + ghosts) hold ghost copies (position and species only) of
// other ranks' particles and periodic images, written by HaloExchange; rows
// beyond are spare room so migration rarely reallocates.
//
// Memory per particle (what the 100 B/particle budget is spent on):
//   position 24, velocity 24, origin 12 (float), image 12, id 8, species 4 = 84 B,
//   plus force 24 B only when an interaction is on.
#include <Kokkos_Core.hpp>
#include <cstdint>
#include <string>

#include "kernels/Capacity.hpp"

namespace strata {

using ExecSpace = Kokkos::DefaultExecutionSpace;
using MemSpace = ExecSpace::memory_space;
// Views name the execution space with the memory space so ScatterView (whose
// contribute() matches on it) accepts them.
using DeviceType = Kokkos::Device<ExecSpace, MemSpace>;

// [n][3] stored particle-major (LayoutRight): x, y, z of one particle are adjacent,
// because pair kernels gather neighbours at random rows and one cache line
// then serves all three components.
using Vec3View = Kokkos::View<double* [3], Kokkos::LayoutRight, DeviceType>;
using FloatVec3View = Kokkos::View<float* [3], Kokkos::LayoutRight, MemSpace>;
using IntVec3View = Kokkos::View<int* [3], Kokkos::LayoutRight, MemSpace>;
using IdView = Kokkos::View<std::int64_t*, MemSpace>;
using IntView = Kokkos::View<int*, MemSpace>;

// The capacity particles get at start-up for n live ones: room for a rank's
// count to fluctuate (~sqrt(n) per step) before migration must reallocate.
constexpr std::size_t startup_capacity(std::size_t n) { return n + n / 64 + 1024; }

struct Particles {
  Vec3View position;      // wrapped into the box, [0, L) on periodic axes
  Vec3View velocity;
  FloatVec3View origin;   // unwrapped position at step 0 (for the MSD)
  IntVec3View image;      // periodic image counts: unwrapped = position + image * L
  IdView id;              // global id, 0..N-1, fixed for the particle's life
  IntView species;
  Vec3View force;         // empty unless allocated with forces

  std::size_t size = 0;   // owned particles
  std::size_t ghosts = 0; // ghost rows after the owned ones (valid until the next migration)

  std::size_t capacity() const { return id.extent(0); }

  bool has_force() const { return force.extent(0) > 0 || with_force_; }

  // Allocate room for n particles; size becomes 0.
  void allocate(std::size_t n, bool with_force = false) {
    with_force_ = with_force;
    force = Vec3View("force", with_force ? n : 0);
    position = Vec3View(Kokkos::view_alloc(std::string("position"), Kokkos::WithoutInitializing), n);
    velocity = Vec3View(Kokkos::view_alloc(std::string("velocity"), Kokkos::WithoutInitializing), n);
    origin = FloatVec3View(Kokkos::view_alloc(std::string("origin"), Kokkos::WithoutInitializing), n);
    image = IntVec3View(Kokkos::view_alloc(std::string("image"), Kokkos::WithoutInitializing), n);
    id = IdView(Kokkos::view_alloc(std::string("id"), Kokkos::WithoutInitializing), n);
    species = IntView(Kokkos::view_alloc(std::string("species"), Kokkos::WithoutInitializing), n);
    size = 0;
    ghosts = 0;
  }

  // Add the force view to particles allocated without it (e.g. read from a
  // checkpoint), sized like the other per-particle views.
  void enable_force() {
    with_force_ = true;
    if (force.extent(0) < capacity()) force = Vec3View("force", capacity());
  }

  // Make room for at least n owned particles, keeping rows [0, size)
  // (kernels/Capacity.hpp: room to spare, so a stream of arrivals does not
  // reallocate every step); one view is reallocated at a time to bound the
  // transient peak, and a view already large enough is left alone.
  void reserve(std::size_t n) {
    if (n <= capacity()) return;
    grow_keeping(position, n);
    grow_keeping(velocity, n);
    grow_keeping(origin, n);
    grow_keeping(image, n);
    grow_keeping(id, n);
    grow_keeping(species, n);
    if (with_force_) grow_keeping(force, n);
  }

  // Make room for rows [0, n) of the views ghosts use (position, species),
  // keeping their contents; the other views stay sized for owned rows.
  void reserve_ghost_rows(std::size_t n) {
    grow_keeping(position, n);
    grow_keeping(species, n);
  }
  // Force rows [0, n): the ghost rows of other ranks' particles collect the
  // reactions of the pairs this rank computes for them (sent home by
  // HaloExchange::reverse_forces); periodic images need none.
  void reserve_force_rows(std::size_t n) {
    if (with_force_) grow_keeping(force, n);
  }

 private:
  bool with_force_ = false;
};

}  // namespace strata
