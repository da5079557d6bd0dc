#pragma once
// Counters for what a rank sends over MPI in the step loop, reported in the
// run summary (messages and bytes per rank per step, mean and max over ranks).
#include <cstdint>

namespace strata {

struct CommStats {
  std::uint64_t messages = 0;
  std::uint64_t bytes = 0;
  std::uint64_t particles_migrated = 0;  // particles this rank sent, counting each hop
  std::uint64_t hops = 0;                // exchange rounds (>= 1 per step when P > 1)
  double wait_seconds = 0.0;             // time blocked in MPI waits and reductions

  void reset() { *this = CommStats{}; }
};

}  // namespace strata
