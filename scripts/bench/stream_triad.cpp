// STREAM-like triad a[i] = b[i] + s c[i] on every rank at once: the memory
// bandwidth the ranks of this machine share, the roofline brownian.sh holds
// the Brownian step against. Prints one line of key=value figures:
// triad_bytes_per_s (all ranks together, counting 24 bytes per element as
// STREAM does) and per_rank.
//
//   mpirun -np P stream_triad [ELEMENTS_PER_RANK] [REPEATS]
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  // Far beyond any cache: 3 x 160 MB per rank by default.
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20000000;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 10;
  std::vector<double> a(n, 0.0), b(n, 1.0), c(n, 2.0);
  const double s = 3.0;
  double best = 1e300;
  for (int k = 0; k < repeats; ++k) {
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = MPI_Wtime();
    double* __restrict pa = a.data();
    const double* __restrict pb = b.data();
    const double* __restrict pc = c.data();
    for (std::size_t i = 0; i < n; ++i) pa[i] = pb[i] + s * pc[i];
    // The slowest rank decides how long the machine took.
    double t = MPI_Wtime() - t0, slowest = 0.0;
    MPI_Allreduce(&t, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    best = std::min(best, slowest);
  }
  double check = a[n / 2], all = 0.0;  // keep the stores
  MPI_Reduce(&check, &all, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
  if (rank == 0) {
    const double bytes = 24.0 * static_cast<double>(n) * ranks;
    std::printf("triad_bytes_per_s=%.6g per_rank=%.6g ranks=%d elements_per_rank=%zu check=%g\n", bytes / best,
                bytes / best / ranks, ranks, n, all);
  }
  MPI_Finalize();
  return 0;
}
