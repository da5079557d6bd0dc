#pragma once
// The deck's dynamics as an integrator (kernels/Integrator.hpp).
#include <memory>

#include "kernels/Integrator.hpp"
#include "src/Config.hpp"

namespace strata {

// Whether the run computes forces: a pair potential (with ghosts and
// neighbour lists), walls or a body force. Free Brownian particles with a
// field or walls run as Brownian dynamics under those forces.
inline bool has_pair_forces(const Config& cfg) { return cfg.interaction.kind != InteractionKind::None; }
inline bool has_forces(const Config& cfg) { return has_pair_forces(cfg) || cfg.walls.any() || cfg.field.any(); }

// propagator.type with or without an interaction: ballistic, brownian (free,
// or under forces as Brownian dynamics), verlet, langevin.
std::unique_ptr<Integrator> make_integrator(const Config& cfg, const MassTable& masses);

}  // namespace strata
