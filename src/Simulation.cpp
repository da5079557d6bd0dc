#include "core/Version.hpp"
#include "src/Simulation.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "decomposition/CommStats.hpp"
#include "decomposition/HaloExchange.hpp"
#include "decomposition/Migration.hpp"
#include "decomposition/SlabLayout.hpp"
#include "io/Checkpoint.hpp"
#include "io/H5mdWriter.hpp"
#include "io/OutputDir.hpp"
#include "io/RunLog.hpp"
#include "io/StatusFile.hpp"
#include "io/ThermoLog.hpp"
#include "io/TrajectoryWriter.hpp"
#include "kernels/Integrators.hpp"
#include "kernels/PairForce.hpp"
#include "kernels/NeighborList.hpp"
#include "kernels/Observables.hpp"
#include "kernels/Propagator.hpp"
#include "src/FaultInjection.hpp"
#include "core/Failure.hpp"
#include "src/StopSignals.hpp"
#include "src/InitialConditions.hpp"
#include "src/Interactions.hpp"

namespace strata {

namespace {

double peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) * 1024.0;  // Linux reports KiB
}

// "1:02:03" (or "-" when not known yet), for ETAs.
std::string clock_time(double seconds) {
  if (!(seconds >= 0) || seconds > 1e9) return "-";
  const long long s = std::llround(seconds);
  return fmt::format("{}:{:02d}:{:02d}", s / 3600, static_cast<int>(s / 60 % 60), static_cast<int>(s % 60));
}

// What status.json says about the run in progress. Outside the Simulation
// object so that a failure caught in main(), after the object is gone, can
// still mark the run failed.
RunStatus g_status;
std::string g_status_dir;  // empty: no run in progress

// printf-style lines for the run summary, each through runlog::say.
template <class... Args>
void say_printf(const char* format, Args... args) {
  const int n = std::snprintf(nullptr, 0, format, args...);
  std::string text(static_cast<std::size_t>(std::max(n, 0)) + 1, '\0');
  std::snprintf(text.data(), text.size(), format, args...);
  text.resize(static_cast<std::size_t>(std::max(n, 0)));
  if (!text.empty() && text.back() == '\n') text.pop_back();
  std::size_t start = 0;
  for (std::size_t end = text.find('\n'); ; start = end + 1, end = text.find('\n', start)) {
    runlog::say(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
  }
}

// The propagator for free particles, or nullptr for the integrators that the
// driver runs with forces (verlet, langevin).
std::unique_ptr<Propagator> make_propagator(const Config& cfg) {
  switch (cfg.propagator.kind) {
    case PropagatorKind::Ballistic:
      return std::make_unique<BallisticPropagator>(cfg.run.timestep);
    case PropagatorKind::Brownian:
      return std::make_unique<BrownianPropagator>(cfg.propagator.diffusion, cfg.run.timestep, cfg.run.seed,
                                                  cfg.propagator.noise);
    case PropagatorKind::Verlet:
    case PropagatorKind::Langevin:
      break;  // integrators of interacting particles: see kernels/Integrators.hpp
  }
  return nullptr;
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

struct Timers {
  double setup = 0, propagate = 0, comm = 0, force = 0, output = 0, loop = 0;
  double final = 0;  // final checkpoint and final.h5, after the loop
};

const std::vector<std::string> kThermoColumns = {"step",          "time",           "particles",
                                                 "temperature",   "kinetic_energy", "potential_energy",
                                                 "total_energy",  "pressure",       "msd",
                                                 "imbalance"};

int comm_size(MPI_Comm comm) {
  int n = 1;
  MPI_Comm_size(comm, &n);
  return n;
}
int comm_rank(MPI_Comm comm) {
  int r = 0;
  MPI_Comm_rank(comm, &r);
  return r;
}

// A restart on as many ranks as wrote the checkpoint keeps its slab bounds
// (so the run continues bitwise); otherwise the slabs are cut anew.
SlabLayout initial_layout(MPI_Comm comm, const Config& cfg, const CheckpointMeta* meta) {
  const int ranks = comm_size(comm);
  if (meta && meta->ranks == ranks && meta->slab_axis == cfg.decomposition.axis)
    return SlabLayout(cfg.system, meta->slab_axis, meta->slab_bounds);
  return SlabLayout::uniform(cfg.system, cfg.decomposition.axis, ranks);
}

// Particles of each species over all ranks (fixed for the run), for the
// tail corrections.
std::array<double, kMaxSpecies> global_species_counts(MPI_Comm comm, const Particles& p) {
  const std::array<double, kMaxSpecies> local = local_species_counts(p);
  std::array<double, kMaxSpecies> global{};
  MPI_Allreduce(local.data(), global.data(), kMaxSpecies, MPI_DOUBLE, MPI_SUM, comm);
  return global;
}

// One run: owns the particles and every piece that acts on them.
class Simulation {
 public:
  Simulation(MPI_Comm comm, const Config& cfg, const RunOptions& options, const CheckpointMeta* restart);
  void run();

 private:
  // Forces and the velocity-Verlet family need ghosts and neighbour lists.
  bool interacting() const {
    return cfg_.interaction.kind != InteractionKind::None || cfg_.propagator.kind == PropagatorKind::Verlet ||
           cfg_.propagator.kind == PropagatorKind::Langevin;
  }
  void free_step(std::int64_t step);
  void md_step(std::int64_t step);
  void rebuild();
  void compute_forces(std::int64_t step, bool with_sums);
  void thermostat(std::int64_t step);
  void check_particle_count(std::int64_t step);
  void write_thermo(std::int64_t step);
  void write_summary(double wall);
  void write_checkpoint_now(std::int64_t step);
  void write_frame(std::int64_t step);
  // Progress: steps/s and ETA from the step loop so far.
  void update_progress(std::int64_t step, double now);
  void draw_progress_bar(std::int64_t step, double now);
  void publish_status(const std::string& state, const std::string& message);

  MPI_Comm comm_;
  const Config& cfg_;
  RunOptions options_;
  bool restarted_ = false;
 public:
  bool stopped_early_ = false;  // by a stop signal, after writing a checkpoint

 private:
  int rank_ = 0, ranks_ = 1;
  SlabLayout layout_;
  BoxGeometry geom_;
  MassTable masses_;
  Particles particles_;
  std::unique_ptr<Propagator> propagator_;  // free particles
  Migration migration_;
  CommStats stats_;
  Timers timers_;
  ThermoLog thermo_;
  std::filesystem::path out_dir_;
  std::int64_t first_step_ = 0, last_step_ = 0;
  double t_loop_start_ = 0;
  double slowest_step_ = 0, slowest_checkpoint_ = 0;  // seconds, for run.walltime
  static constexpr int kWalltime = 1000;             // a stop reason beside the signal numbers
  std::unique_ptr<TrajectoryWriter> trajectory_;  // when output.trajectory_every > 0
  RunStatus& status_ = g_status;  // kept on every rank
  double last_bar_ = -1e30;

  // Interacting particles only.
  std::unique_ptr<PairForce> pair_;
  PairTail tail_;             // added to the pair sums in thermo
  double energy_scale_ = 1.0;  // interaction.amplitude_ramp at the last force step
  std::unique_ptr<HaloExchange> halo_;
  NeighborList neighbors_;
  FloatVec3View since_build_;  // positions at the last rebuild
  double skin_ = 0;
  PairSums pair_sums_;
  long long rebuilds_ = 0;
};

Simulation::Simulation(MPI_Comm comm, const Config& cfg, const RunOptions& options, const CheckpointMeta* restart)
    : comm_(comm),
      cfg_(cfg),
      options_(options),
      restarted_(restart != nullptr),
      layout_(initial_layout(comm, cfg, restart)),
      migration_(comm, layout_, options.gpu_aware_mpi),
      thermo_((std::filesystem::path(cfg.output.dir) / "thermo.csv").string(), kThermoColumns, comm_rank(comm) == 0,
              restart ? restart->step : -1),
      out_dir_(cfg.output.dir) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &ranks_);
  geom_ = layout_.geometry(rank_);
  masses_ = mass_table(cfg_.species);
  if (restart) {
    particles_ = restore_particles(comm_, options_.restart_path, layout_);
    first_step_ = restart->step;
  } else {
    particles_ = build_initial_particles(comm_, cfg_, layout_);
  }
  last_step_ = cfg_.run.steps;
  status_ = RunStatus{};
  status_.deck = cfg_.deck_path;
  status_.ranks = ranks_;
  status_.particles = cfg_.particles.count;
  status_.first_step = status_.step = first_step_;
  status_.last_step = last_step_;
  status_.time = first_step_ * cfg_.run.timestep;
  if (restart) {
    status_.last_checkpoint = options_.restart_path;
    status_.last_checkpoint_step = restart->step;
  }
  g_status_dir = out_dir_.string();
  if (interacting()) {
    particles_.enable_force();
    pair_ = make_pair_force(cfg_);
    tail_ = pair_tail(cfg_, global_species_counts(comm_, particles_));
    skin_ = cfg_.interaction.skin;
    halo_ = std::make_unique<HaloExchange>(comm_, layout_, pair_->max_cutoff() + skin_, options_.gpu_aware_mpi);
  } else {
    propagator_ = make_propagator(cfg_);
  }
  if (cfg_.output.trajectory_every > 0) {
    TrajectoryOptions opts;
    for (const auto& f : cfg_.output.trajectory_fields) {
      opts.velocity |= f == "velocity";
      opts.image |= f == "image";
      opts.id |= f == "id";
      opts.species |= f == "species";
      opts.force |= f == "force";
    }
    opts.deflate = static_cast<int>(cfg_.output.trajectory_deflate);
    // A resumed run drops the frames an interrupted run wrote after the
    // checkpoint, so the file ends up as an uninterrupted run's.
    trajectory_ = std::make_unique<TrajectoryWriter>(comm_, (out_dir_ / "trajectory.h5").string(),
                                                     cfg_.particles.count, cfg_.system.box, cfg_.system.boundary,
                                                     opts, restarted_ ? first_step_ : -1);
  }
}

// One trajectory frame (rows sorted by particle id) and, from rank 0, the
// XDMF sidecar rewritten to list every frame now in the file.
void Simulation::write_frame(std::int64_t step) {
  const double t0 = MPI_Wtime();
  trajectory_->write_frame(particles_, step, step * cfg_.run.timestep);
  if (rank_ == 0)
    write_xdmf((out_dir_ / "trajectory.xmf").string(), "trajectory.h5", cfg_.particles.count, trajectory_->frames(),
               trajectory_->options());
  timers_.output += MPI_Wtime() - t0;
}

// Free particles: propagate (wrapping, counting leavers), then migrate.
void Simulation::free_step(std::int64_t step) {
  const double t0 = MPI_Wtime();
  const std::size_t leavers = propagator_->advance(particles_, geom_, step);
  const double t1 = MPI_Wtime();
  migration_.exchange(particles_, static_cast<std::int64_t>(leavers), stats_);
  timers_.propagate += t1 - t0;
  timers_.comm += MPI_Wtime() - t1;
}

// Wrap into the box, migrate, rebuild ghosts and the neighbour list.
void Simulation::rebuild() {
  std::size_t leavers = 0;
  Kokkos::parallel_reduce("WrapAndCount", Kokkos::RangePolicy<ExecSpace>(0, particles_.size),
                          WrapAndCount{particles_.position, particles_.image, geom_}, leavers);
  particles_.ghosts = 0;
  migration_.exchange(particles_, static_cast<std::int64_t>(leavers), stats_);
  halo_->build(particles_, stats_);
  if (since_build_.extent(0) < particles_.size)
    since_build_ = FloatVec3View(Kokkos::view_alloc(std::string("since_build"), Kokkos::WithoutInitializing),
                                 particles_.size + particles_.size / 8 + 64);
  Kokkos::parallel_for("RecordBuildPositions", Kokkos::RangePolicy<ExecSpace>(0, particles_.size),
                       RecordBuildPositions{particles_.position, since_build_});
  const int axis = layout_.axis();
  const double w = halo_->width();
  BinningBox box{};
  for (int d = 0; d < 3; ++d) {
    const bool pad = geom_.periodic[d] || d == axis;
    box.lo[d] = d == axis ? layout_.lo(rank_) - w : (pad ? -w : 0.0);
    box.hi[d] = d == axis ? layout_.hi(rank_) + w : (pad ? cfg_.system.box[d] + w : cfg_.system.box[d]);
  }
  neighbors_.build(particles_.position, static_cast<int>(particles_.size),
                   static_cast<int>(particles_.size + particles_.ghosts), box, pair_->max_cutoff() + skin_,
                   halo_->reaction());
  ++rebuilds_;
}

void Simulation::compute_forces(std::int64_t step, bool with_sums) {
  energy_scale_ = amplitude_factor(cfg_, step);
  pair_->set_energy_scale(energy_scale_);
  pair_sums_ = pair_->compute(particles_, neighbors_, with_sums);
  halo_->reverse_forces(particles_, stats_);  // reactions on other ranks' particles go home
}

void Simulation::thermostat(std::int64_t step) {
  const auto& pc = cfg_.propagator;
  const auto& p = particles_;
  const auto policy = Kokkos::RangePolicy<ExecSpace>(0, p.size);
  const double c1 = std::exp(-cfg_.run.timestep / pc.damping);
  const auto s = static_cast<std::uint64_t>(step);
  if (pc.noise == Noise::Gaussian)
    Kokkos::parallel_for("LangevinVelocity", policy,
                         LangevinVelocity<true>{p.velocity, p.species, p.id, masses_, pc.temperature, c1,
                                                cfg_.run.seed, s});
  else
    Kokkos::parallel_for("LangevinVelocity", policy,
                         LangevinVelocity<false>{p.velocity, p.species, p.id, masses_, pc.temperature, c1,
                                                 cfg_.run.seed, s});
}

// Interacting particles: first half (velocity-Verlet kick-drift, or a
// Brownian move under the last forces) -> rebuild if any particle moved more
// than half the skin (decided globally), else refresh ghost positions ->
// forces -> second half-kick (-> Langevin velocity update for NVT).
void Simulation::md_step(std::int64_t step) {
  auto& p = particles_;
  const double dt = cfg_.run.timestep;
  const double t0 = MPI_Wtime();
  double max_sq = 0.0;
  const auto policy = Kokkos::RangePolicy<ExecSpace>(0, p.size);
  if (cfg_.propagator.kind == PropagatorKind::Brownian) {
    const double D = cfg_.propagator.diffusion, kT = cfg_.propagator.temperature;
    const double amp = std::sqrt(2.0 * D * dt);
    if (cfg_.propagator.noise == Noise::Gaussian)
      Kokkos::parallel_reduce("BrownianForceStep", policy,
                              BrownianForceStep<true>{p.position, p.velocity, p.force, since_build_, p.id, geom_,
                                                      D * dt / kT, amp, cfg_.run.seed,
                                                      static_cast<std::uint64_t>(step)},
                              Kokkos::Max<double>(max_sq));
    else
      Kokkos::parallel_reduce("BrownianForceStep", policy,
                              BrownianForceStep<false>{p.position, p.velocity, p.force, since_build_, p.id, geom_,
                                                       D * dt / kT, amp, cfg_.run.seed,
                                                       static_cast<std::uint64_t>(step)},
                              Kokkos::Max<double>(max_sq));
  } else {
    Kokkos::parallel_reduce("KickDrift", policy,
                            KickDrift{p.position, p.velocity, p.force, since_build_, p.species, masses_, geom_, dt},
                            Kokkos::Max<double>(max_sq));
  }
  const double t1 = MPI_Wtime();

  bool rebuild_now = false;
  if (step % cfg_.interaction.rebuild_check_every == 0) {
    int local = max_sq > 0.25 * skin_ * skin_ ? 1 : 0, any = 0;
    MPI_Allreduce(&local, &any, 1, MPI_INT, MPI_MAX, comm_);
    rebuild_now = any != 0;
  }
  if (rebuild_now)
    rebuild();
  else
    halo_->update(p, stats_);
  const double t2 = MPI_Wtime();

  const bool thermo_step = step % cfg_.output.thermo_every == 0 || step == last_step_;
  compute_forces(step, thermo_step);
  // A rebuild migrates particles: the owned count may have changed.
  if (cfg_.propagator.kind != PropagatorKind::Brownian)
    Kokkos::parallel_for("Kick", Kokkos::RangePolicy<ExecSpace>(0, p.size),
                         Kick{p.velocity, p.force, p.species, masses_, dt});
  if (cfg_.propagator.kind == PropagatorKind::Langevin) thermostat(step);
  Kokkos::fence();
  const double t3 = MPI_Wtime();
  timers_.propagate += t1 - t0;
  timers_.comm += t2 - t1;
  timers_.force += t3 - t2;
}

void Simulation::check_particle_count(std::int64_t step) {
  const std::int64_t local = static_cast<std::int64_t>(particles_.size);
  std::int64_t total = 0;
  MPI_Allreduce(&local, &total, 1, MPI_INT64_T, MPI_SUM, comm_);
  if (total == cfg_.particles.count) return;
  std::vector<std::int64_t> counts(ranks_);
  MPI_Allgather(&local, 1, MPI_INT64_T, counts.data(), 1, MPI_INT64_T, comm_);
  std::string per_rank;
  for (int r = 0; r < ranks_; ++r) per_rank += fmt::format("{}rank {}: {}", r ? ", " : "", r, counts[r]);
  throw CollectiveFailure(fmt::format("particle count changed at step {}: expected {}, found {} ({})", step,
                                      cfg_.particles.count, total, per_rank));
}

void Simulation::write_thermo(std::int64_t step) {
  const double t0 = MPI_Wtime();
  check_particle_count(step);
  const double box[3] = {cfg_.system.box[0], cfg_.system.box[1], cfg_.system.box[2]};
  const LocalObservables local = local_observables(particles_, masses_, box);
  double sums[4] = {local.kinetic, local.square_disp, pair_sums_.energy, pair_sums_.virial}, global[4] = {};
  MPI_Allreduce(sums, global, 4, MPI_DOUBLE, MPI_SUM, comm_);
  global[2] += energy_scale_ * tail_.energy;  // interaction.tail: the pairs beyond the cutoff
  global[3] += energy_scale_ * tail_.virial;
  const double n_local = static_cast<double>(particles_.size);
  double n_max = 0;
  MPI_Allreduce(&n_local, &n_max, 1, MPI_DOUBLE, MPI_MAX, comm_);
  const double N = static_cast<double>(cfg_.particles.count);
  const double volume = box[0] * box[1] * box[2];
  const double dof = N > 1 ? 3.0 * N - 3.0 : 3.0;  // momentum is conserved: 3 fewer
  const double temperature = 2.0 * global[0] / dof;
  const double pressure = (2.0 * global[0] + global[3]) / (3.0 * volume);
  const double ke = global[0] / N, pe = global[2] / N;
  const double time = step * cfg_.run.timestep;
  thermo_.write_row({static_cast<double>(step), time, N, temperature, ke, pe, ke + pe, pressure, global[1] / N,
                     n_max / (N / ranks_)});
  const std::int64_t mine = static_cast<std::int64_t>(particles_.size);
  std::vector<std::int64_t> counts(ranks_);
  MPI_Allgather(&mine, 1, MPI_INT64_T, counts.data(), 1, MPI_INT64_T, comm_);
  status_.rank_particles = counts;
  if (trajectory_) {
    trajectory_->write_observables(step, time,
                                   {{"temperature", temperature},
                                    {"kinetic_energy", ke},
                                    {"potential_energy", pe},
                                    {"total_energy", ke + pe},
                                    {"pressure", pressure},
                                    {"msd", global[1] / N},
                                    {"imbalance", n_max / (N / ranks_)}},
                                   counts);
  }
  update_progress(step, MPI_Wtime());
  if (rank_ == 0) {
    const double pct = last_step_ > 0 ? 100.0 * static_cast<double>(step) / static_cast<double>(last_step_) : 100.0;
    runlog::say(fmt::format("step {:>8}/{} {:5.1f}%  {:8.3g} steps/s {:8.3g} atom-steps/s  ETA {:>8}  |  T {:<9.5g} "
                            "KE {:<10.6g} PE {:<10.6g} E {:<11.7g} P {:<9.5g} MSD {:.4g}",
                            step, last_step_, pct, status_.steps_per_s, status_.particle_steps_per_s,
                            clock_time(status_.eta_s), temperature, ke, pe, ke + pe, pressure, global[1] / N));
  }
  publish_status("running", "");
  runlog::gather(comm_);
  timers_.output += MPI_Wtime() - t0;
}

// Rates over this run's step loop so far (checkpoints and output included,
// so the ETA is what the user will wait).
void Simulation::update_progress(std::int64_t step, double now) {
  const double elapsed = now - t_loop_start_;
  const double done = static_cast<double>(step - first_step_);
  status_.step = step;
  status_.time = step * cfg_.run.timestep;
  status_.elapsed_s = elapsed;
  status_.steps_per_s = done > 0 && elapsed > 0 ? done / elapsed : 0.0;
  status_.particle_steps_per_s = status_.steps_per_s * static_cast<double>(cfg_.particles.count);
  status_.eta_s = status_.steps_per_s > 0 ? static_cast<double>(last_step_ - step) / status_.steps_per_s : -1.0;
}

// Rank 0, terminal only, at most 5 times a second; no communication.
void Simulation::draw_progress_bar(std::int64_t step, double now) {
  if (rank_ != 0 || now - last_bar_ < 0.2 || !runlog::stdout_is_terminal()) return;
  last_bar_ = now;
  const double elapsed = now - t_loop_start_;
  const double rate = elapsed > 0 ? static_cast<double>(step - first_step_) / elapsed : 0.0;
  const double span = static_cast<double>(std::max<std::int64_t>(last_step_ - first_step_, 1));
  const double frac = static_cast<double>(step - first_step_) / span;
  const int width = 30, filled = static_cast<int>(frac * width);
  runlog::progress_bar(fmt::format("[{}{}] {:5.1f}%  step {}/{}  {:.3g} steps/s  ETA {}", std::string(filled, '#'),
                                   std::string(width - filled, '.'), 100.0 * static_cast<double>(step) /
                                   static_cast<double>(std::max<std::int64_t>(last_step_, 1)),
                                   step, last_step_, rate,
                                   clock_time(rate > 0 ? static_cast<double>(last_step_ - step) / rate : -1.0)));
}

void Simulation::publish_status(const std::string& state, const std::string& message) {
  status_.state = state;
  status_.message = message;
  if (rank_ == 0 && !write_status(out_dir_.string(), status_, 0))
    runlog::warn("cannot write " + (out_dir_ / "status.json").string());
}

void Simulation::run() {
  const double t_start = MPI_Wtime();
  check_particle_count(first_step_);
  if (particles_.size == 0)
    runlog::warn(fmt::format("owns no particles: its slab [{:.6g}, {:.6g}) along {} is empty (fewer ranks "
                             "would use the machine better)",
                             layout_.lo(rank_), layout_.hi(rank_), "xyz"[layout_.axis()]));
  if (interacting()) {
    // The same rebuild and forces a checkpoint step does before writing,
    // so a restarted run continues exactly.
    rebuild();
    compute_forces(first_step_, true);
  }
  runlog::say(fmt::format("strata: {}, {} particles, {} rank{}, slabs along {}, steps {}..{}",
                          interacting() ? interaction_label(cfg_.interaction.kind) : propagator_->name(),
                          cfg_.particles.count, ranks_, ranks_ == 1 ? "" : "s", "xyz"[layout_.axis()], first_step_,
                          last_step_));
  timers_.setup = MPI_Wtime() - t_start;
  t_loop_start_ = MPI_Wtime();
  if (restarted_)
    runlog::say(fmt::format("strata: continuing from {} (step {})", options_.restart_path, first_step_));
  // A resumed run's thermo.csv and trajectory.h5 already hold this step.
  if (!restarted_) {
    write_thermo(first_step_);
    if (trajectory_) write_frame(first_step_);
  }
  const std::int64_t every = cfg_.output.checkpoint_every;
  const std::int64_t frames = cfg_.output.trajectory_every;
  double step_started = MPI_Wtime();
  stop_at_step_boundaries();
  for (std::int64_t step = first_step_ + 1; step <= last_step_; ++step) {
    if (interacting())
      md_step(step);
    else
      free_step(step);
    if (step % cfg_.output.thermo_every == 0 || step == last_step_) write_thermo(step);
    // Frames only at multiples (the last state is final.h5), so a run cut
    // short and resumed writes exactly the frames of an uninterrupted one.
    if (trajectory_ && step % frames == 0) write_frame(step);
    if (every > 0 && step % every == 0 && step != last_step_) write_checkpoint_now(step);
    fault_point("step", step);
    // A stop signal on any rank, or rank 0's clock nearing run.walltime,
    // stops every rank at this same step.
    const double now = MPI_Wtime();
    draw_progress_bar(step, now);
    slowest_step_ = std::max(slowest_step_, now - step_started);
    step_started = now;
    int local_stop = pending_stop_signal();
    if (local_stop == 0 && rank_ == 0 && cfg_.run.walltime_seconds > 0) {
      // Leave room for two more steps and a checkpoint (measured, or
      // estimated at 100 MB/s for the first one).
      const double checkpoint = std::max(slowest_checkpoint_, 1.0 + cfg_.particles.count * 100.0 / 1e8);
      if (now - t_start + 2.0 * slowest_step_ + 1.5 * checkpoint >= cfg_.run.walltime_seconds) local_stop = kWalltime;
    }
    int stop = 0;
    MPI_Allreduce(&local_stop, &stop, 1, MPI_INT, MPI_MAX, comm_);
    if (stop != 0 && step != last_step_) {
      if (every == 0 || step % every != 0) write_checkpoint_now(step);
      if (trajectory_) trajectory_->close();
      const std::string dir = out_dir_.string();
      const std::string why = stop == kWalltime ? "stopped before run.walltime (" + cfg_.run.walltime + ")"
                                                : std::string("stopped by ") + signal_name(stop);
      const std::string resume =
          fmt::format("strata run {} --output {} --restart latest", cfg_.deck_path, dir);
      runlog::say(fmt::format("strata: {} at step {} of {}; checkpoint written to {}/checkpoints.", why, step,
                              last_step_, dir));
      runlog::say("strata: resume with: " + resume);
      update_progress(step, MPI_Wtime());
      status_.eta_s = -1;
      publish_status("stopped", why + "; resume with: " + resume);
      runlog::gather(comm_);
      stopped_early_ = true;
      return;
    }
  }
  if (trajectory_) trajectory_->close();
  timers_.loop = MPI_Wtime() - t_loop_start_;

  // Final state: wrapped into the box on its owning rank, one H5MD frame,
  // and a checkpoint to continue from.
  const double t_final = MPI_Wtime();
  const double output_before_final = timers_.output;
  write_checkpoint_now(last_step_);
  H5mdFrameInfo info{last_step_, last_step_ * cfg_.run.timestep, cfg_.system.box, cfg_.system.boundary};
  write_h5md_frame(comm_, (out_dir_ / "final.h5").string(), particles_, info, STRATA_VERSION);
  timers_.final = MPI_Wtime() - t_final;
  timers_.output = output_before_final + timers_.final;  // the checkpoint counted itself once already
  write_summary(MPI_Wtime() - t_start);
  update_progress(last_step_, t_loop_start_ + timers_.loop);
  publish_status("finished", "final state in " + (out_dir_ / "final.h5").string());
  runlog::gather(comm_);
}

// Every particle home and in the box (for interacting runs: a rebuild, and
// forces recomputed from the rebuilt list, exactly what a restart from this
// file does first), then one collective file.
void Simulation::write_checkpoint_now(std::int64_t step) {
  const double t0 = MPI_Wtime();
  if (interacting()) {
    rebuild();
    compute_forces(step, false);
  }
  CheckpointMeta meta;
  meta.step = step;
  meta.time = step * cfg_.run.timestep;
  meta.deck_text = cfg_.deck_text;
  meta.seed = cfg_.run.seed;
  meta.slab_axis = layout_.axis();
  meta.slab_bounds = layout_.bounds();
  meta.box = cfg_.system.box;
  meta.boundary = cfg_.system.boundary;
  meta.code_version = STRATA_VERSION;
  meta.integrator["neighbor_builds"] = static_cast<double>(rebuilds_);
  try {
    status_.last_checkpoint =
        write_checkpoint(comm_, out_dir_.string(), particles_, meta, static_cast<int>(cfg_.output.checkpoint_keep),
                         [](std::int64_t s) { fault_point("checkpoint", s); });  // tests only: a crash mid-write
    status_.last_checkpoint_step = step;
  } catch (const std::runtime_error& e) {
    // write_checkpoint fails on every rank alike; earlier checkpoints stand.
    throw CollectiveFailure(std::string("checkpoint at step ") + std::to_string(step) + " failed: " + e.what() +
                            write_failure_note(out_dir_.string(), cfg_.particles.count * 100.0) +
                            "; earlier checkpoints are untouched");
  }
  const double took = MPI_Wtime() - t0;
  slowest_checkpoint_ = std::max(slowest_checkpoint_, took);
  timers_.output += took;
}

void Simulation::write_summary(double wall) {
  const double steps_run = static_cast<double>(last_step_ - first_step_);
  const double per_step = steps_run > 0 ? 1.0 / steps_run : 0.0;
  const Reduced msgs = mean_max(comm_, static_cast<double>(stats_.messages) * per_step);
  const Reduced bytes = mean_max(comm_, static_cast<double>(stats_.bytes) * per_step);
  const Reduced migrated = mean_max(comm_, static_cast<double>(stats_.particles_migrated) * per_step);
  const Reduced rounds = mean_max(comm_, static_cast<double>(stats_.hops) * per_step);
  const Reduced t_prop = mean_max(comm_, timers_.propagate);
  const Reduced t_comm = mean_max(comm_, timers_.comm);
  const Reduced t_force = mean_max(comm_, timers_.force);
  const Reduced t_out = mean_max(comm_, timers_.output);
  const Reduced t_wait = mean_max(comm_, stats_.wait_seconds);
  const Reduced rss = mean_max(comm_, peak_rss_bytes());
  const double rss_total = rss.mean * ranks_;
  const double N = static_cast<double>(std::max<std::int64_t>(cfg_.particles.count, 1));
  const double steps_per_s = timers_.loop > 0 ? steps_run / timers_.loop : 0.0;
  const double psteps = steps_per_s * static_cast<double>(cfg_.particles.count);
  if (rank_ != 0) return;
  // The breakdown covers the step loop and the final writes (output).
  const double loop = timers_.loop + timers_.final;
  const double other = std::max(0.0, loop - t_prop.mean - t_comm.mean - t_force.mean - t_out.mean);
  auto pct = [&](double t) { return loop > 0 ? 100.0 * t / loop : 0.0; };
  say_printf("\nRun summary\n");
  say_printf("  wall time          %.3f s (setup %.3f s, step loop %.3f s, final output %.3f s)\n", wall,
              timers_.setup, timers_.loop, timers_.final);
  say_printf("  steps/s            %.4g\n", steps_per_s);
  say_printf("  particle-steps/s   %.4g\n", psteps);
  say_printf("  time breakdown     propagate %.1f%%  %s %.1f%%  forces %.1f%%  output %.1f%%  other %.1f%% "
              "(mean over ranks)\n",
              pct(t_prop.mean), interacting() ? "migrate+halo" : "migrate", pct(t_comm.mean), pct(t_force.mean),
              pct(t_out.mean), pct(other));
  say_printf("  waiting on MPI     %.1f%% of the step loop (mean; max %.1f%%)\n", pct(t_wait.mean), pct(t_wait.max));
  if (interacting())
    say_printf("  neighbour lists    %lld builds (%.3g steps per build)\n", rebuilds_,
                rebuilds_ > 0 ? steps_run / static_cast<double>(rebuilds_) : 0.0);
  say_printf("  migration          %.3g particles/rank/step (max %.3g), %.3g exchange rounds/step\n", migrated.mean,
              migrated.max, rounds.mean);
  say_printf("  communication      %.3g messages/rank/step (max %.3g), %.4g bytes/rank/step (max %.4g)\n", msgs.mean,
              msgs.max, bytes.mean, bytes.max);
  say_printf("  peak memory        %.1f MB per rank (max %.1f MB), %.1f B/particle over all ranks\n", rss.mean / 1e6,
              rss.max / 1e6, rss_total / N);
  say_printf("  output             %s\n", out_dir_.string().c_str());

  std::ofstream js(out_dir_ / "summary.json");
  js << fmt::format(
      "{{\n  \"ranks\": {},\n  \"particles\": {},\n  \"steps\": {},\n  \"wall_s\": {:.6g},\n  \"loop_s\": {:.6g},\n"
      "  \"steps_per_s\": {:.6g},\n  \"particle_steps_per_s\": {:.6g},\n"
      "  \"time_s\": {{\"propagate\": {:.6g}, \"communicate\": {:.6g}, \"forces\": {:.6g}, \"output\": {:.6g}, "
      "\"mpi_wait\": {:.6g}}},\n"
      "  \"neighbor_builds\": {},\n"
      "  \"messages_per_rank_step\": {{\"mean\": {:.6g}, \"max\": {:.6g}}},\n"
      "  \"bytes_per_rank_step\": {{\"mean\": {:.6g}, \"max\": {:.6g}}},\n"
      "  \"migrated_per_rank_step\": {{\"mean\": {:.6g}, \"max\": {:.6g}}},\n"
      "  \"peak_rss_bytes\": {{\"mean\": {:.6g}, \"max\": {:.6g}, \"total\": {:.6g}}},\n"
      "  \"peak_bytes_per_particle\": {:.6g}\n}}\n",
      ranks_, cfg_.particles.count, last_step_ - first_step_, wall, loop, steps_per_s, psteps, t_prop.mean,
      t_comm.mean, t_force.mean, t_out.mean, t_wait.mean, rebuilds_, msgs.mean, msgs.max, bytes.mean, bytes.max,
      migrated.mean, migrated.max, rss.mean, rss.max, rss_total, rss_total / N);
}

}  // namespace

void mark_run_failed(int rank, const std::string& message) {
  if (g_status_dir.empty()) return;
  g_status.state = "failed";
  g_status.eta_s = -1;
  g_status.message = "rank " + std::to_string(rank) + ": " + message;
  write_status(g_status_dir, g_status, rank);
}

bool run_simulation(MPI_Comm comm, const Config& cfg, const RunOptions& options) {
  std::unique_ptr<CheckpointMeta> meta;
  if (!options.restart_path.empty())
    meta = std::make_unique<CheckpointMeta>(read_checkpoint_meta(options.restart_path));
  Simulation sim(comm, cfg, options, meta.get());
  sim.run();
  g_status_dir.clear();
  return sim.stopped_early_;
}

}  // namespace strata
