#pragma once
// The driver: deck -> initial state -> step loop -> output. One step, each
// phase one call on a seam with its own timer (src/RunSummary.hpp):
//   integrate (first half) -> rebuild or ghost update -> forces ->
//   force reverse -> integrate (second half) -> output.
#include <mpi.h>

#include <string>

#include "src/Config.hpp"
#include "src/RunMonitor.hpp"

namespace strata {

struct RunOptions {
  bool overwrite = false;
  // A checkpoint file to continue from (already checked by main), or empty.
  std::string restart_path;
  // Hand MPI device pointers (decomposition.gpu_aware_mpi, resolved by main).
  bool gpu_aware_mpi = false;
  // How this program was started, for the printed resume command.
  std::string program = "strata";
};

// Runs the simulation described by cfg (already validated, output directory
// already prepared). Collective over comm. Returns true when a stop signal
// or run.walltime ended it early (a checkpoint was written; no final.h5).
// Throws CollectiveFailure when all ranks detect a failure together, an
// InputError on every rank alike for a bad input file found while setting up
// (a damaged checkpoint or particles.file); anything else may be a one-rank
// failure. `monitor` keeps status.json, also for main() to mark a failure.
bool run_simulation(MPI_Comm comm, const Config& cfg, const RunOptions& options, RunMonitor& monitor);

}  // namespace strata
