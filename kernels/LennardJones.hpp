#pragma once
// Lennard-Jones pair force, U(r) = 4 eps [(sigma/r)^12 - (sigma/r)^6] (minus
// its value at the cutoff when shifted), over a NeighborList.
//
// Contract of the force kernel: reads positions and species of owned rows
// [0, n_owned) and ghost rows [n_owned, n_owned + ghosts); writes forces of
// owned rows and of the ghost rows that are reaction rows (copies of other
// ranks' particles; HaloExchange::reverse_forces sends those home). The list
// is "half": each pair once, with the reaction applied to the partner's
// reaction row through a ScatterView: plain adds on Serial, atomics or
// per-thread copies on OpenMP/CUDA. Energy and virial of a pair count once,
// on the rank that computed it (one half on each side for a list built
// without reaction rows, where both sides compute the pair).
#include <Kokkos_Core.hpp>
#include <Kokkos_ScatterView.hpp>

#include "kernels/NeighborList.hpp"
#include "kernels/Particles.hpp"
#include "kernels/Species.hpp"

namespace strata {

// Coefficients per species pair, by value into the kernel.
struct PairTable {
  int count = 1;
  double lj1[kMaxSpecies][kMaxSpecies];     // 48 eps sigma^12
  double lj2[kMaxSpecies][kMaxSpecies];     // 24 eps sigma^6
  double lj3[kMaxSpecies][kMaxSpecies];     // 4 eps sigma^12
  double lj4[kMaxSpecies][kMaxSpecies];     // 4 eps sigma^6
  double cutsq[kMaxSpecies][kMaxSpecies];
  double offset[kMaxSpecies][kMaxSpecies];  // U(rc) when shifted, else 0
  double max_cutoff = 0.0;

  void set(int a, int b, double epsilon, double sigma, double cutoff, bool shift) {
    const double s6 = sigma * sigma * sigma * sigma * sigma * sigma;
    for (int k = 0; k < 2; ++k) {
      const int i = k ? b : a, j = k ? a : b;
      lj1[i][j] = 48.0 * epsilon * s6 * s6;
      lj2[i][j] = 24.0 * epsilon * s6;
      lj3[i][j] = 4.0 * epsilon * s6 * s6;
      lj4[i][j] = 4.0 * epsilon * s6;
      cutsq[i][j] = cutoff * cutoff;
      const double r6inv = 1.0 / (cutoff * cutoff * cutoff * cutoff * cutoff * cutoff);
      offset[i][j] = shift ? r6inv * (lj3[i][j] * r6inv - lj4[i][j]) : 0.0;
    }
    if (cutoff > max_cutoff) max_cutoff = cutoff;
  }
};

struct PairSums {
  double energy = 0.0;  // sum of pair energies
  double virial = 0.0;  // sum of r . f over pairs
};

// Computes forces (overwriting p.force for owned rows) and, when
// `with_sums`, the energy and virial.
PairSums compute_lj_forces(const Particles& p, const NeighborList& list, const PairTable& table, bool with_sums);

}  // namespace strata
