#pragma once
// Propagators for non-interacting particles. Each advances rows [0, n) of
// Particles by one step, applies the box boundaries, and counts the particles
// that now lie outside the rank's brick [lo, hi) (they are handed to
// Migration next). Reads and writes only the particle's
// own row: no ghosts, no atomics needed.
#include <Kokkos_Core.hpp>
#include <cstdint>

#include "kernels/Boundary.hpp"
#include "kernels/Math.hpp"
#include "kernels/Particles.hpp"
#include "kernels/Random.hpp"

namespace strata {

// Everything a propagator needs to know about the box and the rank's brick
// (decomposition/GridLayout.hpp).
struct BoxGeometry {
  double L[3];
  bool periodic[3];
  double lo[3];  // -inf for the first brick along an axis: nothing can leave through the box wall
  double hi[3];  // +inf for the last brick
  // Whether x lies outside the brick, so the particle must migrate.
  KOKKOS_INLINE_FUNCTION bool outside(const double x0, const double x1, const double x2) const {
    return x0 < lo[0] || x0 >= hi[0] || x1 < lo[1] || x1 >= hi[1] || x2 < lo[2] || x2 >= hi[2];
  }
};

KOKKOS_INLINE_FUNCTION void apply_boundaries(const BoxGeometry& g, double x[3], double v[3], int img[3]) {
  for (int d = 0; d < 3; ++d) {
    if (g.periodic[d])
      wrap_periodic(x[d], img[d], g.L[d]);
    else
      reflect(x[d], v[d], g.L[d]);
  }
}

// Ballistic: x += v dt, velocities constant except for wall reflections.
struct BallisticStep {
  Vec3View position, velocity;
  IntVec3View image;
  BoxGeometry geom;
  double dt;

  KOKKOS_INLINE_FUNCTION void operator()(const std::size_t i, std::size_t& leavers) const {
    double x[3], v[3];
    int img[3];
    for (int d = 0; d < 3; ++d) {
      v[d] = velocity(i, d);
      x[d] = position(i, d) + v[d] * dt;
      img[d] = image(i, d);
    }
    apply_boundaries(geom, x, v, img);
    for (int d = 0; d < 3; ++d) {
      position(i, d) = x[d];
      velocity(i, d) = v[d];
      image(i, d) = img[d];
    }
    if (geom.outside(x[0], x[1], x[2])) ++leavers;
  }
};

// Overdamped Brownian motion: x += sqrt(2 D dt) xi, xi of zero mean and unit
// variance per axis (Gaussian, or uniform when `Gaussian` is false), drawn
// from (seed, id, step, Brownian). Velocities are not part of overdamped
// dynamics and are left as they are (except wall reflections).
//
// The step is one pass over memory, so bytes are its cost: without walls
// (`Walls` false: every axis periodic) it never touches the velocities and
// writes an image count only when the particle crossed the box edge, so a
// particle-step moves 68 bytes (reads: position 24, image 12, id 8; writes:
// position 24) instead of 128.
template <bool Gaussian, bool Walls = true>
struct BrownianStep {
  Vec3View position, velocity;
  IntVec3View image;
  IdView id;
  BoxGeometry geom;
  double amplitude;  // sqrt(2 D dt)
  std::uint64_t seed;
  std::uint64_t step;  // the step being computed (the new state's step)

  KOKKOS_INLINE_FUNCTION void operator()(const std::size_t i, std::size_t& leavers) const {
    double xi[3];
    const Philox4x32 w = random_words(seed, static_cast<std::uint64_t>(id(i)), step, RngStream::Brownian);
    if (Gaussian)
      normal3(w, xi[0], xi[1], xi[2]);
    else
      uniform3_unit_variance(w, xi[0], xi[1], xi[2]);
    double x[3];
    int img[3];
    for (int d = 0; d < 3; ++d) {
      x[d] = position(i, d) + amplitude * xi[d];
      img[d] = image(i, d);
    }
    if (Walls) {
      double v[3];
      for (int d = 0; d < 3; ++d) v[d] = velocity(i, d);
      apply_boundaries(geom, x, v, img);
      for (int d = 0; d < 3; ++d) {
        velocity(i, d) = v[d];
        image(i, d) = img[d];
      }
    } else {
      for (int d = 0; d < 3; ++d) {
        const int before = img[d];
        wrap_periodic(x[d], img[d], geom.L[d]);
        if (img[d] != before) image(i, d) = img[d];
      }
    }
    for (int d = 0; d < 3; ++d) position(i, d) = x[d];
    if (geom.outside(x[0], x[1], x[2])) ++leavers;
  }
};

}  // namespace strata
