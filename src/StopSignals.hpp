#pragma once
// Scheduler signals: SIGTERM, SIGINT and SIGUSR1 (SLURM's and PBS' warning
// before the wall-time limit) ask the run to stop at the next step
// boundary; the driver then agrees over all ranks, writes a checkpoint and
// exits cleanly. A second SIGINT (Ctrl-C twice) ends the process at once.
// If the ranks have not agreed on that step within a grace time (a few
// steps, at least 5 s), the process ends at once: when one rank dies,
// mpirun sends the others SIGTERM while they wait for it in a collective
// they can never leave.

namespace strata {

void install_stop_handlers();
// Until this is called (by the driver, as its step loop begins), a stop
// signal ends the process at once: during set-up there is nothing to save
// and the next step boundary may be far away.
void stop_at_step_boundaries();
// The first stop signal received by this process, or 0.
int pending_stop_signal();
// How long a stop signal may wait for the step boundary (the driver keeps
// it at a few of its slowest steps and checkpoints; at least 5 s).
void set_stop_grace(double seconds);
// Every rank has agreed to stop at this step: no grace limit any more (the
// checkpoint may take as long as it takes).
void stop_agreed();
const char* signal_name(int signo);

// A crash (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) prints one line naming
// the rank and the signal before the process dies of it, so a failure on one
// of many ranks says where it happened; then whatever handled the signal
// before (Open MPI's backtrace, a sanitizer's report) runs as usual.
void install_crash_reporter(int rank);

}  // namespace strata
