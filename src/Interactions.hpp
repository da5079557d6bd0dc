#pragma once
// From the deck's species and [interaction] to the kernels' pair table.
#include "kernels/LennardJones.hpp"
#include "src/Config.hpp"

namespace strata {

// Explicit pairs as given; every other pair mixed from the per-species
// epsilon/sigma (Lorentz-Berthelot: eps = sqrt(eps_a eps_b), sigma = (sigma_a +
// sigma_b) / 2; geometric: sigma = sqrt(sigma_a sigma_b)), cut at
// interaction.cutoff.
PairTable make_pair_table(const Config& cfg);

// Largest pair cutoff: with the skin, the halo width and the neighbour range.
double max_cutoff(const Config& cfg);

}  // namespace strata
