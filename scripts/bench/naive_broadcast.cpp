// The reference Strata replaces: every rank propagates its slab's particles,
// then ALL particles are gathered on every rank (MPI_Allgatherv) and each
// rank keeps the ones now inside its slab. O(N) traffic and memory per rank
// per step. Same propagate kernel and initial state as strata, so the
// benchmark's ratio isolates the cost of the particle distribution.
//
//   naive_broadcast N STEPS [BOX]   (Brownian, D = 1, dt = 0.001, uniform noise)
// Prints one line: particle_steps_per_s=... bytes_per_rank_step=... peak_rss_bytes_total=...
#include <mpi.h>
#include <sys/resource.h>

#include <Kokkos_Core.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "decomposition/GridLayout.hpp"
#include "kernels/Integrator.hpp"
#include "src/InitialConditions.hpp"

using namespace strata;

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  {
    Kokkos::ScopeGuard kokkos(argc, argv);
    int rank = 0, P = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &P);
    if (argc < 3) {
      if (rank == 0) std::fprintf(stderr, "usage: naive_broadcast N STEPS [BOX]\n");
      MPI_Abort(MPI_COMM_WORLD, 2);
    }
    Config cfg;
    cfg.particles.count = std::atoll(argv[1]);
    const long steps = std::atol(argv[2]);
    const double L = argc > 3 ? std::atof(argv[3]) : std::cbrt(cfg.particles.count / 0.5);
    cfg.system.box = {L, L, L};
    cfg.propagator.kind = PropagatorKind::Brownian;
    cfg.run.timestep = 0.001;
    cfg.run.seed = 2026;
    const GridLayout layout = GridLayout::slab(cfg.system, 0, P);
    Particles p = build_initial_particles(MPI_COMM_WORLD, cfg, layout);
    auto propagator = std::make_unique<BrownianIntegrator>(cfg.propagator.diffusion, cfg.run.timestep, cfg.run.seed,
                                                           cfg.propagator.noise);
    const BoxGeometry geom = layout.geometry(rank);
    constexpr int kFields = 7;  // position 3, image 3, id: what the naive scheme must ship
    std::vector<double> all(static_cast<std::size_t>(cfg.particles.count) * kFields), mine;
    std::vector<int> counts(P), displs(P);
    double bytes = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = MPI_Wtime();
    for (long step = 1; step <= steps; ++step) {
      propagator->initial_integrate(p, geom, Vec3View(), step);
      auto h_pos = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.position);
      auto h_img = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.image);
      auto h_id = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.id);
      mine.resize(p.size * kFields);
      for (std::size_t i = 0; i < p.size; ++i) {
        for (int d = 0; d < 3; ++d) {
          mine[i * kFields + d] = h_pos(i, d);
          mine[i * kFields + 3 + d] = h_img(i, d);
        }
        mine[i * kFields + 6] = static_cast<double>(h_id(i));
      }
      const int n = static_cast<int>(mine.size());
      MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
      for (int r = 0, off = 0; r < P; off += counts[r], ++r) displs[r] = off;
      MPI_Allgatherv(mine.data(), n, MPI_DOUBLE, all.data(), counts.data(), displs.data(), MPI_DOUBLE, MPI_COMM_WORLD);
      bytes += static_cast<double>(n) * sizeof(double) * (P - 1);
      // Keep what is now in my slab.
      std::size_t kept = 0;
      const std::size_t total = all.size() / kFields;
      p.reserve(total / P + total / 16 + 64);
      auto k_pos = Kokkos::create_mirror_view(p.position);
      auto k_img = Kokkos::create_mirror_view(p.image);
      auto k_id = Kokkos::create_mirror_view(p.id);
      for (std::size_t j = 0; j < total; ++j) {
        const double s = all[j * kFields];
        if (s < geom.lo[0] || s >= geom.hi[0]) continue;
        if (kept >= p.capacity()) break;
        for (int d = 0; d < 3; ++d) {
          k_pos(kept, d) = all[j * kFields + d];
          k_img(kept, d) = static_cast<int>(all[j * kFields + 3 + d]);
        }
        k_id(kept) = static_cast<std::int64_t>(all[j * kFields + 6]);
        ++kept;
      }
      Kokkos::deep_copy(p.position, k_pos);
      Kokkos::deep_copy(p.image, k_img);
      Kokkos::deep_copy(p.id, k_id);
      p.size = kept;
    }
    MPI_Barrier(MPI_COMM_WORLD);
    const double elapsed = MPI_Wtime() - t0;
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    double rss = static_cast<double>(u.ru_maxrss) * 1024.0, rss_total = 0, bytes_max = 0;
    MPI_Reduce(&rss, &rss_total, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    bytes /= static_cast<double>(steps);
    MPI_Reduce(&bytes, &bytes_max, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    long long local = static_cast<long long>(p.size), global = 0;
    MPI_Reduce(&local, &global, 1, MPI_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0) {
      if (global != cfg.particles.count) std::fprintf(stderr, "naive_broadcast: lost particles (%lld)\n", global);
      std::printf("particle_steps_per_s=%.6g bytes_per_rank_step=%.6g peak_rss_bytes_total=%.6g\n",
                  static_cast<double>(cfg.particles.count) * static_cast<double>(steps) / elapsed, bytes_max, rss_total);
    }
  }
  MPI_Finalize();
  return 0;
}
