#include "src/Simulation.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "decomposition/CommStats.hpp"
#include "decomposition/Migration.hpp"
#include "decomposition/SlabLayout.hpp"
#include "io/H5mdWriter.hpp"
#include "io/ThermoLog.hpp"
#include "kernels/Observables.hpp"
#include "kernels/Propagator.hpp"
#include "src/Failure.hpp"
#include "src/InitialConditions.hpp"

namespace strata {

namespace {

struct Timers {
  double setup = 0, propagate = 0, migrate = 0, output = 0, loop = 0;
};

double peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) * 1024.0;  // Linux reports KiB
}

// Global particle count; a mismatch with the initial count is a bug that must
// stop the run, naming the step and the per-rank counts.
std::int64_t check_particle_count(MPI_Comm comm, const Particles& p, std::int64_t expected, std::int64_t step) {
  const std::int64_t local = static_cast<std::int64_t>(p.size);
  std::int64_t total = 0;
  MPI_Allreduce(&local, &total, 1, MPI_INT64_T, MPI_SUM, comm);
  if (total == expected) return total;
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  std::vector<std::int64_t> counts(ranks);
  MPI_Allgather(&local, 1, MPI_INT64_T, counts.data(), 1, MPI_INT64_T, comm);
  std::string per_rank;
  for (int r = 0; r < ranks; ++r) per_rank += fmt::format("{}rank {}: {}", r ? ", " : "", r, counts[r]);
  throw CollectiveFailure(fmt::format("particle count changed at step {}: expected {}, found {} ({})", step, expected,
                                      total, per_rank));
}

struct Reduced {
  double mean, max;
};
Reduced mean_max(MPI_Comm comm, double v) {
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  double sum = 0, mx = 0;
  MPI_Allreduce(&v, &sum, 1, MPI_DOUBLE, MPI_SUM, comm);
  MPI_Allreduce(&v, &mx, 1, MPI_DOUBLE, MPI_MAX, comm);
  return {sum / ranks, mx};
}

}  // namespace

void run_simulation(MPI_Comm comm, const Config& cfg, const RunOptions&) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  const bool root = rank == 0;
  const double t_start = MPI_Wtime();
  Timers timers;

  const SlabLayout layout = SlabLayout::uniform(cfg.system, cfg.decomposition.axis, ranks);
  const BoxGeometry geom = layout.geometry(rank);
  Particles particles = build_initial_particles(comm, cfg, layout);
  const std::int64_t n_total = cfg.particles.count;
  check_particle_count(comm, particles, n_total, 0);

  auto propagator = make_propagator(cfg);
  Migration migration(comm, layout);
  CommStats comm_stats;

  const std::filesystem::path out_dir(cfg.output.dir);
  ThermoLog thermo((out_dir / "thermo.csv").string(), {"step", "time", "particles", "kinetic_energy", "msd"}, root);
  const double dt = cfg.run.timestep;
  const double box[3] = {cfg.system.box[0], cfg.system.box[1], cfg.system.box[2]};
  const std::int64_t first_step = 0;
  const std::int64_t last_step = cfg.run.steps;
  double t_loop_start = 0;

  auto write_thermo = [&](std::int64_t step) {
    const double t0 = MPI_Wtime();
    check_particle_count(comm, particles, n_total, step);
    const LocalObservables local = local_observables(particles, cfg.particles.mass, box);
    double sums[2] = {local.kinetic, local.square_disp}, global[2] = {0, 0};
    MPI_Allreduce(sums, global, 2, MPI_DOUBLE, MPI_SUM, comm);
    const double N = static_cast<double>(n_total);
    const double ke = global[0] / N, msd = global[1] / N;
    thermo.write_row({static_cast<double>(step), step * dt, N, ke, msd});
    if (root) {
      const double elapsed = MPI_Wtime() - t_loop_start;
      const double done = static_cast<double>(step - first_step);
      const double rate = step > first_step && elapsed > 0 ? done / elapsed : 0.0;
      const double pct = last_step > 0 ? 100.0 * static_cast<double>(step) / static_cast<double>(last_step) : 100.0;
      std::printf("step %8lld/%lld %5.1f%%  time %-10.4g particles %lld  KE/N %-10.6g MSD %-10.6g %9.3g particle-steps/s\n",
                  static_cast<long long>(step), static_cast<long long>(last_step), pct, step * dt,
                  static_cast<long long>(n_total), ke, msd, rate * N);
      std::fflush(stdout);
    }
    timers.output += MPI_Wtime() - t0;
  };

  if (root)
    std::printf("strata: %s, %lld particles, %d rank%s, slabs along %c, steps %lld..%lld\n", propagator->name(),
                static_cast<long long>(n_total), ranks, ranks == 1 ? "" : "s", "xyz"[layout.axis()],
                static_cast<long long>(first_step), static_cast<long long>(last_step));
  timers.setup = MPI_Wtime() - t_start;
  t_loop_start = MPI_Wtime();
  write_thermo(first_step);

  for (std::int64_t step = first_step + 1; step <= last_step; ++step) {
    double t0 = MPI_Wtime();
    const std::size_t leavers = propagator->advance(particles, geom, step);
    double t1 = MPI_Wtime();
    migration.exchange(particles, static_cast<std::int64_t>(leavers), comm_stats);
    double t2 = MPI_Wtime();
    timers.propagate += t1 - t0;
    timers.migrate += t2 - t1;
    if (step % cfg.output.thermo_every == 0 || step == last_step) write_thermo(step);
  }
  timers.loop = MPI_Wtime() - t_loop_start;

  // Final state: one H5MD frame, written collectively.
  const double t_final = MPI_Wtime();
  H5mdFrameInfo info{last_step, last_step * dt, cfg.system.box, cfg.system.boundary};
  write_h5md_frame(comm, (out_dir / "final.h5").string(), particles, info, STRATA_VERSION);
  timers.output += MPI_Wtime() - t_final;

  // Summary: figures from every rank, printed by rank 0.
  const double wall = MPI_Wtime() - t_start;
  const double steps_run = static_cast<double>(last_step - first_step);
  const double per_step = steps_run > 0 ? 1.0 / steps_run : 0.0;
  const Reduced msgs = mean_max(comm, static_cast<double>(comm_stats.messages) * per_step);
  const Reduced bytes = mean_max(comm, static_cast<double>(comm_stats.bytes) * per_step);
  const Reduced migrated = mean_max(comm, static_cast<double>(comm_stats.particles_migrated) * per_step);
  const Reduced hops = mean_max(comm, static_cast<double>(comm_stats.hops) * per_step);
  const Reduced t_prop = mean_max(comm, timers.propagate);
  const Reduced t_mig = mean_max(comm, timers.migrate);
  const Reduced t_out = mean_max(comm, timers.output);
  const Reduced rss = mean_max(comm, peak_rss_bytes());
  const double rss_total = rss.mean * ranks;
  const double loop_time = timers.loop + (MPI_Wtime() - t_final);
  const double steps_per_s = timers.loop > 0 ? steps_run / timers.loop : 0.0;
  const double psteps = steps_per_s * static_cast<double>(n_total);
  if (root) {
    const double other = std::max(0.0, loop_time - t_prop.mean - t_mig.mean - t_out.mean);
    auto pct = [&](double t) { return loop_time > 0 ? 100.0 * t / loop_time : 0.0; };
    std::printf("\nRun summary\n");
    std::printf("  wall time          %.3f s (setup %.3f s, step loop %.3f s)\n", wall, timers.setup, timers.loop);
    std::printf("  steps/s            %.4g\n", steps_per_s);
    std::printf("  particle-steps/s   %.4g\n", psteps);
    std::printf("  time breakdown     propagate %.1f%%  migrate %.1f%%  output %.1f%%  other %.1f%% (mean over ranks)\n",
                pct(t_prop.mean), pct(t_mig.mean), pct(t_out.mean), pct(other));
    std::printf("  migration          %.3g particles/rank/step (max %.3g), %.3g exchange rounds/step\n", migrated.mean,
                migrated.max, hops.mean);
    std::printf("  communication      %.3g messages/rank/step (max %.3g), %.4g bytes/rank/step (max %.4g)\n",
                msgs.mean, msgs.max, bytes.mean, bytes.max);
    std::printf("  peak memory        %.1f MB per rank (max %.1f MB), %.1f B/particle over all ranks\n",
                rss.mean / 1e6, rss.max / 1e6, rss_total / static_cast<double>(std::max<std::int64_t>(n_total, 1)));
    std::printf("  output             %s\n", out_dir.string().c_str());
    std::fflush(stdout);

    std::ofstream js(out_dir / "summary.json");
    js << fmt::format(
        "{{\n  \"ranks\": {},\n  \"particles\": {},\n  \"steps\": {},\n  \"wall_s\": {:.6g},\n  \"loop_s\": {:.6g},\n"
        "  \"steps_per_s\": {:.6g},\n  \"particle_steps_per_s\": {:.6g},\n"
        "  \"time_s\": {{\"propagate\": {:.6g}, \"migrate\": {:.6g}, \"output\": {:.6g}}},\n"
        "  \"messages_per_rank_step\": {{\"mean\": {:.6g}, \"max\": {:.6g}}},\n"
        "  \"bytes_per_rank_step\": {{\"mean\": {:.6g}, \"max\": {:.6g}}},\n"
        "  \"migrated_per_rank_step\": {{\"mean\": {:.6g}, \"max\": {:.6g}}},\n"
        "  \"peak_rss_bytes\": {{\"mean\": {:.6g}, \"max\": {:.6g}, \"total\": {:.6g}}},\n"
        "  \"peak_bytes_per_particle\": {:.6g}\n}}\n",
        ranks, n_total, last_step - first_step, wall, timers.loop, steps_per_s, psteps, t_prop.mean, t_mig.mean,
        t_out.mean, msgs.mean, msgs.max, bytes.mean, bytes.max, migrated.mean, migrated.max, rss.mean, rss.max,
        rss_total, rss_total / static_cast<double>(std::max<std::int64_t>(n_total, 1)));
  }
}

}  // namespace strata
