#pragma once
// The driver: deck -> initial state -> step loop -> output. One step is
//   propagate (kernel) -> migrate (neighbour exchange) -> thermo/output.
#include <mpi.h>

#include <string>

#include "src/Config.hpp"

namespace strata {

struct RunOptions {
  bool overwrite = false;
  // A checkpoint file to continue from (already checked by main), or empty.
  std::string restart_path;
  // Hand MPI device pointers (decomposition.gpu_aware_mpi, resolved by main).
  bool gpu_aware_mpi = false;
};

// Runs the simulation described by cfg (already validated, output directory
// already prepared). Collective over comm. Returns true when a stop signal
// ended it early (a checkpoint was written; no final.h5). Throws
// CollectiveFailure when all ranks detect a failure together; anything else
// is a one-rank failure.
bool run_simulation(MPI_Comm comm, const Config& cfg, const RunOptions& options);

// Marks the run in progress (if any) as failed in status.json, from the rank
// that reports the failure; it keeps the step and counts of the last thermo
// step.
void mark_run_failed(int rank, const std::string& message);

}  // namespace strata
