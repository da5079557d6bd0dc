#pragma once
// What a user watching a run sees: the progress line at every thermo step
// (percent, steps/s, atom-steps/s, ETA and the thermo summary), a live bar
// on a terminal, and status.json (running / finished / stopped / failed).
// main() creates it before the run and keeps it after, so a failure caught
// there can still mark the run failed; every rank keeps the same status.
#include <cstdint>
#include <string>

#include "io/StatusFile.hpp"
#include "src/ThermoRow.hpp"

namespace strata {

class RunMonitor {
 public:
  explicit RunMonitor(int rank) : rank_(rank) {}

  // The run about to start (first_step > 0 when resumed from `checkpoint`).
  void begin(const std::string& out_dir, const std::string& deck, int ranks, std::int64_t particles,
             std::int64_t first_step, std::int64_t last_step, double timestep, const std::string& checkpoint);
  void loop_started(double now) { t_loop_ = now; }

  // Collective. The progress line from rank 0 and status.json, at a thermo step.
  void thermo(const ThermoRow& row, double now);
  // Rank 0, terminal only, at most 5 times a second; no communication.
  void bar(std::int64_t step, double now);
  void checkpoint_written(const std::string& path, std::int64_t step);
  // Collective: the run ended early (a stop signal or run.walltime).
  void stopped(std::int64_t step, double now, const std::string& why, const std::string& resume);
  void finished(double loop_end, const std::string& final_path);
  // From the rank that reports a failure (main); keeps the step and counts
  // of the last thermo step. Nothing when no run was begun.
  void failed(int rank, const std::string& message);

  const RunStatus& status() const { return status_; }

 private:
  void progress(std::int64_t step, double now);
  void publish(const std::string& state, const std::string& message, int writer);

  int rank_;
  std::string dir_;  // empty until begin()
  RunStatus status_;
  double timestep_ = 0, t_loop_ = 0, last_bar_ = -1e30;
};

// "1:02:03", or "-" when not known yet.
std::string clock_time(double seconds);

}  // namespace strata
