#pragma once
// Where the time of a run went, and the summary printed at its end (also
// summary.json). The step loop stamps each phase with its own timer
// (PhaseTimer), so the breakdown is true by construction: integrate (both
// halves of the dynamics), neighbour (list builds), communication
// (migration, ghosts, force reverse, the rebuild vote), force (pair
// kernel), output (thermo, frames, checkpoints).
#include <mpi.h>

#include <cstdint>
#include <string>

#include "decomposition/CommStats.hpp"

namespace strata {

struct PhaseTimes {
  double setup = 0, integrate = 0, neighbor = 0, comm = 0, force = 0, output = 0;
  double loop = 0;   // the whole step loop
  double final = 0;  // the final checkpoint and final.h5, after the loop
};

// Adds the wall time of its scope (after a Kokkos fence, so device work is
// counted where it was launched) to one phase.
class PhaseTimer {
 public:
  explicit PhaseTimer(double& phase);
  ~PhaseTimer();
  PhaseTimer(const PhaseTimer&) = delete;
  PhaseTimer& operator=(const PhaseTimer&) = delete;

 private:
  double& phase_;
  double start_;
};

struct SummaryInputs {
  std::string out_dir;
  std::int64_t particles = 0, steps = 0;
  bool forces = false;
  long long list_builds = 0;
  double wall = 0;
  std::int64_t balance_every = 0;                 // decomposition.balance_every
  int balance_moves = 0;                          // times the planes moved
  double imbalance_start = 1, imbalance_end = 1;  // max/mean particles per rank
  long long dangerous_builds = -1;                // unchecked rebuilds after a move beyond skin/2; -1: checked
};

// Collective (means and maxima over ranks); rank 0 prints and writes
// <out_dir>/summary.json.
void write_run_summary(MPI_Comm comm, const SummaryInputs& in, const PhaseTimes& t, const CommStats& stats);

}  // namespace strata
