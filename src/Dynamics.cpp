#include "src/Dynamics.hpp"

namespace strata {

std::unique_ptr<Integrator> make_integrator(const Config& cfg, const MassTable& masses) {
  const auto& pc = cfg.propagator;
  const double dt = cfg.run.timestep;
  switch (pc.kind) {
    case PropagatorKind::Ballistic:
      return std::make_unique<BallisticIntegrator>(dt);
    case PropagatorKind::Brownian:
      if (has_forces(cfg))
        return std::make_unique<BrownianDynamicsIntegrator>(pc.diffusion, pc.temperature, dt, cfg.run.seed, pc.noise);
      return std::make_unique<BrownianIntegrator>(pc.diffusion, dt, cfg.run.seed, pc.noise);
    case PropagatorKind::Verlet:
      return std::make_unique<VelocityVerletIntegrator>(masses, dt);
    case PropagatorKind::Langevin:
      return std::make_unique<LangevinIntegrator>(masses, dt, pc.temperature, pc.damping, cfg.run.seed, pc.noise);
  }
  return nullptr;
}

}  // namespace strata
