// Times one write_checkpoint and one read_checkpoint_particles of N uniform
// random particles (the deck's initial state: build_initial_particles), on
// however many ranks it is started with. scripts/bench/checkpoint.sh runs it
// beside raw dd figures for the same disk.
//
//   checkpoint_bench N DIR
// Before the read, rank 0 writes back and evicts the checkpoint from the page
// cache: echo 3 > /proc/sys/vm/drop_caches if permitted (root), else
// posix_fadvise(DONTNEED) on the file; `cache=` says which was done.
// Prints one line: checkpoint_bytes=... bytes_per_particle=... write_s=...
// read_s=... write_GBps=... read_GBps=... cache=...   (GB = 1e9 bytes)
#include <fcntl.h>
#include <mpi.h>
#include <unistd.h>

#include <Kokkos_Core.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "decomposition/Redistribute.hpp"
#include "decomposition/GridLayout.hpp"
#include "io/Checkpoint.hpp"
#include "src/InitialConditions.hpp"

using namespace strata;

namespace {

// Rank 0: the file's pages must come from the disk on the next read.
std::string evict_from_cache(const std::string& path) {
  sync();
  {
    std::ofstream drop("/proc/sys/vm/drop_caches");
    if (drop && (drop << "3\n") && drop.flush()) return "drop_caches";
  }
  const int fd = open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    fdatasync(fd);
    const int rc = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    close(fd);
    if (rc == 0) return "fadvise_dontneed";
  }
  return "none";
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  {
    Kokkos::ScopeGuard kokkos(argc, argv);
    int rank = 0, P = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &P);
    if (argc < 3) {
      if (rank == 0) std::fprintf(stderr, "usage: checkpoint_bench N DIR\n");
      MPI_Abort(MPI_COMM_WORLD, 2);
    }
    Config cfg;
    cfg.particles.count = std::atoll(argv[1]);
    cfg.particles.temperature = 1.0;
    const std::string dir = argv[2];
    const double L = std::cbrt(static_cast<double>(cfg.particles.count) / 0.5);  // number density 0.5
    cfg.system.box = {L, L, L};
    cfg.run.seed = 2026;
    const GridLayout layout = GridLayout::slab(cfg.system, 0, P);
    const Particles p = build_initial_particles(MPI_COMM_WORLD, cfg, layout);

    CheckpointMeta meta;
    meta.step = 1000;
    meta.time = 1.0;
    meta.deck_text = "# benchmark\n";
    meta.seed = cfg.run.seed;
    meta.slab_axis = 0;
    meta.grid = layout.dims();
    for (int d = 0; d < 3; ++d) meta.planes.insert(meta.planes.end(), layout.planes(d).begin(), layout.planes(d).end());
    meta.box = cfg.system.box;
    meta.boundary = cfg.system.boundary;

    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    const std::string path = write_checkpoint(MPI_COMM_WORLD, dir, p, meta, 1);
    MPI_Barrier(MPI_COMM_WORLD);
    const double write_s = MPI_Wtime() - t0;

    char cache[32] = {0};
    if (rank == 0) std::snprintf(cache, sizeof cache, "%s", evict_from_cache(path).c_str());
    MPI_Bcast(cache, sizeof cache, MPI_CHAR, 0, MPI_COMM_WORLD);

    MPI_Barrier(MPI_COMM_WORLD);
    t0 = MPI_Wtime();
    Particles q = read_checkpoint_rows(MPI_COMM_WORLD, path);
    redistribute(MPI_COMM_WORLD, q, layout);
    MPI_Barrier(MPI_COMM_WORLD);
    const double read_s = MPI_Wtime() - t0;

    long long local = static_cast<long long>(q.size), global = 0;
    MPI_Reduce(&local, &global, 1, MPI_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0) {
      if (global != cfg.particles.count) std::fprintf(stderr, "checkpoint_bench: read %lld particles\n", global);
      const double bytes = static_cast<double>(std::filesystem::file_size(path));
      std::printf("checkpoint_bytes=%.0f bytes_per_particle=%.2f write_s=%.3f read_s=%.3f write_GBps=%.3f "
                  "read_GBps=%.3f cache=%s\n",
                  bytes, bytes / static_cast<double>(cfg.particles.count), write_s, read_s, bytes / write_s / 1e9,
                  bytes / read_s / 1e9, cache);
    }
  }
  MPI_Finalize();
  return 0;
}
