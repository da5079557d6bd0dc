#include "src/Simulation.hpp"

#include <fmt/format.h>

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include "core/Failure.hpp"
#include "core/Version.hpp"
#include "decomposition/CommStats.hpp"
#include "decomposition/HaloExchange.hpp"
#include "decomposition/Migration.hpp"
#include "decomposition/GridLayout.hpp"
#include "src/Plan.hpp"
#include "decomposition/LoadBalancer.hpp"
#include "io/Checkpoint.hpp"
#include "io/H5mdWriter.hpp"
#include "io/OutputDir.hpp"
#include "io/RunLog.hpp"
#include "io/ThermoLog.hpp"
#include "io/TrajectoryWriter.hpp"
#include "kernels/Capacity.hpp"
#include "kernels/Fire.hpp"
#include "kernels/Integrator.hpp"
#include "kernels/NeighborList.hpp"
#include "kernels/SpatialSort.hpp"
#include "kernels/Observables.hpp"
#include "kernels/PairForce.hpp"
#include "src/BlowUp.hpp"
#include "src/Dynamics.hpp"
#include "src/FaultInjection.hpp"
#include "src/InitialConditions.hpp"
#include "src/Interactions.hpp"
#include "src/Minimize.hpp"
#include "src/RunSummary.hpp"
#include "src/StopPolicy.hpp"
#include "src/StopSignals.hpp"
#include "src/ThermoRow.hpp"

namespace strata {

namespace {

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

// A restart on the grid that wrote the checkpoint keeps its planes, as load
// balancing left them (so the run continues bitwise); on another grid the
// bricks are cut anew.
bool writer_layout(MPI_Comm comm, const Config& cfg, const CheckpointMeta* meta) {
  return meta && meta->ranks == comm_size(comm) && meta->grid == choose_grid(cfg, comm_size(comm)) &&
         (meta->ranks > 1 || meta->slab_axis == cfg.decomposition.axis);
}
GridLayout initial_layout(MPI_Comm comm, const Config& cfg, const CheckpointMeta* meta) {
  if (!writer_layout(comm, cfg, meta)) return initial_grid(cfg, comm_size(comm));
  GridPlanes planes;
  std::size_t k = 0;
  for (int d = 0; d < 3; ++d)
    for (int c = 0; c <= meta->grid[d]; ++c) planes[d].push_back(meta->planes[k++]);
  return GridLayout(cfg.system, planes, cfg.decomposition.axis);
}
std::vector<double> all_planes(const GridLayout& layout) {
  std::vector<double> out;
  for (int d = 0; d < 3; ++d) out.insert(out.end(), layout.planes(d).begin(), layout.planes(d).end());
  return out;
}
std::string grid_label(const GridLayout& layout) {
  const auto cut = layout.cut_axes();
  if (cut.size() <= 1) return fmt::format("slabs along {}", "xyz"[cut.empty() ? layout.primary_axis() : cut[0]]);
  return fmt::format("a {} x {} x {} grid", layout.dims()[0], layout.dims()[1], layout.dims()[2]);
}

// Particles of each species over all ranks (fixed for the run), for the
// tail corrections.
std::array<double, kMaxSpecies> global_species_counts(MPI_Comm comm, const Particles& p) {
  const std::array<double, kMaxSpecies> local = local_species_counts(p);
  std::array<double, kMaxSpecies> global{};
  MPI_Allreduce(local.data(), global.data(), kMaxSpecies, MPI_DOUBLE, MPI_SUM, comm);
  return global;
}

// Half lists on CPU backends; full lists where device memory is not host
// memory (a GPU), which need no atomics and so give reproducible forces.
bool use_full_lists(NeighborListKind kind) {
  if (kind != NeighborListKind::Auto) return kind == NeighborListKind::Full;
  return !Kokkos::SpaceAccessibility<Kokkos::HostSpace, MemSpace>::accessible;
}

std::string shell_word(const std::string& s) {
  if (!s.empty() && s.find_first_of(" \t\"'$\\&|;<>()*?[]#~`!{}") == std::string::npos) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// One run: owns the particles and every piece that acts on them.
class Simulation {
 public:
  Simulation(MPI_Comm comm, const Config& cfg, const RunOptions& options, RunMonitor& monitor,
             const CheckpointMeta* restart);
  // Returns true when the run stopped early (a checkpoint was written).
  bool run();

 private:
  // The phases of one step, in the order the loop calls them.
  StepMotion integrate_first(std::int64_t step);
  bool rebuild_due(std::int64_t step, const StepMotion& moved);
  bool balance_due(std::int64_t step) const;
  void balance(std::int64_t step, StepMotion& moved);
  void migrate(const StepMotion& moved);
  void build_ghosts_and_list();
  void update_ghosts();
  void compute_forces(std::int64_t step, bool with_sums);
  void reverse_forces();
  void integrate_second(std::int64_t step);
  void output(std::int64_t step);

  void set_up_forces();
  void minimize();
  double potential_energy_per_particle();
  void set_up_pair_force();  // and the halo, and the walls and field
  double moved_limit() const;
  void restore_build_state(const ResumeRows& rows);
  void record_build_positions();
  bool thermo_due(std::int64_t step) const;
  bool frame_due(std::int64_t step) const;
  void record(std::int64_t step);
  void write_checkpoint_now(std::int64_t step);
  void stop_early(std::int64_t step, int reason);
  std::string resume_command() const;

  MPI_Comm comm_;
  const Config& cfg_;
  RunOptions options_;
  RunMonitor& monitor_;
  bool restarted_ = false;
  int rank_ = 0, ranks_ = 1;
  bool forces_ = false;  // forces of any kind: pairs, walls, a body force
  bool pairs_ = false;   // a pair potential: ghosts, neighbour lists, the pair kernel
  GridLayout layout_;
  BoxGeometry geom_;
  MassTable masses_;
  Particles particles_;
  std::unique_ptr<Integrator> integrator_;
  Migration migration_;
  CommStats stats_;
  PhaseTimes times_;
  ThermoLog thermo_;
  std::filesystem::path out_dir_;
  std::int64_t first_step_ = 0, last_step_ = 0;
  double t_start_ = 0;
  StopPolicy stop_;
  std::unique_ptr<TrajectoryWriter> trajectory_;  // when output.trajectory_every > 0

  // Runs under forces (and integrators that do not wrap every step).
  std::unique_ptr<PairForce> pair_;
  ExternalField external_;     // [walls] and [field], added after the pair forces
  PairTail tail_;              // interaction.tail: added to the pair sums in thermo
  double energy_scale_ = 1.0;  // interaction.amplitude_ramp at the last force step
  std::unique_ptr<HaloExchange> halo_;
  NeighborList neighbors_;
  SpatialSort sort_;
  Vec3View build_position_;  // each owned row's position at the last list build, exact
  PairSums pair_sums_;
  long long list_builds_ = 0;
  std::int64_t last_build_step_ = 0;  // for interaction.rebuild_delay
  long long dangerous_builds_ = 0;    // unchecked rebuilds after a move beyond half the skin
  // decomposition.balance_every: the next multiple to check at (the first
  // rebuild step on or after it), the moves made, the measured seconds at
  // the last check, and the particle imbalance at the start and after the
  // last move.
  std::int64_t balance_next_ = 0;
  int balance_moves_ = 0;
  double balance_seconds_ = 0.0;
  double imbalance_start_ = 1.0, imbalance_moved_ = 0.0;
  bool full_lists_ = false;  // interaction.neighbor_list
  bool resumed_exactly_ = false;
};

Simulation::Simulation(MPI_Comm comm, const Config& cfg, const RunOptions& options, RunMonitor& monitor,
                       const CheckpointMeta* restart)
    : comm_(comm),
      cfg_(cfg),
      options_(options),
      monitor_(monitor),
      restarted_(restart != nullptr),
      rank_(comm_rank(comm)),
      ranks_(comm_size(comm)),
      forces_(has_forces(cfg)),
      pairs_(has_pair_forces(cfg)),
      layout_(initial_layout(comm, cfg, restart)),
      migration_(comm, layout_, options.gpu_aware_mpi),
      thermo_((std::filesystem::path(cfg.output.dir) / "thermo.csv").string(), ThermoRow::columns(), rank_ == 0,
              restart ? restart->step : -1),
      out_dir_(cfg.output.dir),
      t_start_(MPI_Wtime()),
      stop_(comm, cfg.run.walltime_seconds, cfg.run.walltime, cfg.particles.count, t_start_) {
  geom_ = layout_.geometry(rank_);
  masses_ = mass_table(cfg_.species);
  full_lists_ = use_full_lists(cfg_.interaction.neighbor_list);
  integrator_ = make_integrator(cfg_, masses_);
  last_step_ = cfg_.run.steps;
  if (restart) {
    first_step_ = restart->step;
    last_build_step_ = first_step_;
    const auto built = restart->integrator.find("last_build_step");
    if (built != restart->integrator.end() && writer_layout(comm, cfg, restart))
      last_build_step_ = static_cast<std::int64_t>(built->second);
    const auto next = restart->integrator.find("balance_next");
    if (next != restart->integrator.end()) balance_next_ = static_cast<std::int64_t>(next->second);
    // Under forces, on the layout that wrote it, a checkpoint holds the
    // exact rows and list-build state: the rows are taken as written (no
    // routing: a row may lie outside its slab until the next build).
    ResumeRows rows;
    if (forces_ && writer_layout(comm, cfg, restart) && read_checkpoint_resume(comm, options_.restart_path, rows)) {
      particles_ = read_checkpoint_rows(comm_, options_.restart_path);
      particles_.enable_force();
      restore_build_state(rows);
      resumed_exactly_ = true;
    } else {
      particles_ = restore_particles(comm_, options_.restart_path, layout_);
    }
  } else {
    particles_ = build_initial_particles(comm_, cfg_, layout_);
  }
  if (!integrator_->wraps()) particles_.enable_force();  // velocity Verlet reads forces, zero without an interaction
  monitor_.begin(out_dir_.string(), cfg_.deck_path, ranks_, cfg_.particles.count, first_step_, last_step_,
                 cfg_.run.timestep, restart ? options_.restart_path : std::string());
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

// --- The phases of one step ------------------------------------------------

StepMotion Simulation::integrate_first(std::int64_t step) {
  PhaseTimer t(times_.integrate);
  return integrator_->initial_integrate(particles_, geom_, build_position_, step);
}

// Free particles and runs without forces exchange every step; under forces
// the lists are rebuilt when some particle moved more than half the skin
// since the last build (checked every interaction.rebuild_check_every
// steps, not within interaction.rebuild_delay steps of the last build; one
// MPI_Allreduce of a flag, so every rank decides alike), or with
// interaction.rebuild_check = false at every check whatever the motion
// (LAMMPS' neigh_modify every/delay/check; a rebuild after someone moved
// more than half the skin is then counted as dangerous, as LAMMPS does). The
// same flag carries the blow-up check: a particle that moved farther than
// the halo width since the build (the list and ghosts can no longer hold
// its partners), or a non-finite position (the integrators report it as an
// infinite displacement), stops the run.
bool Simulation::rebuild_due(std::int64_t step, const StepMotion& moved) {
  if (!forces_) return true;
  const auto& ia = cfg_.interaction;
  if (step - last_build_step_ < ia.rebuild_delay || step % ia.rebuild_check_every != 0) return false;
  const double half_skin = 0.5 * cfg_.interaction.skin, halo = moved_limit();
  int local = !(moved.max_moved_sq <= halo * halo) ? 2 : moved.max_moved_sq > half_skin * half_skin ? 1 : 0, any = 0;
  {
    PhaseTimer t(times_.comm);
    MPI_Allreduce(&local, &any, 1, MPI_INT, MPI_MAX, comm_);
  }
  if (any == 2) stop_blown_up(comm_, step, particles_, build_position_, halo, "");
  if (!ia.rebuild_check) {
    dangerous_builds_ += any != 0;
    return true;
  }
  return any != 0;
}

// decomposition.balance_every: due at the first rebuild step on or after
// the next multiple (every step is a rebuild without forces).
bool Simulation::balance_due(std::int64_t step) const {
  return cfg_.decomposition.balance_every > 0 && ranks_ > 1 && step >= balance_next_;
}

// Move the planes toward equal load when the imbalance exceeds the
// threshold (decomposition/LoadBalancer.hpp). Then the particles migrate
// to the new bricks and the ghosts and lists are rebuilt, as at any rebuild.
void Simulation::balance(std::int64_t step, StepMotion& moved) {
  PhaseTimer t(times_.comm);
  const auto& d = cfg_.decomposition;
  balance_next_ = (step / d.balance_every + 1) * d.balance_every;
  const double seconds = times_.force + times_.integrate + times_.neighbor;
  const double load = d.balance_by_time ? seconds - balance_seconds_ : static_cast<double>(particles_.size);
  balance_seconds_ = seconds;
  if (!(load_imbalance(comm_, load) > d.balance_threshold)) return;
  // A hair over the halo, so rounding never leaves a brick thinner than it.
  const double min_width = pairs_ ? halo_->width() * (1.0 + 1e-9) : 0.0;
  layout_ = balanced_layout(comm_, layout_, particles_, load, min_width, d.balance_damping);
  geom_ = layout_.geometry(rank_);
  migration_.set_layout(layout_);
  if (pairs_)
    halo_ = std::make_unique<HaloExchange>(comm_, layout_, halo_->width(), options_.gpu_aware_mpi, !full_lists_);
  moved.leavers = -1;  // counted against the old bricks: count again
  moved.leaver_blocks = LeaverBlocks{};
  ++balance_moves_;
}

// Fold positions into the box (unless the integrator did) and hand every
// particle to the rank that owns it now.
void Simulation::migrate(const StepMotion& moved) {
  PhaseTimer t(times_.comm);
  std::int64_t leavers = moved.leavers;
  if (leavers < 0) {
    std::size_t n = 0;
    Kokkos::parallel_reduce("WrapAndCount", Kokkos::RangePolicy<ExecSpace>(0, particles_.size),
                            WrapAndCount{particles_.position, particles_.image, geom_}, n);
    leavers = static_cast<std::int64_t>(n);
  }
  particles_.ghosts = 0;
  migration_.exchange(particles_, leavers, stats_, moved.leavers >= 0 ? moved.leaver_blocks : LeaverBlocks{});
}

void Simulation::build_ghosts_and_list() {
  if (pairs_) {
    // Owned rows in cell order (kernels/SpatialSort.hpp), so the pair
    // kernel's gathers stay local; the rows are all inside the brick here.
    PhaseTimer t(times_.neighbor);
    BinningBox brick{};
    for (int d = 0; d < 3; ++d) {
      const bool cut = layout_.dims()[d] > 1;
      brick.lo[d] = cut ? layout_.lo(rank_, d) : 0.0;
      brick.hi[d] = cut ? layout_.hi(rank_, d) : cfg_.system.box[d];
    }
    sort_.apply(particles_, brick, 0.5 * (pair_->max_cutoff() + cfg_.interaction.skin));
  }
  if (pairs_) {
    PhaseTimer t(times_.comm);
    halo_->build(particles_, stats_);
  }
  if (integrator_->wraps()) return;
  PhaseTimer t(times_.neighbor);
  record_build_positions();
  if (!pairs_) return;
  // Bins span the brick and its halo: on a cut axis (and a one-rank run's
  // slab axis) the brick's planes +- w, on other periodic axes the box +- w.
  const double w = halo_->width();
  BinningBox box{};
  for (int d = 0; d < 3; ++d) {
    const bool brick = layout_.dims()[d] > 1 || d == layout_.primary_axis();
    const bool pad = geom_.periodic[d] || brick;
    box.lo[d] = brick ? layout_.lo(rank_, d) - w : (pad ? -w : 0.0);
    box.hi[d] = brick ? layout_.hi(rank_, d) + w : (pad ? cfg_.system.box[d] + w : cfg_.system.box[d]);
  }
  neighbors_.build(particles_.position, static_cast<int>(particles_.size),
                   static_cast<int>(particles_.size + particles_.ghosts), box, pair_->max_cutoff() + cfg_.interaction.skin,
                   halo_->reaction(), full_lists_);
  ++list_builds_;
}

void Simulation::update_ghosts() {
  if (!pairs_) return;
  PhaseTimer t(times_.comm);
  halo_->update(particles_, stats_);
}

void Simulation::compute_forces(std::int64_t step, bool with_sums) {
  if (!forces_) return;
  PhaseTimer t(times_.force);
  if (pairs_) {
    energy_scale_ = amplitude_factor(cfg_, step);  // interaction.amplitude_ramp (1 without)
    pair_->set_energy_scale(energy_scale_);
    pair_sums_ = pair_->compute(particles_, neighbors_, with_sums);
  } else {
    using Range = std::pair<std::size_t, std::size_t>;
    Kokkos::deep_copy(Kokkos::subview(particles_.force, Range(0, particles_.size), Kokkos::ALL), 0.0);
    pair_sums_ = PairSums{};
  }
  const PairSums external = add_external_forces(particles_, external_, with_sums);
  pair_sums_.energy += external.energy;
  pair_sums_.virial += external.virial;
}

// How far a particle may move between list builds: the halo width (beyond
// it the ghosts and the list miss its partners). Without pairs there is no
// halo; only a non-finite position stops the run.
double Simulation::moved_limit() const { return pairs_ ? halo_->width() : 1e150; }

void Simulation::set_up_pair_force() {
  external_ = external_field(cfg_);
  if (!pairs_) return;
  pair_ = make_pair_force(cfg_);
  // CPUs: a cluster-pair list where its kernel is vectorized, else particles.
  neighbors_.allow_clusters(pair_->wants_cluster_list());
  neighbors_.float_clusters(pair_->wants_float_clusters());
  tail_ = pair_tail(cfg_, global_species_counts(comm_, particles_));
  halo_ = std::make_unique<HaloExchange>(comm_, layout_, pair_->max_cutoff() + cfg_.interaction.skin,
                                         options_.gpu_aware_mpi, !full_lists_);
}

// Reactions the pair kernel put on copies of other ranks' particles go home.
void Simulation::reverse_forces() {
  if (!pairs_) return;
  PhaseTimer t(times_.comm);
  halo_->reverse_forces(particles_, stats_);
}

void Simulation::integrate_second(std::int64_t step) {
  PhaseTimer t(times_.integrate);
  integrator_->final_integrate(particles_, step);
}

void Simulation::output(std::int64_t step) {
  PhaseTimer t(times_.output);
  record(step);
  const std::int64_t every = cfg_.output.checkpoint_every;
  if (every > 0 && step % every == 0 && step != last_step_) write_checkpoint_now(step);
}

// --- Set-up ------------------------------------------------------------------

void Simulation::record_build_positions() {
  grow_discarding(build_position_, particles_.size, "build_position");
  using Range = std::pair<std::size_t, std::size_t>;
  const Range rows(0, particles_.size);
  Kokkos::deep_copy(Kokkos::subview(build_position_, rows, Kokkos::ALL),
                    Kokkos::subview(particles_.position, rows, Kokkos::ALL));
}

// Rebuild the ghosts and the neighbour list exactly as the run that wrote
// the checkpoint built them: from each row's position at that build (rows
// in their order then, since nothing migrates between builds), then bring
// the rows and the ghosts to the checkpoint's positions. Forces computed
// next are then those the uninterrupted run computed at this step.
void Simulation::restore_build_state(const ResumeRows& rows) {
  set_up_pair_force();
  using Range = std::pair<std::size_t, std::size_t>;
  const Range owned(0, particles_.size);
  auto position = Kokkos::subview(particles_.position, owned, Kokkos::ALL);
  Kokkos::deep_copy(position, Kokkos::subview(rows.build_position, owned, Kokkos::ALL));
  particles_.ghosts = 0;
  build_ghosts_and_list();
  Kokkos::deep_copy(Kokkos::subview(particles_.position, owned, Kokkos::ALL),
                    Kokkos::subview(rows.position, owned, Kokkos::ALL));
  Kokkos::deep_copy(Kokkos::subview(particles_.image, owned, Kokkos::ALL),
                    Kokkos::subview(rows.image, owned, Kokkos::ALL));
  update_ghosts();
}

// The state of step first_step_ complete: ghosts, list and forces.
void Simulation::set_up_forces() {
  if (!resumed_exactly_) {
    if (forces_) set_up_pair_force();
    migrate(StepMotion{});
    build_ghosts_and_list();
  }
  compute_forces(first_step_, true);
  reverse_forces();
}

// [minimize]: FIRE from the state set_up_forces() left, each of its steps
// on the same phases as a dynamics step (rebuild check, migration, ghosts,
// lists, forces); then the dynamics start from the minimum as from a new
// initial state: positions folded into the box, unwrapped starts (MSD)
// reset, velocities drawn at particles.temperature as for a generated
// placement (FIRE's own are discarded), step first_step_ complete.
void Simulation::minimize() {
  // Minimization is set-up: the summary's phases, message counts and list
  // builds describe the step loop only.
  const PhaseTimes times = times_;
  const CommStats stats = stats_;
  const long long builds = list_builds_;
  const double t0 = MPI_Wtime();
  minimize_fire(
      comm_, cfg_.minimize, cfg_.run.timestep, potential_energy_per_particle(), particles_, masses_, geom_,
      build_position_,
      [this](std::int64_t iteration, const StepMotion& moved) {
        if (rebuild_due(iteration, moved)) {
          migrate(moved);
          build_ghosts_and_list();
        } else {
          update_ghosts();
        }
        compute_forces(first_step_, true);
        reverse_forces();
        return potential_energy_per_particle();
      },
      cfg_.output.thermo_every);
  migrate(StepMotion{});
  start_trajectories_here(particles_);
  build_ghosts_and_list();
  compute_forces(first_step_, true);
  reverse_forces();
  draw_initial_velocities(comm_, cfg_, particles_);
  Kokkos::fence();
  times_ = times;
  stats_ = stats;
  list_builds_ = builds;
  runlog::say(fmt::format("strata: minimization took {:.4g} s", MPI_Wtime() - t0));
}

// Collective: the potential energy (pairs, walls, field, tail) per
// particle of the last force computation with sums.
double Simulation::potential_energy_per_particle() {
  double local = pair_sums_.energy, global = 0.0;
  MPI_Allreduce(&local, &global, 1, MPI_DOUBLE, MPI_SUM, comm_);
  return (global + energy_scale_ * tail_.energy) / static_cast<double>(cfg_.particles.count);
}

// --- Output ------------------------------------------------------------------

// Thermo rows (and the log line) at the thermo cadence and the last step;
// trajectory frames at multiples of trajectory_every, each with the thermo
// quantities of its own step under /observables, since readers such as
// MDAnalysis attach those to frames by index.
bool Simulation::thermo_due(std::int64_t step) const {
  return step % cfg_.output.thermo_every == 0 || step == last_step_;
}
// Frames only at multiples (the last state is final.h5), so a run cut short
// and resumed writes exactly the frames of an uninterrupted one.
bool Simulation::frame_due(std::int64_t step) const {
  return trajectory_ && step % cfg_.output.trajectory_every == 0;
}

void Simulation::record(std::int64_t step) {
  const bool row = thermo_due(step), frame = frame_due(step);
  if (!row && !frame) return;
  // The tail corrections (interaction.tail) cover the pairs beyond the
  // cutoff, scaled with the pairs by the amplitude ramp.
  const PairSums pairs{pair_sums_.energy, pair_sums_.virial};
  const PairSums tail{energy_scale_ * tail_.energy, energy_scale_ * tail_.virial};
  const ThermoRow t = measure_thermo(comm_, step, static_cast<double>(step) * cfg_.run.timestep, particles_, masses_,
                                     cfg_.system, pairs, tail, cfg_.particles.count);
  if (!all_finite({t.kinetic_energy, t.potential_energy, t.pressure}))
    stop_blown_up(comm_, step, particles_, build_position_, moved_limit(),
                  fmt::format("thermo: kinetic energy {}, potential energy {}, pressure {}", t.kinetic_energy,
                              t.potential_energy, t.pressure));
  if (row) {
    thermo_.write_row(t.values());
    monitor_.thermo(t, MPI_Wtime());
    runlog::gather(comm_);
  }
  if (frame) {
    trajectory_->write_frame(particles_, step, t.time, t.observables());
    if (rank_ == 0)
      write_xdmf((out_dir_ / "trajectory.xmf").string(), "trajectory.h5", cfg_.particles.count,
                 trajectory_->frames(), trajectory_->options());
  }
}

// Every rank writes its rows as they are (positions folded into the box on
// write); under forces the exact rows and list-build state go with them, so
// a restart on these ranks continues bitwise. Nothing is rebuilt here: a
// checkpoint never changes the run.
void Simulation::write_checkpoint_now(std::int64_t step) {
  const double t0 = MPI_Wtime();
  CheckpointMeta meta;
  meta.step = step;
  meta.time = static_cast<double>(step) * cfg_.run.timestep;
  meta.deck_text = cfg_.deck_text;
  meta.deck_path = cfg_.deck_path;
  meta.deck_overrides = cfg_.overrides;
  meta.seed = cfg_.run.seed;
  meta.slab_axis = cfg_.decomposition.axis;
  meta.grid = layout_.dims();
  meta.planes = all_planes(layout_);
  meta.box = cfg_.system.box;
  meta.boundary = cfg_.system.boundary;
  meta.code_version = STRATA_VERSION;
  meta.integrator["neighbor_builds"] = static_cast<double>(list_builds_);
  meta.integrator["last_build_step"] = static_cast<double>(last_build_step_);
  if (cfg_.decomposition.balance_every > 0) meta.integrator["balance_next"] = static_cast<double>(balance_next_);
  const ResumeRows resume{particles_.position, particles_.image, build_position_};
  try {
    const std::string path =
        write_checkpoint(comm_, out_dir_.string(), particles_, meta, static_cast<int>(cfg_.output.checkpoint_keep),
                         [](std::int64_t s) { fault_point("checkpoint", s); },  // tests only: a crash mid-write
                         forces_ ? &resume : nullptr);
    monitor_.checkpoint_written(path, step);
  } catch (const std::runtime_error& e) {
    // write_checkpoint fails on every rank alike; earlier checkpoints stand.
    throw CollectiveFailure(std::string("checkpoint at step ") + std::to_string(step) + " failed: " + e.what() +
                            write_failure_note(out_dir_.string(),
                                               static_cast<double>(cfg_.particles.count) * (forces_ ? 160.0 : 100.0)) +
                            "; earlier checkpoints are untouched");
  }
  stop_.checkpoint_took(MPI_Wtime() - t0);
}

// The command that continues this run, as the user can type it: the
// checkpoint holds the deck and its --set overrides.
std::string Simulation::resume_command() const {
  const std::string launch = ranks_ > 1 ? fmt::format("mpirun -np {} ", ranks_) : std::string();
  return launch + shell_word(options_.program) + " run --restart latest --output " + shell_word(out_dir_.string());
}

void Simulation::stop_early(std::int64_t step, int reason) {
  const std::int64_t every = cfg_.output.checkpoint_every;
  {
    PhaseTimer t(times_.output);
    if (every == 0 || step % every != 0) write_checkpoint_now(step);
  }
  if (trajectory_) trajectory_->close();
  const std::string dir = out_dir_.string();
  const std::string why = stop_.describe(reason), resume = resume_command();
  runlog::say(fmt::format("strata: {} at step {} of {}; checkpoint written to {}/checkpoints.", why, step, last_step_,
                          dir));
  runlog::say("strata: resume with: " + resume);
  monitor_.stopped(step, MPI_Wtime(), why, resume);
  runlog::gather(comm_);
}

// --- The run -----------------------------------------------------------------

bool Simulation::run() {
  checked_particle_counts(comm_, first_step_, particles_, cfg_.particles.count);
  if (particles_.size == 0)
    runlog::warn(fmt::format("owns no particles: its brick [{:.6g}, {:.6g}) x [{:.6g}, {:.6g}) x [{:.6g}, {:.6g}) is "
                             "empty (fewer ranks, or decomposition.balance_every, would use the machine better)",
                             layout_.lo(rank_, 0), layout_.hi(rank_, 0), layout_.lo(rank_, 1), layout_.hi(rank_, 1),
                             layout_.lo(rank_, 2), layout_.hi(rank_, 2)));
  set_up_forces();
  runlog::say(fmt::format("strata: {}{}{}{}, {} particles, {} rank{}, {}, steps {}..{}", integrator_->name(),
                          pairs_ ? " with " : "", pairs_ ? interaction_label(cfg_.interaction.kind) : "",
                          fmt::format("{}{}{}",
                                      pairs_ && cfg_.interaction.precision == PairPrecision::Mixed
                                          ? " (mixed precision)"
                                          : "",
                                      cfg_.walls.any() ? ", walls" : "", cfg_.field.any() ? ", a body force" : ""),
                          cfg_.particles.count, ranks_,
                          ranks_ == 1 ? "" : "s", grid_label(layout_), first_step_, last_step_));
  if (restarted_)
    runlog::say(fmt::format("strata: continuing from {} (step {}{})", options_.restart_path, first_step_,
                            resumed_exactly_ || !forces_ ? ", exactly" : "; lists rebuilt on a new layout"));
  else if (cfg_.minimize.on)
    minimize();  // a resumed run continues from the dynamics: never again
  if (const std::int64_t every = cfg_.decomposition.balance_every; every > 0 && balance_next_ == 0)
    balance_next_ = (first_step_ / every + 1) * every;
  imbalance_start_ = load_imbalance(comm_, static_cast<double>(particles_.size));
  times_.setup = MPI_Wtime() - t_start_;
  const double t_loop = MPI_Wtime();
  monitor_.loop_started(t_loop);
  // A resumed run's thermo.csv and trajectory.h5 already hold this step.
  if (!restarted_) {
    PhaseTimer t(times_.output);
    record(first_step_);
  }
  double step_started = MPI_Wtime();
  stop_at_step_boundaries();
  for (std::int64_t step = first_step_ + 1; step <= last_step_; ++step) {
    StepMotion moved = integrate_first(step);
    if (rebuild_due(step, moved)) {
      if (balance_due(step)) balance(step, moved);
      last_build_step_ = step;
      migrate(moved);
      build_ghosts_and_list();
    } else {
      update_ghosts();
    }
    compute_forces(step, thermo_due(step) || frame_due(step));
    reverse_forces();
    integrate_second(step);
    output(step);
    fault_point("step", step);
    const double now = MPI_Wtime();
    monitor_.bar(step, now);
    stop_.step_took(now - step_started);
    step_started = now;
    if (const int reason = stop_.decide(now); reason != 0 && step != last_step_) {
      stop_early(step, reason);
      return true;
    }
  }
  stop_agreed();  // the last step is done: finish the writes whatever arrives
  if (trajectory_) trajectory_->close();
  times_.loop = MPI_Wtime() - t_loop;

  // The final state: a checkpoint to continue from, and final.h5.
  const double t_final = MPI_Wtime();
  write_checkpoint_now(last_step_);
  const std::string final_path = (out_dir_ / "final.h5").string();
  H5mdFrameInfo info{last_step_, static_cast<double>(last_step_) * cfg_.run.timestep, cfg_.system.box,
                     cfg_.system.boundary};
  write_h5md_frame(comm_, final_path, particles_, info, STRATA_VERSION);
  times_.final = MPI_Wtime() - t_final;
  times_.output += times_.final;
  SummaryInputs in{out_dir_.string(), cfg_.particles.count, last_step_ - first_step_, forces_, list_builds_,
                   MPI_Wtime() - t_start_};
  in.balance_every = cfg_.decomposition.balance_every;
  in.dangerous_builds = cfg_.interaction.rebuild_check ? -1 : dangerous_builds_;
  in.balance_moves = balance_moves_;
  in.imbalance_start = imbalance_start_;
  in.imbalance_end = load_imbalance(comm_, static_cast<double>(particles_.size));
  write_run_summary(comm_, in, times_, stats_);
  monitor_.finished(t_loop + times_.loop, final_path);
  runlog::gather(comm_);
  return false;
}

}  // namespace

bool run_simulation(MPI_Comm comm, const Config& cfg, const RunOptions& options, RunMonitor& monitor) {
  std::unique_ptr<CheckpointMeta> meta;
  if (!options.restart_path.empty())
    meta = std::make_unique<CheckpointMeta>(read_checkpoint_meta(options.restart_path));
  Simulation sim(comm, cfg, options, monitor, meta.get());
  return sim.run();
}

}  // namespace strata
