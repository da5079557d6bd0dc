#include "src/StopSignals.hpp"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <unistd.h>

namespace strata {

namespace {
volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_interrupts = 0;

char g_crash_prefix[64] = "strata: error: rank ?: fatal signal ";
struct sigaction g_previous[NSIG];  // what ran before (default, or a sanitizer's handler)

extern "C" void on_crash(int signo) {
  // Only async-signal-safe calls here.
  const char* name = signo == SIGSEGV   ? "SIGSEGV (segmentation fault)"
                     : signo == SIGBUS  ? "SIGBUS (bus error)"
                     : signo == SIGFPE  ? "SIGFPE (arithmetic exception)"
                     : signo == SIGILL  ? "SIGILL (illegal instruction)"
                     : signo == SIGABRT ? "SIGABRT (abort)"
                                        : "(unknown)";
  ssize_t ignored = write(STDERR_FILENO, g_crash_prefix, strlen(g_crash_prefix));
  ignored = write(STDERR_FILENO, name, strlen(name));
  ignored = write(STDERR_FILENO, "\n", 1);
  (void)ignored;
  sigaction(signo, &g_previous[signo], nullptr);  // then what would have happened without us
  raise(signo);
}

volatile std::sig_atomic_t g_in_step_loop = 0;
volatile std::sig_atomic_t g_grace_seconds = 5;
volatile std::sig_atomic_t g_agreed = 0;

// The grace after a stop signal ran out before the ranks agreed on a step
// to stop at: a rank is gone (mpirun sends the survivors SIGTERM when one
// dies) or stuck. Leave now instead of waiting in a collective forever.
extern "C" void on_grace_expired(int) {
  const char msg[] =
      "strata: error: stopped by a signal, but the ranks did not reach a step boundary in time (a rank has failed?); "
      "nothing more was saved\n";
  ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
  (void)ignored;
  _exit(128 + (g_signal ? static_cast<int>(g_signal) : SIGTERM));
}

extern "C" void on_stop_signal(int signo) {
  if (signo == SIGINT && ++g_interrupts >= 2) _exit(130);  // async-signal-safe: impatient user
  if (!g_in_step_loop) {
    // Still setting up (reading, placing particles): nothing to save, and
    // no step boundary may come soon. End now.
    const char msg[] = "strata: stopped by a signal before the first step; nothing was saved\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    _exit(128 + signo);
  }
  if (g_signal == 0) {
    g_signal = signo;
    if (!g_agreed) alarm(static_cast<unsigned>(g_grace_seconds));
  }
}
}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // MPI and file calls in progress carry on
  for (int s : {SIGTERM, SIGINT, SIGUSR1}) sigaction(s, &sa, nullptr);
  struct sigaction alarm_action {};
  alarm_action.sa_handler = on_grace_expired;
  sigemptyset(&alarm_action.sa_mask);
  sigaction(SIGALRM, &alarm_action, nullptr);
}

void set_stop_grace(double seconds) {
  g_grace_seconds = static_cast<std::sig_atomic_t>(seconds < 5.0 ? 5.0 : (seconds > 3600.0 ? 3600.0 : seconds + 1.0));
}

void stop_agreed() {
  g_agreed = 1;
  alarm(0);
}

void install_crash_reporter(int rank) {
  std::snprintf(g_crash_prefix, sizeof g_crash_prefix, "strata: error: rank %d: fatal signal ", rank);
  struct sigaction sa {};
  sa.sa_handler = on_crash;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) sigaction(s, &sa, &g_previous[s]);
}

void stop_at_step_boundaries() { g_in_step_loop = 1; }

int pending_stop_signal() { return g_signal; }

const char* signal_name(int signo) {
  switch (signo) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGUSR1: return "SIGUSR1";
  }
  return "a signal";
}

}  // namespace strata
