#include "decomposition/DeviceMpi.hpp"

#include <mpi.h>
#if defined(OPEN_MPI) && OPEN_MPI
#include <mpi-ext.h>
#endif

#include <Kokkos_Core.hpp>
#include <cstdlib>

#include "kernels/Particles.hpp"

namespace strata {

namespace {

// Device memory that the host can read: Serial and OpenMP. The tests set
// STRATA_TEST_PRETEND_DEVICE_MEMORY to take the GPU path on a CPU build (the
// library is then asked, as on a GPU; messages still work, staged).
bool device_is_host() {
  static const bool pretend = std::getenv("STRATA_TEST_PRETEND_DEVICE_MEMORY") != nullptr;
  return Kokkos::SpaceAccessibility<Kokkos::HostSpace, MemSpace>::accessible && !pretend;
}

// -1: the library has no such query; 0 or 1: its answer.
int library_reads_cuda_memory() {
#if defined(OMPI_HAVE_MPI_EXT_CUDA) && OMPI_HAVE_MPI_EXT_CUDA
  return MPIX_Query_cuda_support();
#else
  return -1;
#endif
}

}  // namespace

bool mpi_reads_device_memory() { return device_is_host() || library_reads_cuda_memory() == 1; }

std::string mpi_device_memory_support() {
  if (device_is_host()) return "the device memory is host memory";
  switch (library_reads_cuda_memory()) {
    case 1: return "this MPI library reports CUDA support (MPIX_Query_cuda_support() = 1)";
    case 0: return "this MPI library reports no CUDA support (MPIX_Query_cuda_support() = 0)";
    default: return "this MPI library has no query for CUDA support";
  }
}

}  // namespace strata
