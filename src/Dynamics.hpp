#pragma once
// The deck's dynamics as an integrator (kernels/Integrator.hpp).
#include <memory>

#include "kernels/Integrator.hpp"
#include "src/Config.hpp"

namespace strata {

// Whether the run computes forces: ghosts, neighbour lists and a pair kernel.
inline bool has_forces(const Config& cfg) { return cfg.interaction.kind != InteractionKind::None; }

// propagator.type with or without an interaction: ballistic, brownian (free,
// or under forces as Brownian dynamics), verlet, langevin.
std::unique_ptr<Integrator> make_integrator(const Config& cfg, const MassTable& masses);

}  // namespace strata
