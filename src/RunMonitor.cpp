#include "src/RunMonitor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "io/RunLog.hpp"

namespace strata {

std::string clock_time(double seconds) {
  if (!(seconds >= 0) || seconds > 1e9) return "-";
  const long long s = std::llround(seconds);
  return fmt::format("{}:{:02d}:{:02d}", s / 3600, static_cast<int>(s / 60 % 60), static_cast<int>(s % 60));
}

void RunMonitor::begin(const std::string& out_dir, const std::string& deck, int ranks, std::int64_t particles,
                       std::int64_t first_step, std::int64_t last_step, double timestep,
                       const std::string& checkpoint) {
  dir_ = out_dir;
  timestep_ = timestep;
  status_ = RunStatus{};
  status_.deck = deck;
  status_.ranks = ranks;
  status_.particles = particles;
  status_.first_step = status_.step = first_step;
  status_.last_step = last_step;
  status_.time = static_cast<double>(first_step) * timestep;
  if (!checkpoint.empty()) checkpoint_written(checkpoint, first_step);
}

// Rates over this run's step loop so far (checkpoints and output included,
// so the ETA is what the user will wait).
void RunMonitor::progress(std::int64_t step, double now) {
  const double elapsed = now - t_loop_;
  const double done = static_cast<double>(step - status_.first_step);
  status_.step = step;
  status_.time = static_cast<double>(step) * timestep_;
  status_.elapsed_s = elapsed;
  status_.steps_per_s = done > 0 && elapsed > 0 ? done / elapsed : 0.0;
  status_.particle_steps_per_s = status_.steps_per_s * static_cast<double>(status_.particles);
  status_.eta_s =
      status_.steps_per_s > 0 ? static_cast<double>(status_.last_step - step) / status_.steps_per_s : -1.0;
}

void RunMonitor::publish(const std::string& state, const std::string& message, int writer) {
  status_.state = state;
  status_.message = message;
  if (!dir_.empty() && !write_status(dir_, status_, writer)) runlog::warn("cannot write " + dir_ + "/status.json");
}

void RunMonitor::thermo(const ThermoRow& row, double now) {
  status_.rank_particles = row.rank_particles;
  status_.imbalance = row.imbalance;
  progress(row.step, now);
  if (rank_ == 0) {
    const std::int64_t last = status_.last_step;
    const double pct = last > 0 ? 100.0 * static_cast<double>(row.step) / static_cast<double>(last) : 100.0;
    runlog::say(fmt::format("step {:>8}/{} {:5.1f}%  {:8.3g} steps/s {:8.3g} atom-steps/s  ETA {:>8}  |  {}", row.step,
                            last, pct, status_.steps_per_s, status_.particle_steps_per_s, clock_time(status_.eta_s),
                            row.summary()));
    publish("running", "", 0);
  }
}

void RunMonitor::bar(std::int64_t step, double now) {
  if (rank_ != 0 || now - last_bar_ < 0.2 || !runlog::stdout_is_terminal()) return;
  last_bar_ = now;
  const std::int64_t first = status_.first_step, last = status_.last_step;
  const double elapsed = now - t_loop_;
  const double rate = elapsed > 0 ? static_cast<double>(step - first) / elapsed : 0.0;
  const double frac = static_cast<double>(step - first) / static_cast<double>(std::max<std::int64_t>(last - first, 1));
  const int width = 30, filled = static_cast<int>(frac * width);
  runlog::progress_bar(fmt::format("[{}{}] {:5.1f}%  step {}/{}  {:.3g} steps/s  ETA {}", std::string(filled, '#'),
                                   std::string(width - filled, '.'),
                                   100.0 * static_cast<double>(step) / static_cast<double>(std::max<std::int64_t>(last, 1)),
                                   step, last, rate,
                                   clock_time(rate > 0 ? static_cast<double>(last - step) / rate : -1.0)));
}

void RunMonitor::checkpoint_written(const std::string& path, std::int64_t step) {
  status_.last_checkpoint = path;
  status_.last_checkpoint_step = step;
}

void RunMonitor::stopped(std::int64_t step, double now, const std::string& why, const std::string& resume) {
  progress(step, now);
  status_.eta_s = -1;
  if (rank_ == 0) publish("stopped", why + "; resume with: " + resume, 0);
}

void RunMonitor::finished(double loop_end, const std::string& final_path) {
  progress(status_.last_step, loop_end);
  if (rank_ == 0) publish("finished", "final state in " + final_path, 0);
}

void RunMonitor::failed(int rank, const std::string& message) {
  if (dir_.empty()) return;
  status_.eta_s = -1;
  publish("failed", "rank " + std::to_string(rank) + ": " + message, rank);
}

}  // namespace strata
