#pragma once
// What a deck will do on N ranks, before anything runs: the checks that make
// a decomposition impossible, and the plan `strata validate` prints.
#include <string>

#include "src/Config.hpp"

namespace strata {

// Halo width (largest cutoff + skin) for interacting runs, 0 otherwise.
double halo_width(const Config& cfg);

// Throws InputError (naming the deck key's line) if the deck cannot be
// split into `ranks` slabs.
void check_decomposition(const Config& cfg, int ranks);

// Box, slab bounds, particles per rank (estimate) and memory (estimate).
std::string describe_plan(const Config& cfg, int ranks);

// Bytes a rank holds per owned particle (the Particles views).
constexpr double kBytesPerParticle = 84.0;

}  // namespace strata
