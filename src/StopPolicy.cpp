#include "src/StopPolicy.hpp"

#include <algorithm>

#include "src/StopSignals.hpp"

namespace strata {

StopPolicy::StopPolicy(MPI_Comm comm, double walltime_seconds, const std::string& walltime_text,
                       std::int64_t particles, double started)
    : comm_(comm), walltime_(walltime_seconds), started_(started), walltime_text_(walltime_text),
      particles_(particles) {
  MPI_Comm_rank(comm_, &rank_);
}

// A stop signal may wait three of the slowest steps and two of the slowest
// checkpoints (one may be in progress) for the step boundary.
void StopPolicy::step_took(double seconds) {
  slowest_step_ = std::max(slowest_step_, seconds);
  set_stop_grace(3.0 * slowest_step_ + 2.0 * slowest_checkpoint_);
}

void StopPolicy::checkpoint_took(double seconds) {
  slowest_checkpoint_ = std::max(slowest_checkpoint_, seconds);
  set_stop_grace(3.0 * slowest_step_ + 2.0 * slowest_checkpoint_);
}

int StopPolicy::decide(double now) {
  int local = pending_stop_signal();
  if (local == 0 && rank_ == 0 && walltime_ > 0) {
    // Leave room for two more steps and a checkpoint (measured, or
    // estimated at 100 MB/s for the first one).
    const double checkpoint = std::max(slowest_checkpoint_, 1.0 + static_cast<double>(particles_) * 100.0 / 1e8);
    if (now - started_ + 2.0 * slowest_step_ + 1.5 * checkpoint >= walltime_) local = kWalltime;
  }
  int stop = 0;
  MPI_Allreduce(&local, &stop, 1, MPI_INT, MPI_MAX, comm_);
  if (stop != 0) stop_agreed();
  return stop;
}

std::string StopPolicy::describe(int reason) const {
  if (reason == kWalltime) return "stopped before run.walltime (" + walltime_text_ + ")";
  return std::string("stopped by ") + signal_name(reason);
}

}  // namespace strata
