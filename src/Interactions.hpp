#pragma once
// From the deck's species and [interaction] to the kernels' pair tables:
// mixing, explicit pairs, cutoffs and shifts per potential, the tail
// corrections and the amplitude ramp.
#include <array>
#include <cstdint>
#include <memory>

#include "core/Species.hpp"
#include "kernels/ExternalForces.hpp"
#include "kernels/PairForce.hpp"
#include "kernels/potentials/LennardJones.hpp"
#include "kernels/potentials/Morse.hpp"
#include "kernels/potentials/Soft.hpp"
#include "kernels/potentials/Yukawa.hpp"
#include "src/Config.hpp"

namespace strata {

// Tables per potential. Explicit pairs as given; every other pair mixed from
// the per-species values: epsilon and amplitude geometrically (sqrt(x_a x_b)),
// sigma by interaction.mixing (Lorentz-Berthelot: (sigma_a + sigma_b) / 2;
// geometric: sqrt(sigma_a sigma_b)). Cut at interaction.cutoff unless the pair
// has its own (wca: always 2^(1/6) sigma_ij, shifted). Morse does not mix:
// the deck guarantees every pair is explicit. interaction.type = "none":
// an LJ table whose pairs never interact (cutoff 0).
PairTable<LennardJones> lennard_jones_table(const Config& cfg);  // lj, wca, none
PairTable<Morse> morse_table(const Config& cfg);
PairTable<Yukawa> yukawa_table(const Config& cfg);
PairTable<Soft> soft_table(const Config& cfg);

// The pair force of interaction.type.
std::unique_ptr<PairForce> make_pair_force(const Config& cfg);

// Largest pair cutoff: with the skin, the halo width and the neighbour range.
double max_cutoff(const Config& cfg);

// Long-range corrections of a homogeneous fluid beyond each pair's cutoff
// (interaction.tail, lj): with N_a particles of species a in volume V,
//   energy = (2 pi / V) sum_ab N_a N_b int_rc^inf r^2 U_ab(r) dr
//   virial = -(2 pi / V) sum_ab N_a N_b int_rc^inf r^3 U_ab'(r) dr
// (sums over ordered species pairs; the pressure correction is virial / 3V),
// as LAMMPS pair_modify tail yes. Zero without interaction.tail.
struct PairTail {
  double energy = 0.0;
  double virial = 0.0;
};
PairTail pair_tail(const Config& cfg, const std::array<double, kMaxSpecies>& species_counts);

// interaction.amplitude_ramp at `step`: f0 + (step / run.steps) (f1 - f0), as
// LAMMPS' ramp(f0, f1) over a run from step 0 to run.steps.
double amplitude_factor(const Config& cfg, std::int64_t step);

// [walls] and [field] as the external-force kernel's constants: a wall on
// each face walls.faces lists, and per species the body force
// mass_s * field.gravity + field.force[s].
ExternalField external_field(const Config& cfg);

// "lennard-jones", "wca", "morse", ... for the run's first log line.
const char* interaction_label(InteractionKind kind);

}  // namespace strata
