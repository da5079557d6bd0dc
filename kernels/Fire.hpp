#pragma once
// The device side of FIRE energy minimization (src/Minimize.cpp drives it,
// as LAMMPS' min_style fire). The minimizer's velocities live in
// p.velocity, so they travel with their rows through migration.
//
// Contract: every kernel reads and writes owned rows [0, p.size) only; none
// touches ghosts. Positions are not wrapped (as under the integrators with
// forces): reflecting faces reflect, and each move reports the largest
// squared displacement since the last list build for the rebuild check.
#include <Kokkos_Core.hpp>

#include "kernels/Boundary.hpp"
#include "kernels/Integrator.hpp"
#include "kernels/Integrators.hpp"
#include "kernels/Particles.hpp"
#include "kernels/Species.hpp"

namespace strata {

// Sums over owned rows of v.f, v.v and f.f.
struct FirePowers {
  double vf = 0.0, vv = 0.0, ff = 0.0;
};
FirePowers fire_powers(const Particles& p);

// The largest |v_d| over owned rows and axes.
double fire_max_speed(const Particles& p);

// v = dt f / m.
void fire_velocity_from_force(const Particles& p, const MassTable& masses, double dt);

// v = 0.
void fire_zero_velocity(const Particles& p);

// x -= 0.5 dtv v (LAMMPS' halfstepback after an uphill step), reflected at
// non-periodic faces.
StepMotion fire_half_step_back(const Particles& p, const BoxGeometry& geom, const Vec3View& build, double dtv);

// One FIRE step (LAMMPS' default eulerimplicit integrator):
// v += dtv f / m; when `mix`, v = (1 - alpha) v + scale_f f; x += dtv v.
StepMotion fire_move(const Particles& p, const MassTable& masses, const BoxGeometry& geom, const Vec3View& build,
                     double dtv, bool mix, double keep_v, double scale_f);

// The largest |dtv v_new| over owned rows and axes that fire_move(...) with
// the same arguments would make (before reflections), writing nothing.
double fire_max_step(const Particles& p, const MassTable& masses, double dtv, bool mix, double keep_v, double scale_f);

// Sets the unwrapped start of every owned row (origin, for the MSD) to its
// position and its image counts to 0: the dynamics start here.
void start_trajectories_here(const Particles& p);

}  // namespace strata
