#pragma once
// Kokkos for the life of the process, started so that what the backend says
// at start-up does not break Strata's error contract.
//
// Kokkos 4's OpenMP backend prints multi-line warnings on stderr when it
// starts (OMP_PROC_BIND unset, "You are likely oversubscribing your CPU
// cores", ...). A bad deck must still give exactly one error line, so those
// lines are captured while Kokkos starts and handed to the run's log once the
// input is known to be good (backend_notes()); `validate` and input errors
// never show them.
#include <mpi.h>

#include <string>
#include <vector>

namespace strata {

class KokkosSession {
 public:
  // Starts Kokkos with the --kokkos-* arguments (argv[0] first).
  KokkosSession(int argc, char** argv);
  ~KokkosSession();
  KokkosSession(const KokkosSession&) = delete;
  KokkosSession& operator=(const KokkosSession&) = delete;

  // The lines the backend printed while starting, in order.
  const std::vector<std::string>& backend_notes() const { return notes_; }

  // Collective. A warning (once, from the lowest such rank) when a rank runs
  // more host threads than the cores it may run on: under mpirun's default
  // binding a rank is pinned to one core, so OpenMP threads beyond it only
  // take turns. Empty when every rank has a core per thread.
  std::string thread_binding_warning(MPI_Comm comm) const;

 private:
  std::vector<std::string> notes_;
  // The cores the process may run on, read before Kokkos starts (with
  // OMP_PROC_BIND set, the calling thread is pinned to one of them).
  int cores_ = 0;
};

// The execution space, its threads and the library versions, for --version
// and the first line of a run's log.
std::string backend_description();

}  // namespace strata
