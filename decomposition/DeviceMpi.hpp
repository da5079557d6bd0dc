#pragma once
// GPU-aware MPI: whether MPI can be handed device pointers (no host copy of a
// message on either side) instead of messages staged through host memory
// (decomposition/MessageBuffer.hpp). The deck's choice
// (decomposition.gpu_aware_mpi = "off" | "auto" | "on") is resolved in src/
// from what this says.
//
// The library is asked at run time (Open MPI: MPIX_Query_cuda_support()),
// since the same binary may run under a CUDA-aware Open MPI on one cluster
// and a plain one on another. On Serial and OpenMP builds the device memory
// is host memory, which every MPI reads.
#include <string>

namespace strata {

// True when MPI may be given pointers into the default memory space.
bool mpi_reads_device_memory();

// Why not, or what the library said, for messages and the log: e.g.
// "this MPI library reports no CUDA support (MPIX_Query_cuda_support() = 0)".
std::string mpi_device_memory_support();

}  // namespace strata
