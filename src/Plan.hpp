#pragma once
// What a deck will do on N ranks, before anything runs: the checks that make
// a decomposition impossible, and the plan `strata validate` prints.
#include <string>

#include "decomposition/GridLayout.hpp"
#include "src/Config.hpp"

namespace strata {

// Halo width (largest cutoff + skin) for interacting runs, 0 otherwise.
double halo_width(const Config& cfg);

// Throws InputError (naming the deck key's line) if the deck cannot be
// split over `ranks` ranks as decomposition.grid asks.
void check_decomposition(const Config& cfg, int ranks);

// The rank grid decomposition.grid asks for on `ranks` ranks: the explicit
// grid, slabs along decomposition.axis, or for "auto" the grid with the least
// ghost volume per rank among those whose bricks are at least a halo wide on
// every cut axis (ties: fewer cut axes, then slabs along decomposition.axis,
// then more ranks along x, then y). Throws InputError as check_decomposition.
GridDims choose_grid(const Config& cfg, int ranks);
// Equal bricks on choose_grid's grid.
GridLayout initial_grid(const Config& cfg, int ranks);
// The most ranks any grid allows for this box (bricks at least a halo wide);
// -1 when there is no halo (free particles: any count).
long max_grid_ranks(const Config& cfg);

// Box, grid, brick bounds, particles per rank (estimate) and memory (estimate).
std::string describe_plan(const Config& cfg, int ranks);

// Bytes a rank holds per owned particle (the Particles views).
constexpr double kBytesPerParticle = 84.0;

}  // namespace strata
