#pragma once
// The typed, validated form of an input deck. Filled by load_deck() (Deck.hpp);
// everything downstream reads this struct, never the TOML.
// Units: reduced units throughout (length sigma, time tau, energy epsilon,
// mass m); k_B = 1, so temperature is an energy.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/Box.hpp"
#include "core/Noise.hpp"
#include "core/PairPrecision.hpp"

namespace strata {

enum class Placement { Uniform, SimpleCubic, Fcc, File };
// Ballistic and Brownian are free (or, with an interaction, Brownian moves
// under the forces too); Verlet is velocity-Verlet NVE; Langevin is
// velocity-Verlet with a Langevin thermostat (NVT).
enum class PropagatorKind { Ballistic, Brownian, Verlet, Langevin };
// Pair potentials (kernels/potentials/; docs/deck.md has the formulas).
enum class InteractionKind { None, LennardJones, Wca, Morse, Yukawa, Soft };
enum class Mixing { LorentzBerthelot, Geometric };
// The box and its boundaries (core/Box.hpp: every layer uses them).
using SystemConfig = SystemBox;

struct ParticlesConfig {
  std::int64_t count = 0;                       // total number of particles
  Placement placement = Placement::Uniform;
  std::string file;                             // H5MD file, placement == File
  double temperature = 0.0;                     // initial velocities ~ N(0, T/m), zero net momentum
  std::array<double, 3> drift{0.0, 0.0, 0.0};   // added to every initial velocity
  double mass = 1.0;
};

struct PropagatorConfig {
  PropagatorKind kind = PropagatorKind::Brownian;
  double temperature = 1.0;                     // thermostat / bath temperature (langevin; brownian with forces)
  double damping = 1.0;                         // langevin damping time tau_damp (friction m / tau_damp)
  double diffusion = 1.0;                       // D, brownian only: dx = sqrt(2 D dt) xi
  Noise noise = Noise::Uniform;                 // distribution of xi (zero mean, unit variance)
};

// Species: names, masses, per-species pair parameters used for mixing, and
// the composition of generated placements. Without a [species] table there
// is one species "A" with mass particles.mass, epsilon 1, sigma 1.
struct SpeciesConfig {
  std::vector<std::string> names{"A"};
  std::vector<double> mass{1.0};
  std::vector<double> epsilon{1.0};
  std::vector<double> sigma{1.0};
  std::vector<double> amplitude;                // yukawa and soft: A of each species; empty when not given
  std::vector<double> fraction{1.0};            // sums to 1
};

// An explicit pair, overriding mixing (e.g. Kob-Andersen A-B). Only the
// parameters of interaction.type are set (the deck checks which).
struct PairCoefficients {
  int a = 0, b = 0;                             // species indices
  double epsilon = 1.0, sigma = 1.0;            // lj, wca
  double cutoff = -1.0;                         // < 0: interaction.cutoff
  double d0 = 0.0, alpha = 0.0, r0 = 0.0;       // morse
  double amplitude = 0.0;                       // yukawa, soft
};

// Half lists compute each pair once and add the reaction to the partner
// (newton on); full lists compute each pair from both sides, so a particle
// sums only its own force: no atomics, deterministic on GPUs. Auto: half on
// CPU backends, full on GPU ones.
enum class NeighborListKind { Auto, Half, Full };

struct InteractionConfig {
  InteractionKind kind = InteractionKind::None;
  double cutoff = 2.5;                          // global cutoff in sigma (absolute length)
  double skin = 0.3;                            // neighbour-list skin
  bool shift = false;                           // shift each pair potential to zero at its cutoff
  Mixing mixing = Mixing::LorentzBerthelot;
  std::vector<PairCoefficients> pairs;          // explicit pairs; others are mixed
  bool tail = false;                            // lj: long-range corrections to energy and pressure
  double kappa = 0.0;                           // yukawa: inverse screening length (0 when not given)
  std::array<double, 2> amplitude_ramp{1.0, 1.0};  // energy factor at step 0 and at run.steps, linear between
  int rebuild_check_every = 1;                  // steps between displacement checks (LAMMPS neigh_modify check yes every N)
  bool rebuild_check = true;                    // false: rebuild every rebuild_check_every steps unchecked (check no)
  int rebuild_delay = 0;                        // no rebuild within this many steps of the last (LAMMPS delay)
  NeighborListKind neighbor_list = NeighborListKind::Auto;
  PairPrecision precision = PairPrecision::Double;  // of the pair arithmetic (kernels/PairPotential.hpp)
};

// Walls on faces of non-periodic axes (kernels/ExternalForces.hpp has the
// formulas): one type and one set of parameters for every face listed.
enum class WallType { LennardJones93, Harmonic };

struct WallsConfig {
  std::array<std::array<bool, 2>, 3> face{};    // [axis][0: lo, 1: hi]: a wall there
  WallType type = WallType::LennardJones93;
  double epsilon = 1.0;                         // energy scale
  double sigma = 1.0;                           // lj93 length scale
  double cutoff = 2.5;                          // range from the face
  bool any() const {
    for (const auto& a : face)
      if (a[0] || a[1]) return true;
    return false;
  }
};

// A constant body force on every particle: m_s gravity + force[s] for
// species s.
struct FieldConfig {
  std::array<double, 3> gravity{0.0, 0.0, 0.0};  // acceleration (LAMMPS fix gravity)
  std::vector<double> force;                     // 3 per species (LAMMPS fix addforce); empty when not given
  bool any() const {
    for (double g : gravity)
      if (g != 0.0) return true;
    for (double f : force)
      if (f != 0.0) return true;
    return false;
  }
};

// [minimize]: FIRE before the dynamics (src/Minimize.hpp), LAMMPS'
// `minimize etol ftol maxiter` with min_style fire and its defaults.
struct MinimizeConfig {
  bool on = false;              // a [minimize] section was given
  double etol = 0.0;            // relative change of the energy per particle between steps
  double ftol = 0.0;            // 2-norm of the global force vector (epsilon/sigma)
  std::int64_t max_steps = 0;   // FIRE iterations at most
  double dmax = 0.1;            // largest move of a particle along an axis in one iteration (sigma)
};

// Whether messages go to MPI as device pointers (decomposition/DeviceMpi.hpp):
// off = staged through host memory; auto = device pointers when the MPI
// library reads device memory; on = device pointers or an input error.
enum class GpuAwareMpi { Off, Auto, On };

// decomposition.grid: the rank grid (src/Plan.cpp chooses "auto").
enum class GridChoice { Auto, Slab, Explicit };

struct DecompositionConfig {
  int axis = 0;                                 // 0 = x, 1 = y, 2 = z: the axis the slabs cut
  GpuAwareMpi gpu_aware_mpi = GpuAwareMpi::Off;
  GridChoice grid = GridChoice::Auto;
  std::array<int, 3> grid_dims{1, 1, 1};        // GridChoice::Explicit: ranks along x, y, z
  std::int64_t balance_every = 0;               // steps between load-balancing checks; 0 = never
  double balance_threshold = 1.1;               // balance when max/mean load exceeds this
  bool balance_by_time = false;                 // load = measured compute seconds (else particles)
  double balance_damping = 0.5;                 // fraction of the way to the balanced planes per balance step
};

struct RunConfig {
  std::int64_t steps = 0;                       // step at which the run ends
  double timestep = 0.0;
  std::uint64_t seed = 1;
  std::string walltime = "none";                // "HH:MM:SS": stop (with a checkpoint) before this much wall time
  double walltime_seconds = 0.0;                // parsed from walltime by the driver; 0 = no limit
};

struct OutputConfig {
  std::string dir = "output";
  std::int64_t thermo_every = 100;
  std::int64_t checkpoint_every = 0;            // 0: only the checkpoint at the end of the run
  std::int64_t checkpoint_keep = 2;
  std::int64_t trajectory_every = 0;            // 0: no trajectory.h5
  std::vector<std::string> trajectory_fields{"image"};
  std::int64_t trajectory_deflate = 0;
};

struct Config {
  std::string deck_path;                        // as given on the command line
  std::string deck_text;                        // the deck file's bytes (for provenance)
  SystemConfig system;
  ParticlesConfig particles;
  PropagatorConfig propagator;
  SpeciesConfig species;
  InteractionConfig interaction;
  WallsConfig walls;
  FieldConfig field;
  MinimizeConfig minimize;
  DecompositionConfig decomposition;
  RunConfig run;
  OutputConfig output;
  // Line in deck_path where each given key was set ("run.steps" -> 12); keys
  // from --set map to line 0. Lets later checks (decomposition, files) name
  // the key's line.
  std::map<std::string, int> key_lines;
  // The --set overrides as given (with deck_text, what a checkpoint stores
  // so a restart can rebuild this Config without the deck file).
  std::vector<std::string> overrides;
  // Every key's effective value, given or default, in one canonical text
  // ("run.steps" -> "200"), for comparing two decks key by key.
  std::map<std::string, std::string> key_values;
};

}  // namespace strata
