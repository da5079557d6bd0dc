#include "kernels/Fire.hpp"

#include <cmath>

namespace strata {

namespace {

Kokkos::RangePolicy<ExecSpace> owned(const Particles& p) { return Kokkos::RangePolicy<ExecSpace>(0, p.size); }

// One FIRE move of a row (the body of fire_move and fire_half_step_back).
struct FireMove {
  Vec3View position, velocity, force, build;
  IntView species;
  MassTable masses;
  BoxGeometry geom;
  double dtv, keep_v, scale_f;
  bool mix, kick;

  KOKKOS_INLINE_FUNCTION void operator()(const std::size_t i, double& max_sq) const {
    const double dtfm = kick ? dtv * masses.inv_mass[species(i)] : 0.0;
    double x[3], v[3];
    for (int d = 0; d < 3; ++d) {
      v[d] = velocity(i, d) + dtfm * force(i, d);
      if (mix) v[d] = keep_v * v[d] + scale_f * force(i, d);
      x[d] = position(i, d) + dtv * v[d];
    }
    finish_move(geom, position, velocity, build, i, x, v, max_sq);
  }
};

StepMotion run_move(const Particles& p, const FireMove& move) {
  StepMotion m;
  Kokkos::parallel_reduce("Fire::move", owned(p), move, Kokkos::Max<double>(m.max_moved_sq));
  return m;
}

}  // namespace

FirePowers fire_powers(const Particles& p) {
  FirePowers s;
  const Vec3View v = p.velocity, f = p.force;
  Kokkos::parallel_reduce(
      "Fire::vf", owned(p),
      KOKKOS_LAMBDA(const std::size_t i, double& a) { a += v(i, 0) * f(i, 0) + v(i, 1) * f(i, 1) + v(i, 2) * f(i, 2); },
      s.vf);
  Kokkos::parallel_reduce(
      "Fire::vv", owned(p),
      KOKKOS_LAMBDA(const std::size_t i, double& a) { a += v(i, 0) * v(i, 0) + v(i, 1) * v(i, 1) + v(i, 2) * v(i, 2); },
      s.vv);
  Kokkos::parallel_reduce(
      "Fire::ff", owned(p),
      KOKKOS_LAMBDA(const std::size_t i, double& a) { a += f(i, 0) * f(i, 0) + f(i, 1) * f(i, 1) + f(i, 2) * f(i, 2); },
      s.ff);
  return s;
}

double fire_max_speed(const Particles& p) {
  const Vec3View v = p.velocity;
  double vmax = 0.0;
  Kokkos::parallel_reduce(
      "Fire::vmax", owned(p),
      KOKKOS_LAMBDA(const std::size_t i, double& m) {
        for (int d = 0; d < 3; ++d) {
          const double a = v(i, d) < 0.0 ? -v(i, d) : v(i, d);
          if (a > m) m = a;
        }
      },
      Kokkos::Max<double>(vmax));
  return vmax;
}

void fire_velocity_from_force(const Particles& p, const MassTable& masses, double dt) {
  const Vec3View v = p.velocity, f = p.force;
  const IntView species = p.species;
  Kokkos::parallel_for(
      "Fire::velocity_from_force", owned(p), KOKKOS_LAMBDA(const std::size_t i) {
        const double dtfm = dt * masses.inv_mass[species(i)];
        for (int d = 0; d < 3; ++d) v(i, d) = dtfm * f(i, d);
      });
}

void fire_zero_velocity(const Particles& p) {
  const Vec3View v = p.velocity;
  Kokkos::parallel_for(
      "Fire::zero_velocity", owned(p), KOKKOS_LAMBDA(const std::size_t i) {
        for (int d = 0; d < 3; ++d) v(i, d) = 0.0;
      });
}

StepMotion fire_half_step_back(const Particles& p, const BoxGeometry& geom, const Vec3View& build, double dtv) {
  return run_move(p, FireMove{p.position, p.velocity, p.force, build, p.species, MassTable{}, geom, -0.5 * dtv, 1.0,
                              0.0, false, false});
}

StepMotion fire_move(const Particles& p, const MassTable& masses, const BoxGeometry& geom, const Vec3View& build,
                     double dtv, bool mix, double keep_v, double scale_f) {
  return run_move(p, FireMove{p.position, p.velocity, p.force, build, p.species, masses, geom, dtv, keep_v, scale_f,
                              mix, true});
}

double fire_max_step(const Particles& p, const MassTable& masses, double dtv, bool mix, double keep_v, double scale_f) {
  const Vec3View v = p.velocity, f = p.force;
  const IntView species = p.species;
  double m = 0.0;
  Kokkos::parallel_reduce(
      "Fire::max_step", owned(p),
      KOKKOS_LAMBDA(const std::size_t i, double& largest) {
        const double dtfm = dtv * masses.inv_mass[species(i)];
        for (int d = 0; d < 3; ++d) {
          double vd = v(i, d) + dtfm * f(i, d);
          if (mix) vd = keep_v * vd + scale_f * f(i, d);
          const double step = dtv * vd < 0.0 ? -dtv * vd : dtv * vd;
          // A NaN step counts as infinite: the shrinking loop then stops at its floor.
          if (!(step <= largest)) largest = step == step ? step : HUGE_VAL;
        }
      },
      Kokkos::Max<double>(m));
  return m;
}

void start_trajectories_here(const Particles& p) {
  const Vec3View x = p.position;
  const FloatVec3View origin = p.origin;
  const IntVec3View image = p.image;
  Kokkos::parallel_for(
      "Fire::start_trajectories_here", owned(p), KOKKOS_LAMBDA(const std::size_t i) {
        for (int d = 0; d < 3; ++d) {
          origin(i, d) = static_cast<float>(x(i, d));
          image(i, d) = 0;
        }
      });
}

}  // namespace strata
