#pragma once
// <output>/status.json: where a run stands, for a user or a script watching
// a batch job without reading its log. Rewritten whole at every thermo step
// and when the run ends, through a temporary file and rename(), so a reader
// never sees half a file.
#include <cstdint>
#include <string>
#include <vector>

namespace strata {

struct RunStatus {
  std::string state = "running";  // running | finished | stopped | failed
  std::string deck;
  int ranks = 1;
  std::int64_t particles = 0;
  std::int64_t step = 0, first_step = 0, last_step = 0;  // this run covers first_step..last_step
  double time = 0;                 // simulated time at `step`
  double elapsed_s = 0;            // wall time since this run's step loop began
  double steps_per_s = 0, particle_steps_per_s = 0;
  double eta_s = -1;               // < 0: not known yet
  std::vector<std::int64_t> rank_particles;  // owned particles per rank at `step`
  double imbalance = 1.0;                    // their max / mean
  std::string last_checkpoint;     // path, or empty
  std::int64_t last_checkpoint_step = -1;
  std::string message;             // why it stopped or failed, how to resume
};

std::string status_json(const RunStatus& s);
// Writes <dir>/status.json atomically; `writer` makes the temporary file's
// name unique (a rank number). Returns false if it could not (the run goes on).
bool write_status(const std::string& dir, const RunStatus& s, int writer);

}  // namespace strata
