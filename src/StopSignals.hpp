#pragma once
// Scheduler signals: SIGTERM, SIGINT and SIGUSR1 (SLURM's and PBS' warning
// before the wall-time limit) ask the run to stop at the next step
// boundary; the driver then agrees over all ranks, writes a checkpoint and
// exits cleanly. A second SIGINT (Ctrl-C twice) ends the process at once.

namespace strata {

void install_stop_handlers();
// Until this is called (by the driver, as its step loop begins), a stop
// signal ends the process at once: during set-up there is nothing to save
// and the next step boundary may be far away.
void stop_at_step_boundaries();
// The first stop signal received by this process, or 0.
int pending_stop_signal();
const char* signal_name(int signo);

// A crash (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) prints one line naming
// the rank and the signal before the process dies of it, so a failure on one
// of many ranks says where it happened; then whatever handled the signal
// before (Open MPI's backtrace, a sanitizer's report) runs as usual.
void install_crash_reporter(int rank);

}  // namespace strata
