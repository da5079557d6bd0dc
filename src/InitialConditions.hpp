#pragma once
// Builds the particles rank `rank` owns at step 0 from the deck: placement
// (generated per id, or read from an H5MD file) and initial velocities.
#include <mpi.h>

#include <string>

#include "decomposition/GridLayout.hpp"
#include "kernels/Particles.hpp"
#include "kernels/Species.hpp"
#include "src/Config.hpp"

namespace strata {

// Kernel-side tables from the deck's species.
MassTable mass_table(const SpeciesConfig& species);
Composition composition_of(const SpeciesConfig& species);

// Collective over comm: the velocities a generated placement gets
// (particles.temperature, zero momentum, exact T, particles.drift), keyed
// by particle id, so the same on any number of ranks.
void draw_initial_velocities(MPI_Comm comm, const Config& cfg, Particles& p);

// Collective over comm (velocity sums are reduced over ranks).
Particles build_initial_particles(MPI_Comm comm, const Config& cfg, const GridLayout& layout);

// Collective over comm: the particles of a checkpoint, each on its owner
// under `layout` (io/ reads the rows, decomposition/ routes them; nothing
// moves when `layout` is the one the checkpoint was written with).
Particles restore_particles(MPI_Comm comm, const std::string& checkpoint, const GridLayout& layout);

}  // namespace strata
