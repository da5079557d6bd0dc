#include "src/StopSignals.hpp"

#include <csignal>
#include <initializer_list>
#include <unistd.h>

namespace strata {

namespace {
volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_interrupts = 0;

extern "C" void on_stop_signal(int signo) {
  if (signo == SIGINT && ++g_interrupts >= 2) _exit(130);  // async-signal-safe: impatient user
  if (g_signal == 0) g_signal = signo;
}
}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // MPI and file calls in progress carry on
  for (int s : {SIGTERM, SIGINT, SIGUSR1}) sigaction(s, &sa, nullptr);
}

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
