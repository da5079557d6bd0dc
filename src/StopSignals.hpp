#pragma once
// Scheduler signals: SIGTERM, SIGINT and SIGUSR1 (SLURM's and PBS' warning
// before the wall-time limit) ask the run to stop at the next step
// boundary; the driver then agrees over all ranks, writes a checkpoint and
// exits cleanly. A second SIGINT (Ctrl-C twice) ends the process at once.

namespace strata {

void install_stop_handlers();
// The first stop signal received by this process, or 0.
int pending_stop_signal();
const char* signal_name(int signo);

}  // namespace strata
