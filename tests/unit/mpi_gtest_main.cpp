// GoogleTest main for Strata: initializes MPI and Kokkos, runs the tests on
// every rank, and fails the process if any rank failed. Every rank prints
// its own results so a failure on any rank is visible in the log.
#include <gtest/gtest.h>
#include <mpi.h>

#include <Kokkos_Core.hpp>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  int result = 0;
  {
    Kokkos::ScopeGuard kokkos(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    const int local = RUN_ALL_TESTS();
    MPI_Allreduce(&local, &result, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (local != 0 && rank != 0) std::fprintf(stderr, "rank %d: tests failed\n", rank);
  }
  MPI_Finalize();
  return result;
}
