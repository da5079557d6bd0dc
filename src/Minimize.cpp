#include "src/Minimize.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "io/RunLog.hpp"
#include "kernels/Fire.hpp"

namespace strata {

namespace {

// LAMMPS' min_modify defaults for min_style fire.
constexpr double kTmax = 10.0, kTmin = 0.02, kDtGrow = 1.1, kDtShrink = 0.5;
constexpr double kAlpha0 = 0.25, kAlphaShrink = 0.99;
constexpr std::int64_t kDelaySteps = 20, kMaxUphill = 2000;
constexpr double kEpsEnergy = 1e-8;  // LAMMPS' EPS_ENERGY in the etol test

FirePowers global_powers(MPI_Comm comm, const Particles& p) {
  const FirePowers local = fire_powers(p);
  double in[3] = {local.vf, local.vv, local.ff}, out[3];
  MPI_Allreduce(in, out, 3, MPI_DOUBLE, MPI_SUM, comm);
  return FirePowers{out[0], out[1], out[2]};
}

double global_max(MPI_Comm comm, double x) {
  double g = 0.0;
  MPI_Allreduce(&x, &g, 1, MPI_DOUBLE, MPI_MAX, comm);
  return g;
}

}  // namespace

MinimizeResult minimize_fire(MPI_Comm comm, const MinimizeConfig& cfg, double timestep, double energy, Particles& p,
                             const MassTable& masses, const BoxGeometry& geom, const Vec3View& build,
                             const EnergyAndForces& energy_forces, std::int64_t log_every) {
  const double dtmax = kTmax * timestep, dtmin = kTmin * timestep;
  double dt = timestep, dtv = timestep, alpha = kAlpha0;
  double e_now = energy, e_before = energy;
  std::int64_t last_uphill = 0, uphill_in_a_row = 0;
  MinimizeResult r;
  fire_zero_velocity(p);
  runlog::say(fmt::format("strata: minimizing (FIRE): energy per particle {:.10g} at the start, etol {:g}, ftol {:g}, "
                          "at most {} steps",
                          energy, cfg.etol, cfg.ftol, cfg.max_steps));
  for (std::int64_t it = 1; it <= cfg.max_steps; ++it) {
    r.steps = it;
    FirePowers pw = global_powers(comm, p);
    const bool downhill = pw.vf > 0.0;
    double keep_v = 1.0, scale_f = 0.0;
    bool v_reset = false;
    if (downhill) {
      uphill_in_a_row = 0;
      keep_v = 1.0 - alpha;
      scale_f = pw.ff <= 1e-20 ? 0.0 : alpha * std::sqrt(pw.vv / pw.ff);
      if (it - last_uphill > kDelaySteps) {
        dt = std::min(dt * kDtGrow, dtmax);
        alpha *= kAlphaShrink;
      }
    } else {
      last_uphill = it;
      // initialdelay: no shrinking in the first delaystep iterations.
      if (it >= kDelaySteps) {
        alpha = kAlpha0;
        if (dt * kDtShrink >= dtmin) dt *= kDtShrink;
      }
      if (++uphill_in_a_row > kMaxUphill) {
        r.stop = fmt::format("{} uphill steps in a row", kMaxUphill);
        break;
      }
      // Inertia correction: half a step back, velocities restart from 0.
      const StepMotion back = fire_half_step_back(p, geom, build, dtv);
      fire_zero_velocity(p);
      energy_forces(it, back);  // as LAMMPS: the etol test still compares with the energy before it
      v_reset = true;
    }
    // The step: no particle moves more than dmax along an axis; after a
    // restart, judged on the velocity dt f / m one step would give.
    if (v_reset) fire_velocity_from_force(p, masses, dt);
    const double vmax = global_max(comm, fire_max_speed(p));
    dtv = dt * vmax > cfg.dmax ? cfg.dmax / vmax : dt;
    if (v_reset) fire_zero_velocity(p);
    // A guard LAMMPS lacks: the limit above is judged on the velocity before
    // the kick, and where forces are huge (overlapping atoms) the kick alone
    // would carry an atom far beyond dmax, and beyond the halo. Shrink dtv
    // until the step itself stays within dmax (in ordinary states the step
    // passes at once and this is LAMMPS' step exactly).
    for (int tries = 0; tries < 200; ++tries) {
      const double largest = global_max(comm, fire_max_step(p, masses, dtv, downhill, keep_v, scale_f));
      if (largest <= cfg.dmax) break;
      dtv *= std::isfinite(largest) ? std::min(0.9, cfg.dmax / largest) : 0.5;
    }
    const StepMotion moved = fire_move(p, masses, geom, build, dtv, downhill, keep_v, scale_f);
    e_before = e_now;
    e_now = energy_forces(it, moved);

    pw = global_powers(comm, p);
    r.energy = e_now;
    r.force_norm = std::sqrt(pw.ff);
    if (log_every > 0 && it % log_every == 0)
      runlog::say(fmt::format("minimize step {:>8}  energy {:.10g}  |F| {:.6g}  dt {:.4g}", it, e_now, r.force_norm,
                              dtv));
    if (cfg.etol > 0.0 && it - last_uphill > kDelaySteps &&
        std::abs(e_now - e_before) < cfg.etol * 0.5 * (std::abs(e_now) + std::abs(e_before) + kEpsEnergy)) {
      r.stop = "energy tolerance";
      break;
    }
    if (cfg.ftol > 0.0 && pw.ff < cfg.ftol * cfg.ftol) {
      r.stop = "force tolerance";
      break;
    }
  }
  if (r.stop.empty()) r.stop = "max_steps";
  runlog::say(fmt::format("strata: minimized in {} steps ({}): energy per particle {:.10g}, |F| {:.6g}", r.steps,
                          r.stop, r.energy, r.force_norm));
  return r;
}

}  // namespace strata
