#pragma once
// The typed, validated form of an input deck. Filled by load_deck() (Deck.hpp);
// everything downstream reads this struct, never the TOML.
// Units: reduced units throughout (length sigma, time tau, energy epsilon,
// mass m); k_B = 1, so temperature is an energy.
#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace strata {

enum class Boundary { Periodic, Reflecting };
enum class Placement { Uniform, SimpleCubic, Fcc, File };
enum class PropagatorKind { Ballistic, Brownian };
// Distribution of the unit-variance noise xi: uniform (the default of LAMMPS'
// fix brownian and of HOOMD-blue's BD, several times cheaper) or Gaussian.
enum class Noise { Uniform, Gaussian };

struct SystemConfig {
  std::array<double, 3> box{};                  // edge lengths; box spans [0, L) per axis
  std::array<Boundary, 3> boundary{Boundary::Periodic, Boundary::Periodic, Boundary::Periodic};
};

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
  double diffusion = 1.0;                       // D, brownian only: dx = sqrt(2 D dt) xi
  Noise noise = Noise::Uniform;                 // distribution of xi (zero mean, unit variance)
};

struct DecompositionConfig {
  int axis = 0;                                 // 0 = x, 1 = y, 2 = z: the axis the slabs cut
};

struct RunConfig {
  std::int64_t steps = 0;                       // step at which the run ends
  double timestep = 0.0;
  std::uint64_t seed = 1;
};

struct OutputConfig {
  std::string dir = "output";
  std::int64_t thermo_every = 100;
};

struct Config {
  std::string deck_path;                        // as given on the command line
  std::string deck_text;                        // the deck file's bytes (for provenance)
  SystemConfig system;
  ParticlesConfig particles;
  PropagatorConfig propagator;
  DecompositionConfig decomposition;
  RunConfig run;
  OutputConfig output;
  // Line in deck_path where each given key was set ("run.steps" -> 12); keys
  // from --set map to line 0. Lets later checks (decomposition, files) name
  // the key's line.
  std::map<std::string, int> key_lines;
};

}  // namespace strata
