#pragma once
// FIRE energy minimization before the dynamics ([minimize] in the deck), as
// LAMMPS' `min_style fire` (FIRE 2.0, Guenole et al. 2020) with its default
// min_modify settings: the Euler-implicit integrator, tmax 10, tmin 0.02,
// delaystep 20, dtgrow 1.1, dtshrink 0.5, alpha0 0.25, alphashrink 0.99,
// halfstepback yes, initialdelay yes, vdfmax 2000, and dmax (deck). It
// starts from zero velocities and the run's timestep, and stops as
// `minimize etol ftol maxiter` does: the energy per particle changed by less
// than etol (relative) in one step (checked once delaystep steps have passed
// since the last restart of the velocities), the 2-norm of the global force
// vector fell below ftol, or max_steps iterations were made.
//
// Parallel on any number of ranks: every decision uses global sums and
// maxima (MPI_Allreduce), so all ranks take the same branch. One addition
// to LAMMPS: no particle moves more than dmax along an axis in one step,
// even when the force kick alone would take it farther (LAMMPS judges dmax
// on the velocity before the kick); from overlapping atoms this keeps every
// move within the halo.
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <string>

#include "kernels/Boundary.hpp"
#include "kernels/Integrator.hpp"
#include "kernels/Particles.hpp"
#include "kernels/Species.hpp"
#include "src/Config.hpp"

namespace strata {

struct MinimizeResult {
  std::int64_t steps = 0;   // iterations made
  double energy = 0.0;      // potential energy per particle at the end
  double force_norm = 0.0;  // 2-norm of the global force vector at the end
  std::string stop;         // why it stopped: "energy tolerance", "force tolerance", ...
};

// The driver's side: after positions moved (motion: as the integrators
// report it), bring ghosts and lists up to date, compute the forces on the
// owned rows and return the potential energy per particle, the same on
// every rank. `iteration` is the FIRE iteration (for the rebuild cadence).
using EnergyAndForces = std::function<double(std::int64_t iteration, const StepMotion& motion)>;

// Collective. p must hold the forces of its current positions and
// `energy` their energy per particle; velocities are overwritten (the
// minimizer's own). `build` is the driver's view of each row's position at
// the last list build (it may be replaced by energy_forces). Logs progress
// every log_every iterations.
MinimizeResult minimize_fire(MPI_Comm comm, const MinimizeConfig& cfg, double timestep, double energy, Particles& p,
                             const MassTable& masses, const BoxGeometry& geom, const Vec3View& build,
                             const EnergyAndForces& energy_forces, std::int64_t log_every);

}  // namespace strata
