#include "src/RunSummary.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <fstream>

#include "io/RunLog.hpp"

namespace strata {

PhaseTimer::PhaseTimer(double& phase) : phase_(phase), start_(MPI_Wtime()) {}

PhaseTimer::~PhaseTimer() {
  Kokkos::fence();
  phase_ += MPI_Wtime() - start_;
}

namespace {

double peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) * 1024.0;  // Linux reports KiB
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

void write_run_summary(MPI_Comm comm, const SummaryInputs& in, const PhaseTimes& t, const CommStats& stats) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  const double steps_run = static_cast<double>(in.steps);
  const double per_step = steps_run > 0 ? 1.0 / steps_run : 0.0;
  const Reduced msgs = mean_max(comm, static_cast<double>(stats.messages) * per_step);
  const Reduced bytes = mean_max(comm, static_cast<double>(stats.bytes) * per_step);
  const Reduced migrated = mean_max(comm, static_cast<double>(stats.particles_migrated) * per_step);
  const Reduced rounds = mean_max(comm, static_cast<double>(stats.hops) * per_step);
  const Reduced integrate = mean_max(comm, t.integrate), neighbor = mean_max(comm, t.neighbor),
                communicate = mean_max(comm, t.comm), force = mean_max(comm, t.force),
                output = mean_max(comm, t.output), wait = mean_max(comm, stats.wait_seconds);
  const Reduced rss = mean_max(comm, peak_rss_bytes());
  if (rank != 0) return;
  const double rss_total = rss.mean * ranks;
  const double N = static_cast<double>(std::max<std::int64_t>(in.particles, 1));
  const double steps_per_s = t.loop > 0 ? steps_run / t.loop : 0.0;
  const double psteps = steps_per_s * static_cast<double>(in.particles);
  // The breakdown covers the step loop and the final writes (output).
  const double loop = t.loop + t.final;
  const double other =
      std::max(0.0, loop - integrate.mean - neighbor.mean - communicate.mean - force.mean - output.mean);
  auto pct = [&](double x) { return loop > 0 ? 100.0 * x / loop : 0.0; };
  auto say = [](const std::string& line) { runlog::say(line); };
  say("");
  say("Run summary");
  say(fmt::format("  wall time          {:.3f} s (setup {:.3f} s, step loop {:.3f} s, final output {:.3f} s)", in.wall,
                  t.setup, t.loop, t.final));
  say(fmt::format("  steps/s            {:.4g}", steps_per_s));
  say(fmt::format("  particle-steps/s   {:.4g}", psteps));
  say(fmt::format("  time breakdown     integrate {:.1f}%  neighbour {:.1f}%  communication {:.1f}%  force {:.1f}%  "
                  "output {:.1f}%  other {:.1f}% (mean over ranks)",
                  pct(integrate.mean), pct(neighbor.mean), pct(communicate.mean), pct(force.mean), pct(output.mean),
                  pct(other)));
  say(fmt::format("  waiting on MPI     {:.1f}% of the step loop (mean; max {:.1f}%)", pct(wait.mean), pct(wait.max)));
  if (in.forces)
    say(fmt::format("  neighbour lists    {} builds ({:.3g} steps per build){}", in.list_builds,
                    in.list_builds > 0 ? steps_run / static_cast<double>(in.list_builds) : 0.0,
                    in.dangerous_builds < 0 ? std::string()
                                            : fmt::format(", {} dangerous (unchecked, after a move beyond half the "
                                                          "skin: pairs may have been missed)",
                                                          in.dangerous_builds)));
  say(fmt::format("  migration          {:.3g} particles/rank/step (max {:.3g}), {:.3g} exchange rounds/step",
                  migrated.mean, migrated.max, rounds.mean));
  say(fmt::format("  load balance       imbalance (max/mean particles per rank) {:.3f} at the start, {:.3f} at the end; "
                  "{}",
                  in.imbalance_start, in.imbalance_end,
                  in.balance_every > 0 ? fmt::format("planes moved {} times (checked every {} steps)", in.balance_moves,
                                                     in.balance_every)
                                       : std::string("balancing off (decomposition.balance_every)")));
  say(fmt::format("  communication      {:.3g} messages/rank/step (max {:.3g}), {:.4g} bytes/rank/step (max {:.4g})",
                  msgs.mean, msgs.max, bytes.mean, bytes.max));
  say(fmt::format("  peak memory        {:.1f} MB per rank (max {:.1f} MB), {:.1f} B/particle over all ranks",
                  rss.mean / 1e6, rss.max / 1e6, rss_total / N));
  say(fmt::format("  output             {}", in.out_dir));

  std::ofstream js(in.out_dir + "/summary.json");
  js << fmt::format(
      "{{\n  \"ranks\": {},\n  \"particles\": {},\n  \"steps\": {},\n  \"wall_s\": {:.6g},\n  \"loop_s\": {:.6g},\n"
      "  \"steps_per_s\": {:.6g},\n  \"particle_steps_per_s\": {:.6g},\n"
      "  \"time_s\": {{\"integrate\": {:.6g}, \"neighbor\": {:.6g}, \"communicate\": {:.6g}, \"force\": {:.6g}, "
      "\"output\": {:.6g}, \"mpi_wait\": {:.6g}}},\n"
      "  \"neighbor_builds\": {},\n"
      "  \"imbalance\": {{\"start\": {:.6g}, \"end\": {:.6g}, \"balance_moves\": {}}},\n"
      "  \"messages_per_rank_step\": {{\"mean\": {:.6g}, \"max\": {:.6g}}},\n"
      "  \"bytes_per_rank_step\": {{\"mean\": {:.6g}, \"max\": {:.6g}}},\n"
      "  \"migrated_per_rank_step\": {{\"mean\": {:.6g}, \"max\": {:.6g}}},\n"
      "  \"peak_rss_bytes\": {{\"mean\": {:.6g}, \"max\": {:.6g}, \"total\": {:.6g}}},\n"
      "  \"peak_bytes_per_particle\": {:.6g}\n}}\n",
      ranks, in.particles, in.steps, in.wall, loop, steps_per_s, psteps, integrate.mean, neighbor.mean,
      communicate.mean, force.mean, output.mean, wait.mean, in.list_builds, in.imbalance_start, in.imbalance_end,
      in.balance_moves, msgs.mean, msgs.max, bytes.mean, bytes.max,
      migrated.mean, migrated.max, rss.mean, rss.max, rss_total, rss_total / N);
}

}  // namespace strata
