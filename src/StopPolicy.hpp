#pragma once
// When a run stops early: a stop signal on any rank (src/StopSignals.hpp),
// or rank 0's clock nearing run.walltime. Either way every rank stops at the
// same step boundary (one MPI_Allreduce of an integer per step), writes a
// checkpoint and prints how to resume.
#include <mpi.h>

#include <cstdint>
#include <string>

namespace strata {

class StopPolicy {
 public:
  // walltime_seconds <= 0: no limit. `started`: MPI_Wtime() when the run
  // began (the limit counts from there).
  StopPolicy(MPI_Comm comm, double walltime_seconds, const std::string& walltime_text, std::int64_t particles,
             double started);

  void step_took(double seconds);
  void checkpoint_took(double seconds);
  // Collective, once per step: the reason to stop now (a signal number, or
  // kWalltime), the same on every rank, or 0 to go on.
  int decide(double now);
  // "stopped by SIGTERM", "stopped before run.walltime (01:00:00)".
  std::string describe(int reason) const;

  static constexpr int kWalltime = 1000;  // a reason beside the signal numbers

 private:
  MPI_Comm comm_;
  int rank_ = 0;
  double walltime_, started_;
  std::string walltime_text_;
  std::int64_t particles_;
  double slowest_step_ = 0, slowest_checkpoint_ = 0;
};

}  // namespace strata
