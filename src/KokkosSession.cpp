#include "src/KokkosSession.hpp"

#include <fmt/format.h>
#include <hdf5.h>
#include <sched.h>
#include <unistd.h>

#include <Kokkos_Core.hpp>
#include <climits>
#include <cstdio>
#if defined(KOKKOS_ENABLE_OPENMP)
#include <omp.h>
#endif

namespace strata {

namespace {

// Everything written to file descriptor 2 between construction and take()
// goes to a temporary file instead of the terminal.
class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    file_ = std::tmpfile();
    if (!file_) return;
    saved_ = dup(STDERR_FILENO);
    if (saved_ < 0 || dup2(fileno(file_), STDERR_FILENO) < 0) restore();
  }
  ~StderrCapture() { restore(); }

  std::vector<std::string> take() {
    std::vector<std::string> lines;
    if (!file_) return lines;
    std::fflush(stderr);
    restore();
    std::rewind(file_);
    std::string line;
    for (int c = std::fgetc(file_); c != EOF; c = std::fgetc(file_)) {
      if (c != '\n') {
        line += static_cast<char>(c);
      } else {
        if (line.find_first_not_of(" \t") != std::string::npos) lines.push_back(line);
        line.clear();
      }
    }
    if (line.find_first_not_of(" \t") != std::string::npos) lines.push_back(line);
    std::fclose(file_);
    file_ = nullptr;
    return lines;
  }

 private:
  void restore() {
    if (saved_ >= 0) {
      std::fflush(stderr);
      dup2(saved_, STDERR_FILENO);
      close(saved_);
      saved_ = -1;
    }
  }

  std::FILE* file_ = nullptr;
  int saved_ = -1;
};

}  // namespace

namespace {

// The cores this process was given. With OMP_PROC_BIND set, the OpenMP
// runtime pins the initial thread to one place as it loads (libgomp does,
// before main), so the thread's own affinity no longer says; the places it
// made from the process's affinity still list every core.
int cores_given() {
#if defined(KOKKOS_ENABLE_OPENMP)
  if (const int places = omp_get_num_places(); places > 0) {
    int procs = 0;
    for (int p = 0; p < places; ++p) procs += omp_get_place_num_procs(p);
    return procs;
  }
#endif
  cpu_set_t set;
  CPU_ZERO(&set);
  return sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 0;
}

}  // namespace

KokkosSession::KokkosSession(int argc, char** argv) {
  cores_ = cores_given();
  StderrCapture capture;
  Kokkos::initialize(argc, argv);
  notes_ = capture.take();
}

KokkosSession::~KokkosSession() { Kokkos::finalize(); }

std::string backend_description() {
  unsigned h5maj = 0, h5min = 0, h5rel = 0;
  H5get_libversion(&h5maj, &h5min, &h5rel);
  const int threads = Kokkos::DefaultHostExecutionSpace().concurrency();
  return fmt::format("Kokkos {}.{}.{} {} ({} host thread{}), HDF5 {}.{}.{}", KOKKOS_VERSION / 10000,
                     KOKKOS_VERSION / 100 % 100, KOKKOS_VERSION % 100, Kokkos::DefaultExecutionSpace::name(),
                     threads, threads == 1 ? "" : "s", h5maj, h5min, h5rel);
}

std::string KokkosSession::thread_binding_warning(MPI_Comm comm) const {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const int threads = Kokkos::DefaultHostExecutionSpace().concurrency();
  const int cores = cores_ > 0 ? cores_ : threads;
  const int mine = threads > cores ? rank : INT_MAX;
  int first = INT_MAX;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
  if (first == INT_MAX || rank != first) return "";
  return fmt::format(
      "rank {} runs {} host threads on {} core{} (its CPU binding): threads beyond the cores take turns. Give each "
      "rank a core per thread (mpirun --map-by socket:PE={} or --bind-to none; srun --cpus-per-task={}; "
      "OMP_PROC_BIND=spread OMP_PLACES=threads) or set OMP_NUM_THREADS={}",
      rank, threads, cores, cores == 1 ? "" : "s", threads, threads, cores);
}

}  // namespace strata
