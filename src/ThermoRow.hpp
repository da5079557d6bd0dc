#pragma once
// One thermo row: the quantities of one step, reduced over all ranks, and the
// one column list behind thermo.csv, the trajectory's /observables and the
// log line, so the three cannot disagree.
//   energies per particle; temperature over 3N - 3 degrees of freedom
//   (momentum is conserved); pressure (2 KE + virial) / 3V with every pair
//   counted once; msd from the start, unwrapped; imbalance = max/mean
//   particles per rank.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/Box.hpp"
#include "io/TrajectoryFile.hpp"
#include "kernels/PairPotential.hpp"
#include "kernels/Particles.hpp"
#include "kernels/Species.hpp"

namespace strata {

struct ThermoRow {
  std::int64_t step = 0;
  double time = 0, particles = 0;
  double temperature = 0, kinetic_energy = 0, potential_energy = 0, total_energy = 0, pressure = 0, msd = 0,
         imbalance = 0;
  std::vector<std::int64_t> rank_particles;  // owned particles per rank

  // thermo.csv's header, and the values in that order.
  static const std::vector<std::string>& columns();
  std::vector<double> values() const;
  // The trajectory's observables: every column but step, time and
  // particles, and the particles per rank.
  FrameObservables observables() const;
  // "T ... KE ... PE ... E ... P ... MSD ..." for the progress line.
  std::string summary() const;
};

// Collective: the owned particles of every rank; throws CollectiveFailure
// (naming the step and every rank's count) unless they add up to `expected`.
std::vector<std::int64_t> checked_particle_counts(MPI_Comm comm, std::int64_t step, const Particles& p,
                                                  std::int64_t expected);

// Collective. `pairs`: this rank's pair energy and virial; `tail`: the
// long-range corrections of the whole system (interaction.tail), added once.
// Also checks the global particle count against `expected`
// (CollectiveFailure naming the step and the per-rank counts otherwise).
ThermoRow measure_thermo(MPI_Comm comm, std::int64_t step, double time, const Particles& p, const MassTable& masses,
                         const SystemBox& box, const PairSums& pairs, const PairSums& tail, std::int64_t expected);

}  // namespace strata
