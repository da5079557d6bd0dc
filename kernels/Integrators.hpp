#pragma once
// Integrators for interacting particles (velocity-Verlet NVE, Langevin NVT
// as velocity-Verlet followed by an exact Ornstein-Uhlenbeck step, Brownian
// dynamics with forces). Each functor reads and writes only its own
// owned row.
//
// Between neighbour-list rebuilds positions are NOT wrapped into the periodic
// box (ghost copies follow their owners by a fixed shift, so an owner must not
// jump by L); WrapAndCount folds them back, updating the image counts, at
// each rebuild. Reflecting walls act every step (they never shift by L).
#include <Kokkos_Core.hpp>

#include <cmath>

#include "kernels/Boundary.hpp"
#include "kernels/Math.hpp"
#include "kernels/Particles.hpp"
#include "kernels/Propagators.hpp"
#include "kernels/Random.hpp"
#include "kernels/Species.hpp"

namespace strata {

KOKKOS_INLINE_FUNCTION void reflect_walls(const BoxGeometry& g, double x[3], double v[3]) {
  for (int d = 0; d < 3; ++d)
    if (!g.periodic[d]) reflect(x[d], v[d], g.L[d]);
}

// Square of the displacement since the last list build. The build
// positions are kept exactly (double): with them a checkpoint can rebuild
// the very list the run was using (see ARCHITECTURE.md, Restart).
KOKKOS_INLINE_FUNCTION double moved_sq(const Vec3View& build, std::size_t i, const double x[3]) {
  const double a = x[0] - build(i, 0), b = x[1] - build(i, 1), c = x[2] - build(i, 2);
  return a * a + b * b + c * c;
}

// Ends a move: reflect at the walls, store the row, and fold its squared
// displacement since the last rebuild into the running maximum.
KOKKOS_INLINE_FUNCTION void finish_move(const BoxGeometry& g, const Vec3View& position, const Vec3View& velocity,
                                        const Vec3View& build, std::size_t i, double x[3], double v[3],
                                        double& max_sq) {
  reflect_walls(g, x, v);
  for (int d = 0; d < 3; ++d) {
    position(i, d) = x[d];
    velocity(i, d) = v[d];
  }
  // A non-finite position (from a non-finite force or velocity) counts as
  // an infinite displacement: the loop's displacement check then stops the
  // run at this step (a NaN would be lost in the maximum).
  const double s = moved_sq(build, i, x);
  if (!(s <= max_sq)) max_sq = s == s ? s : HUGE_VAL;
}

// Velocity-Verlet first half: v += dt/2 f/m; x += dt v. Reduces the largest
// squared displacement since the last rebuild.
struct KickDrift {
  Vec3View position, velocity, force;
  Vec3View build;
  IntView species;
  MassTable masses;
  BoxGeometry geom;
  double dt;

  KOKKOS_INLINE_FUNCTION void operator()(const std::size_t i, double& max_sq) const {
    const double half = 0.5 * dt * masses.inv_mass[species(i)];
    double x[3], v[3];
    for (int d = 0; d < 3; ++d) {
      v[d] = velocity(i, d) + half * force(i, d);
      x[d] = position(i, d) + dt * v[d];
    }
    finish_move(geom, position, velocity, build, i, x, v, max_sq);
  }
};

// Velocity-Verlet second half: v += dt/2 f/m.
struct Kick {
  Vec3View velocity, force;
  IntView species;
  MassTable masses;
  double dt;

  KOKKOS_INLINE_FUNCTION void operator()(const std::size_t i) const {
    const double half = 0.5 * dt * masses.inv_mass[species(i)];
    for (int d = 0; d < 3; ++d) velocity(i, d) += half * force(i, d);
  }
};

// Langevin thermostat as an exact Ornstein-Uhlenbeck velocity update after
// the second half-kick: v = c1 v + sqrt((1 - c1^2) kT / m) xi, c1 =
// exp(-dt / damping), xi of unit variance keyed by (seed, id, step,
// Langevin), so the noise does not depend on the number of ranks. Keeping
// the thermostat out of the force array leaves forces a function of the
// positions alone, so a restart recomputes them exactly.
template <bool Gaussian>
struct LangevinVelocity {
  Vec3View velocity;
  IntView species;
  IdView id;
  MassTable masses;
  double temperature, c1;
  std::uint64_t seed, step;

  KOKKOS_INLINE_FUNCTION void operator()(const std::size_t i) const {
    const double sigma = math::sqrt((1.0 - c1 * c1) * temperature * masses.inv_mass[species(i)]);
    const Philox4x32 w = random_words(seed, static_cast<std::uint64_t>(id(i)), step, RngStream::Langevin);
    double xi[3];
    if (Gaussian)
      normal3(w, xi[0], xi[1], xi[2]);
    else
      uniform3_unit_variance(w, xi[0], xi[1], xi[2]);
    for (int d = 0; d < 3; ++d) velocity(i, d) = c1 * velocity(i, d) + sigma * xi[d];
  }
};

// Overdamped Brownian dynamics under forces:
// x += (D / kT) f dt + sqrt(2 D dt) xi, same noise stream as the free
// Brownian propagator.
template <bool Gaussian>
struct BrownianForceStep {
  Vec3View position, velocity, force;
  Vec3View build;
  IdView id;
  BoxGeometry geom;
  double mobility_dt;  // D dt / kT
  double amplitude;    // sqrt(2 D dt)
  std::uint64_t seed, step;

  KOKKOS_INLINE_FUNCTION void operator()(const std::size_t i, double& max_sq) const {
    const Philox4x32 w = random_words(seed, static_cast<std::uint64_t>(id(i)), step, RngStream::Brownian);
    double xi[3];
    if (Gaussian)
      normal3(w, xi[0], xi[1], xi[2]);
    else
      uniform3_unit_variance(w, xi[0], xi[1], xi[2]);
    double x[3], v[3];
    for (int d = 0; d < 3; ++d) {
      x[d] = position(i, d) + mobility_dt * force(i, d) + amplitude * xi[d];
      v[d] = velocity(i, d);
    }
    finish_move(geom, position, velocity, build, i, x, v, max_sq);
  }
};

// At a rebuild: wrap periodic axes (counting images) and count the owned
// particles now outside the brick, for Migration.
struct WrapAndCount {
  Vec3View position;
  IntVec3View image;
  BoxGeometry geom;

  KOKKOS_INLINE_FUNCTION void operator()(const std::size_t i, std::size_t& leavers) const {
    for (int d = 0; d < 3; ++d)
      if (geom.periodic[d]) {
        double x = position(i, d);
        int img = image(i, d);
        wrap_periodic(x, img, geom.L[d]);
        position(i, d) = x;
        image(i, d) = img;
      }
    if (geom.outside(position(i, 0), position(i, 1), position(i, 2))) ++leavers;
  }
};

}  // namespace strata
