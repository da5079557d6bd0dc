#pragma once
// Pair potentials over a NeighborList: the neighbour loop, the half-list
// reaction, the energy and virial tally and the per-pair cutoff and shift,
// written once and templated on a potential's evaluator (HOOMD-blue's
// PotentialPair / EvaluatorPair idea).
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
//
// Adding a potential (see ARCHITECTURE.md, "Adding a potential"): one header
// in kernels/potentials/ with a struct like
//
//   struct MyPotential {
//     static constexpr const char* name = "MyPotential";   // kernel labels
//     struct Params {                                       // one species pair
//       double a, b;                                        // precomputed constants
//       Params scaled(double f) const;                      // energy (and force) times f
//     };
//     // Force divided by r (positive = repulsive: F_i = fpair * (x_i - x_j))
//     // and the energy U(r), from r^2 < cutoff^2 (r^2 > 0), in the
//     // arithmetic Real (double, or float for interaction.precision "mixed").
//     template <class Real>
//     KOKKOS_INLINE_FUNCTION static Real force_divr(const Params& c, Real rsq, Real& energy);
//   };
//
// then one line in PairPotential.cpp's instantiations, and its deck keys and
// parameter table in src/ (Deck.cpp, Interactions.cpp). Everything else, the
// shift to zero at the cutoff included, comes from here.
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>

#include "core/PairPrecision.hpp"
#include "core/Species.hpp"
#include "kernels/NeighborList.hpp"
#include "kernels/Particles.hpp"
#include "kernels/SimdReal.hpp"

namespace strata {

struct PairSums {
  double energy = 0.0;  // sum of pair energies
  double virial = 0.0;  // sum of r . f over pairs
};

// U(cutoff), the shift of a shifted potential. A potential may specialise
// this to keep a historical rounding (LennardJones does).
template <class Potential>
double cutoff_energy(const typename Potential::Params& c, double cutoff) {
  double energy = 0.0;
  Potential::force_divr(c, cutoff * cutoff, energy);
  return energy;
}

// Coefficients of every species pair, by value into the kernel (a few KB:
// Kokkos puts large functors in constant memory on CUDA).
template <class Potential>
struct PairTable {
  using Params = typename Potential::Params;
  int count = 1;  // species
  Params coeff[kMaxSpecies][kMaxSpecies];
  double cutsq[kMaxSpecies][kMaxSpecies] = {};  // 0: the pair never interacts
  double shift[kMaxSpecies][kMaxSpecies] = {};  // U(cutoff) when shifted, else 0
  double max_cutoff = 0.0;                      // of every pair set so far

  // Pair (a, b) and (b, a).
  void set(int a, int b, const Params& c, double rc, bool shifted) {
    const double u_rc = shifted ? cutoff_energy<Potential>(c, rc) : 0.0;
    for (int k = 0; k < 2; ++k) {
      const int i = k ? b : a, j = k ? a : b;
      coeff[i][j] = c;
      cutsq[i][j] = rc * rc;
      shift[i][j] = u_rc;
    }
    // An explicit pair may shorten a mixed one: the largest of the table now.
    max_cutoff = 0.0;
    for (int i = 0; i < kMaxSpecies; ++i)
      for (int j = 0; j < kMaxSpecies; ++j) max_cutoff = std::max(max_cutoff, std::sqrt(cutsq[i][j]));
  }

  // Every pair's energy and force times f (the amplitude ramp); the shift
  // is U(cutoff), so it scales too.
  PairTable scaled(double f) const {
    PairTable t = *this;
    for (int i = 0; i < count; ++i)
      for (int j = 0; j < count; ++j) {
        t.coeff[i][j] = coeff[i][j].scaled(f);
        t.shift[i][j] = f * shift[i][j];
      }
    return t;
  }
};

// Whether the CPU cluster-pair kernel (kernels/ClusterPairKernel.hpp) has
// its vector form for this table in this build: AVX-512 or AVX2 with FMA, a
// potential written in + - * / only, one species. Elsewhere it runs a loop
// over its lanes, slower than the particle list's kernel (measured 2x), so
// the driver asks for a cluster list only where this holds.
template <class Potential>
bool cluster_kernel_vectorized(const PairTable<Potential>& table) {
#ifdef STRATA_SIMD
  return table.count == 1 && simd::ArithmeticOnly<Potential>::value;
#else
  (void)table;
  return false;
#endif
}

// Whether, in mixed precision, that kernel computes whole cluster pairs in
// float (its AVX-512 form; kernels/ClusterPairKernel.hpp's float_pairs):
// the cluster list then keeps its slots as floats only.
template <class Potential>
bool cluster_kernel_in_floats(const PairTable<Potential>& table) {
#ifdef STRATA_SIMD_AVX512
  return table.count == 1 && simd::ArithmeticOnly<Potential>::value;
#else
  (void)table;
  return false;
#endif
}

// Computes forces (overwriting p.force for owned rows and reaction ghost
// rows) and, when `with_sums`, the energy (shifted as the table says) and
// the virial, in the arithmetic `precision` says. Instantiated for every
// potential in PairPotential.cpp.
template <class Potential>
PairSums compute_pair_forces(const Particles& p, const NeighborList& list, const PairTable<Potential>& table,
                             bool with_sums, PairPrecision precision = PairPrecision::Double);

}  // namespace strata
