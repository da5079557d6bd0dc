// Tests for the input-deck loader (src/Deck.cpp).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "src/Deck.hpp"

#ifndef STRATA_SOURCE_DIR
#error "STRATA_SOURCE_DIR must be defined (repository root, as a string literal)"
#endif

namespace strata {
namespace {

namespace fs = std::filesystem;

// The smallest valid deck; line numbers below refer to it.
const char* kMinimal =
    "[system]\n"                  // 1
    "box = [10.0, 20.0, 30.0]\n"  // 2
    "\n"                          // 3
    "[particles]\n"               // 4
    "count = 100\n"               // 5
    "\n"                          // 6
    "[propagator]\n"              // 7
    "type = \"brownian\"\n"       // 8
    "\n"                          // 9
    "[run]\n"                     // 10
    "steps = 50\n"                // 11
    "timestep = 0.01\n";          // 12

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
  return text;
}

class DeckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("strata_deck_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes `text` to dir_/name and returns the path.
  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  // Loads a deck expecting failure; returns the error.
  InputError fails(const std::string& text, const std::vector<std::string>& sets = {}) {
    const std::string path = write("deck.toml", text);
    try {
      load_deck(path, sets);
    } catch (const InputError& e) {
      return e;
    }
    ADD_FAILURE() << "deck loaded but should have failed:\n" << text;
    return InputError("", 0, "", "");
  }

  static std::string replace(std::string text, const std::string& from, const std::string& to) {
    const auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) text.replace(pos, from.size(), to);
    return text;
  }

  fs::path dir_;
};

TEST_F(DeckTest, DeckLoadsMinimalDeckWithValuesAndDefaults) {
  const std::string path = write("deck.toml", kMinimal);
  const Config c = load_deck(path);
  EXPECT_EQ(c.deck_path, path);
  EXPECT_EQ(c.deck_text, kMinimal);
  EXPECT_EQ(c.system.box, (std::array<double, 3>{10.0, 20.0, 30.0}));
  for (Boundary b : c.system.boundary) EXPECT_EQ(b, Boundary::Periodic);
  EXPECT_EQ(c.particles.count, 100);
  EXPECT_EQ(c.particles.placement, Placement::Uniform);
  EXPECT_TRUE(c.particles.file.empty());
  EXPECT_EQ(c.particles.temperature, 0.0);
  EXPECT_EQ(c.particles.drift, (std::array<double, 3>{0.0, 0.0, 0.0}));
  EXPECT_EQ(c.particles.mass, 1.0);
  EXPECT_EQ(c.propagator.kind, PropagatorKind::Brownian);
  EXPECT_EQ(c.propagator.diffusion, 1.0);
  EXPECT_EQ(c.propagator.noise, Noise::Uniform);
  EXPECT_EQ(c.decomposition.axis, 0);
  EXPECT_EQ(c.run.steps, 50);
  EXPECT_EQ(c.run.timestep, 0.01);
  EXPECT_EQ(c.run.seed, 1u);
  EXPECT_EQ(c.output.dir, "output");
  EXPECT_EQ(c.output.thermo_every, 100);
  // Lines of the keys the deck gave, and nothing for defaulted keys.
  EXPECT_EQ(c.key_lines.at("system.box"), 2);
  EXPECT_EQ(c.key_lines.at("particles.count"), 5);
  EXPECT_EQ(c.key_lines.at("run.timestep"), 12);
  EXPECT_EQ(c.key_lines.count("run.seed"), 0u);
  EXPECT_EQ(c.key_lines.size(), 5u);
}

TEST_F(DeckTest, DeckLoadsEveryKeyOfAFullDeck) {
  const std::string path = write("deck.toml",
                                 "[system]\n"
                                 "density = 0.125\n"
                                 "boundary = \"reflecting\"\n"
                                 "[particles]\n"
                                 "count = 1000\n"
                                 "placement = \"fcc\"\n"
                                 "temperature = 1.5\n"
                                 "drift = [0.5, -1, 2.0]\n"
                                 "mass = 2.0\n"
                                 "[species]\n"
                                 "names = [\"big\", \"small\"]\n"
                                 "epsilon = [1.0, 0.5]\n"
                                 "sigma = [1.0, 0.88]\n"
                                 "amplitude = [2.0, 3.0]\n"
                                 "fraction = [0.25, 0.75]\n"
                                 "[propagator]\n"
                                 "type = \"langevin\"\n"
                                 "temperature = 0.75\n"
                                 "damping = 2\n"
                                 "diffusion = 0.25\n"
                                 "noise = \"gaussian\"\n"
                                 "[interaction]\n"
                                 "type = \"lj\"\n"
                                 "cutoff = 3.0\n"
                                 "skin = 0.5\n"
                                 "shift = true\n"
                                 "mixing = \"geometric\"\n"
                                 "rebuild_check_every = 10\n"
                                 "rebuild_check = false\n"
                                 "rebuild_delay = 3\n"
                                 "neighbor_list = \"full\"\n"
                                 "precision = \"mixed\"\n"
                                 "pairs = [{ species = [\"small\", \"big\"], epsilon = 1.5, sigma = 0.8, cutoff = 2.0 },\n"
                                 "         { species = [\"small\", \"small\"], epsilon = 0.25, sigma = 0.9 }]\n"
                                 "tail = true\n"
                                 "amplitude_ramp = [0.5, 1.25]\n"
                                 "[walls]\n"
                                 "faces = [\"xlo\", \"zhi\"]\n"
                                 "type = \"lj93\"\n"
                                 "epsilon = 1.5\n"
                                 "sigma = 0.9\n"
                                 "cutoff = 2.0\n"
                                 "[field]\n"
                                 "gravity = [0.0, 0.0, -0.5]\n"
                                 "force = [0.125, 0.0, 0.0, 0.0, 0.25, 0.0]\n"
                                 "[minimize]\n"
                                 "etol = 1e-6\n"
                                 "ftol = 0.5\n"
                                 "max_steps = 300\n"
                                 "dmax = 0.05\n"
                                 "[decomposition]\n"
                                 "axis = \"z\"\n"
                                 "grid = [1, 1, 1]\n"
                                 "balance_every = 40\n"
                                 "balance_threshold = 1.25\n"
                                 "balance_by = \"time\"\n"
                                 "balance_damping = 0.75\n"
                                 "gpu_aware_mpi = \"auto\"\n"
                                 "[run]\n"
                                 "steps = 0\n"
                                 "timestep = 0.002\n"
                                 "seed = 9007199254740993\n"
                                 "walltime = \"01:30:00\"\n"
                                 "[output]\n"
                                 "dir = \"out/x\"\n"
                                 "thermo_every = 7\n"
                                 "checkpoint_every = 50\n"
                                 "checkpoint_keep = 3\n"
                                 "trajectory_every = 10\n"
                                 "trajectory_fields = [\"velocity\", \"id\"]\n"
                                 "trajectory_deflate = 4\n");
  const Config c = load_deck(path);
  // (1000 / 0.125)^(1/3) = 20
  for (double l : c.system.box) EXPECT_NEAR(l, 20.0, 1e-12);
  for (Boundary b : c.system.boundary) EXPECT_EQ(b, Boundary::Reflecting);
  EXPECT_EQ(c.particles.count, 1000);
  EXPECT_EQ(c.particles.placement, Placement::Fcc);
  EXPECT_EQ(c.particles.temperature, 1.5);
  EXPECT_EQ(c.particles.drift, (std::array<double, 3>{0.5, -1.0, 2.0}));
  EXPECT_EQ(c.particles.mass, 2.0);
  EXPECT_EQ(c.species.names, (std::vector<std::string>{"big", "small"}));
  EXPECT_EQ(c.species.mass, (std::vector<double>{2.0, 2.0}));  // particles.mass for every species
  EXPECT_EQ(c.species.epsilon, (std::vector<double>{1.0, 0.5}));
  EXPECT_EQ(c.species.sigma, (std::vector<double>{1.0, 0.88}));
  EXPECT_EQ(c.species.fraction, (std::vector<double>{0.25, 0.75}));
  EXPECT_EQ(c.species.amplitude, (std::vector<double>{2.0, 3.0}));  // unused by lj, but kept
  EXPECT_EQ(c.propagator.kind, PropagatorKind::Langevin);
  EXPECT_EQ(c.propagator.temperature, 0.75);
  EXPECT_EQ(c.propagator.damping, 2.0);
  EXPECT_EQ(c.propagator.diffusion, 0.25);
  EXPECT_EQ(c.propagator.noise, Noise::Gaussian);
  EXPECT_EQ(c.interaction.kind, InteractionKind::LennardJones);
  EXPECT_EQ(c.interaction.cutoff, 3.0);
  EXPECT_EQ(c.interaction.skin, 0.5);
  EXPECT_TRUE(c.interaction.shift);
  EXPECT_EQ(c.interaction.mixing, Mixing::Geometric);
  EXPECT_EQ(c.interaction.rebuild_check_every, 10);
  EXPECT_FALSE(c.interaction.rebuild_check);
  EXPECT_EQ(c.interaction.rebuild_delay, 3);
  EXPECT_EQ(c.interaction.neighbor_list, NeighborListKind::Full);
  EXPECT_EQ(c.interaction.precision, PairPrecision::Mixed);
  ASSERT_EQ(c.interaction.pairs.size(), 2u);
  // Species as indices into species.names, a <= b whatever the order given.
  EXPECT_EQ(c.interaction.pairs[0].a, 0);
  EXPECT_EQ(c.interaction.pairs[0].b, 1);
  EXPECT_EQ(c.interaction.pairs[0].epsilon, 1.5);
  EXPECT_EQ(c.interaction.pairs[0].sigma, 0.8);
  EXPECT_EQ(c.interaction.pairs[0].cutoff, 2.0);
  EXPECT_EQ(c.interaction.pairs[1].a, 1);
  EXPECT_EQ(c.interaction.pairs[1].b, 1);
  EXPECT_EQ(c.interaction.pairs[1].epsilon, 0.25);
  EXPECT_EQ(c.interaction.pairs[1].sigma, 0.9);
  EXPECT_LT(c.interaction.pairs[1].cutoff, 0.0);  // not given: the global cutoff
  EXPECT_TRUE(c.interaction.tail);
  EXPECT_EQ(c.interaction.amplitude_ramp, (std::array<double, 2>{0.5, 1.25}));
  EXPECT_TRUE(c.walls.face[0][0]);
  EXPECT_FALSE(c.walls.face[0][1]);
  EXPECT_TRUE(c.walls.face[2][1]);
  EXPECT_FALSE(c.walls.face[1][0] || c.walls.face[1][1] || c.walls.face[2][0]);
  EXPECT_EQ(c.walls.type, WallType::LennardJones93);
  EXPECT_EQ(c.walls.epsilon, 1.5);
  EXPECT_EQ(c.walls.sigma, 0.9);
  EXPECT_EQ(c.walls.cutoff, 2.0);
  EXPECT_EQ(c.field.gravity, (std::array<double, 3>{0.0, 0.0, -0.5}));
  EXPECT_EQ(c.field.force, (std::vector<double>{0.125, 0.0, 0.0, 0.0, 0.25, 0.0}));
  EXPECT_TRUE(c.minimize.on);
  EXPECT_EQ(c.minimize.etol, 1e-6);
  EXPECT_EQ(c.minimize.ftol, 0.5);
  EXPECT_EQ(c.minimize.max_steps, 300);
  EXPECT_EQ(c.minimize.dmax, 0.05);
  EXPECT_EQ(c.decomposition.axis, 2);
  EXPECT_EQ(c.decomposition.gpu_aware_mpi, GpuAwareMpi::Auto);
  EXPECT_EQ(c.decomposition.grid, GridChoice::Explicit);
  EXPECT_EQ(c.decomposition.grid_dims, (std::array<int, 3>{1, 1, 1}));
  EXPECT_EQ(c.decomposition.balance_every, 40);
  EXPECT_EQ(c.decomposition.balance_threshold, 1.25);
  EXPECT_TRUE(c.decomposition.balance_by_time);
  EXPECT_EQ(c.decomposition.balance_damping, 0.75);
  EXPECT_EQ(c.run.steps, 0);
  EXPECT_EQ(c.run.timestep, 0.002);
  EXPECT_EQ(c.run.seed, 9007199254740993ull);
  EXPECT_EQ(c.run.walltime, "01:30:00");  // not representable as a double: stored exactly
  EXPECT_EQ(c.output.dir, "out/x");
  EXPECT_EQ(c.output.thermo_every, 7);
  EXPECT_EQ(c.output.checkpoint_every, 50);
  EXPECT_EQ(c.output.checkpoint_keep, 3);
  EXPECT_EQ(c.output.trajectory_every, 10);
  EXPECT_EQ(c.output.trajectory_fields, (std::vector<std::string>{"velocity", "id"}));
  EXPECT_EQ(c.output.trajectory_deflate, 4);
  // All but box, file, species.mass and interaction.kappa (yukawa only).
  EXPECT_EQ(c.key_lines.size(), deck_keys().size() - 4);
}

TEST_F(DeckTest, DeckDefaultsOfSpeciesInteractionAndThermostatKeys) {
  const Config c = load_deck(write("deck.toml", replace(kMinimal, "count = 100", "count = 100\nmass = 3.0")));
  EXPECT_EQ(c.species.names, (std::vector<std::string>{"A"}));
  EXPECT_EQ(c.species.mass, (std::vector<double>{3.0}));  // particles.mass
  EXPECT_EQ(c.species.epsilon, (std::vector<double>{1.0}));
  EXPECT_EQ(c.species.sigma, (std::vector<double>{1.0}));
  EXPECT_EQ(c.species.fraction, (std::vector<double>{1.0}));
  EXPECT_EQ(c.propagator.temperature, 1.0);
  EXPECT_EQ(c.propagator.damping, 1.0);
  EXPECT_EQ(c.interaction.kind, InteractionKind::None);
  EXPECT_EQ(c.interaction.cutoff, 2.5);
  EXPECT_EQ(c.interaction.skin, 0.3);
  EXPECT_FALSE(c.interaction.shift);
  EXPECT_EQ(c.interaction.mixing, Mixing::LorentzBerthelot);
  EXPECT_EQ(c.interaction.rebuild_check_every, 1);
  EXPECT_EQ(c.interaction.precision, PairPrecision::Double);
  EXPECT_TRUE(c.interaction.pairs.empty());
  EXPECT_FALSE(c.interaction.tail);
  EXPECT_EQ(c.interaction.amplitude_ramp, (std::array<double, 2>{1.0, 1.0}));
  EXPECT_TRUE(c.species.amplitude.empty());  // no default amplitude

  // Several names: every per-species array defaults to one entry per name,
  // fractions to equal shares.
  const Config m = load_deck(write("m.toml", std::string(kMinimal) + "[species]\nnames = [\"A\", \"B\", \"C\", \"D\"]\n"));
  EXPECT_EQ(m.species.mass, (std::vector<double>(4, 1.0)));
  EXPECT_EQ(m.species.epsilon, (std::vector<double>(4, 1.0)));
  EXPECT_EQ(m.species.sigma, (std::vector<double>(4, 1.0)));
  EXPECT_EQ(m.species.fraction, (std::vector<double>(4, 0.25)));
}

// kMinimal plus a two-species [species] section from line 13 on.
const std::string kTwoSpecies = std::string(kMinimal) +
                                "[species]\n"              // 13
                                "names = [\"A\", \"B\"]\n";  // 14

TEST_F(DeckTest, DeckRejectsSpeciesArraysOfWrongLength) {
  for (const char* key : {"mass", "epsilon", "sigma", "fraction"}) {
    const InputError e = fails(kTwoSpecies + key + " = [1.0, 0.5, 0.5]\n");
    EXPECT_EQ(e.line(), 15) << key;
    EXPECT_EQ(e.problem(), std::string("key 'species.") + key + "' has 3 elements");
    EXPECT_NE(e.expected().find("an array of 2 floats"), std::string::npos) << e.expected();
    EXPECT_NE(e.expected().find("\"A\", \"B\""), std::string::npos) << e.expected();
  }
  // The length follows species.names even when names comes after the array.
  const InputError before = fails(std::string(kMinimal) + "[species]\nmass = [1.0]\nnames = [\"A\", \"B\"]\n");
  EXPECT_EQ(before.line(), 14);
  EXPECT_EQ(before.problem(), "key 'species.mass' has 1 element");
  // A one-species deck with two masses.
  const InputError one = fails(std::string(kMinimal) + "[species]\nmass = [1.0, 2.0]\n");
  EXPECT_EQ(one.problem(), "key 'species.mass' has 2 elements");
  EXPECT_NE(one.expected().find("an array of 1 float > 0"), std::string::npos) << one.expected();
}

TEST_F(DeckTest, DeckRejectsSpeciesValuesOutOfRange) {
  const InputError m = fails(kTwoSpecies + "mass = [1.0,\n 0.0]\n");
  EXPECT_EQ(m.line(), 16);  // the element's own line
  EXPECT_EQ(m.problem(), "element 2 of key 'species.mass' is 0.0");
  const InputError f = fails(kTwoSpecies + "fraction = [1.5, -0.5]\n");
  EXPECT_EQ(f.problem(), "element 2 of key 'species.fraction' is -0.5");
  const InputError s = fails(kTwoSpecies + "sigma = [1.0, \"big\"]\n");
  EXPECT_EQ(s.problem(), "element 2 of key 'species.sigma' is a string");
}

TEST_F(DeckTest, DeckRejectsFractionsNotSummingToOne) {
  const InputError e = fails(kTwoSpecies + "fraction = [0.8, 0.3]\n");
  EXPECT_EQ(e.line(), 15);
  EXPECT_EQ(e.problem(), "key 'species.fraction' sums to 1.1");
  EXPECT_NE(e.expected().find("sum to 1"), std::string::npos) << e.expected();
  // Within 1e-9 is accepted.
  const Config c = load_deck(write("ok.toml", kTwoSpecies + "fraction = [0.7, 0.3000000001]\n"));
  EXPECT_EQ(c.species.fraction[1], 0.3000000001);
}

TEST_F(DeckTest, DeckRejectsDuplicateOrEmptySpeciesName) {
  const InputError d = fails(std::string(kMinimal) + "[species]\nnames = [\"A\", \"B\",\n \"A\"]\n");
  EXPECT_EQ(d.line(), 15);  // the repeated element's line
  EXPECT_EQ(d.problem(), "element 3 of key 'species.names' is \"A\", as is element 1");
  const InputError e = fails(std::string(kMinimal) + "[species]\nnames = [\"A\", \"\"]\n");
  EXPECT_EQ(e.problem(), "element 2 of key 'species.names' is \"\"");
  const InputError none = fails(std::string(kMinimal) + "[species]\nnames = []\n");
  EXPECT_EQ(none.problem(), "key 'species.names' is empty");
  const InputError str = fails(std::string(kMinimal) + "[species]\nnames = \"A\"\n");
  EXPECT_EQ(str.problem(), "key 'species.names' is a string");
}

TEST_F(DeckTest, DeckRejectsSpeciesMassWithParticlesMass) {
  const std::string both = replace(kTwoSpecies, "count = 100", "count = 100\nmass = 2.0") + "mass = [1.0, 2.0]\n";
  const InputError e = fails(both);
  EXPECT_EQ(e.line(), 16);  // the later of the two
  EXPECT_EQ(e.problem(), "keys 'particles.mass' and 'species.mass' are both set");
  // A --set of one replaces the deck's other.
  const std::string path = write("both.toml", kTwoSpecies + "mass = [1.0, 2.0]\n");
  const Config p = load_deck(path, {"particles.mass=3"});
  EXPECT_EQ(p.species.mass, (std::vector<double>{3.0, 3.0}));
  EXPECT_EQ(p.key_lines.count("species.mass"), 0u);
  const std::string pm = write("pm.toml", replace(kTwoSpecies, "count = 100", "count = 100\nmass = 2.0"));
  const Config s = load_deck(pm, {"species.mass=[4, 5]"});
  EXPECT_EQ(s.species.mass, (std::vector<double>{4.0, 5.0}));
  EXPECT_EQ(s.particles.mass, 1.0);  // the deck's 2.0 is replaced, back to the default
  EXPECT_EQ(s.key_lines.count("particles.mass"), 0u);
}

// kTwoSpecies with an lj [interaction] from line 15 on; pairs start at line 17.
const std::string kPairs = replace_all(kTwoSpecies, "type = \"brownian\"", "type = \"verlet\"") +
                           "[interaction]\n"  // 15
                           "type = \"lj\"\n"  // 16
                           "pairs = [\n";     // 17

TEST_F(DeckTest, DeckRejectsPairNamingUnknownSpeciesAtItsLine) {
  const InputError e = fails(kPairs +
                             "  { species = [\"A\", \"B\"], epsilon = 1.5, sigma = 0.8 },\n"  // 18
                             "  { species = [\"B\", \"C\"], epsilon = 1.0, sigma = 1.0 },\n"  // 19
                             "]\n");
  EXPECT_EQ(e.where(), (dir_ / "deck.toml").string());
  EXPECT_EQ(e.line(), 19);
  EXPECT_EQ(e.problem(), "element 2 of key 'interaction.pairs' names species \"C\", which is not in species.names");
  EXPECT_EQ(e.expected(), "one of the species.names: \"A\", \"B\"");
}

TEST_F(DeckTest, DeckRejectsDuplicatePairInEitherOrder) {
  const InputError e = fails(kPairs +
                             "  { species = [\"A\", \"B\"], epsilon = 1.5, sigma = 0.8 },\n"  // 18
                             "  { species = [\"A\", \"A\"], epsilon = 1.0, sigma = 1.0 },\n"  // 19
                             "  { species = [\"B\", \"A\"], epsilon = 1.0, sigma = 1.0 },\n"  // 20
                             "]\n");
  EXPECT_EQ(e.line(), 20);
  EXPECT_EQ(e.problem(), "element 3 of key 'interaction.pairs' repeats the pair (\"B\", \"A\") of element 1");
  const InputError same = fails(kPairs +
                                "  { species = [\"A\", \"A\"], epsilon = 1.5, sigma = 0.8 },\n"
                                "  { species = [\"A\", \"A\"], epsilon = 1.0, sigma = 1.0 },\n"
                                "]\n");
  EXPECT_EQ(same.line(), 19);
  EXPECT_EQ(same.problem(), "element 2 of key 'interaction.pairs' repeats the pair (\"A\", \"A\") of element 1");
}

TEST_F(DeckTest, DeckRejectsMalformedPairElement) {
  const InputError unknown = fails(kPairs + "  { species = [\"A\", \"B\"], epsilon = 1.5, sigma = 0.8, cutof = 2 },\n]\n");
  EXPECT_EQ(unknown.line(), 18);
  EXPECT_EQ(unknown.problem(), "element 1 of key 'interaction.pairs' has unknown key 'cutof'; did you mean 'cutoff'?");
  const InputError missing = fails(kPairs + "  { species = [\"A\", \"B\"], epsilon = 1.5 },\n]\n");
  EXPECT_EQ(missing.line(), 18);
  EXPECT_EQ(missing.problem(), "element 1 of key 'interaction.pairs' has no key 'sigma'");
  const InputError three = fails(kPairs + "  { species = [\"A\", \"B\", \"A\"], epsilon = 1.5, sigma = 0.8 },\n]\n");
  EXPECT_EQ(three.problem(), "key 'species' of element 1 of key 'interaction.pairs' has 3 elements");
  const InputError neg = fails(kPairs + "  { species = [\"A\", \"B\"], epsilon = 1.5, sigma = 0.8, cutoff = -2 },\n]\n");
  EXPECT_EQ(neg.line(), 18);
  EXPECT_EQ(neg.problem(), "key 'cutoff' of element 1 of key 'interaction.pairs' is -2.0");
  EXPECT_EQ(neg.expected(), "a float > 0");
  const InputError scalar = fails(kPairs + "  1.5,\n]\n");
  EXPECT_EQ(scalar.problem(), "element 1 of key 'interaction.pairs' is a float");
}

// kTwoSpecies with verlet and an [interaction] from line 15 on.
std::string with_interaction(const std::string& species_lines, const std::string& interaction_lines) {
  return replace_all(kTwoSpecies, "type = \"brownian\"", "type = \"verlet\"") + species_lines +
         "[interaction]\n" + interaction_lines;
}

TEST_F(DeckTest, DeckLoadsTheParametersOfEveryPotential) {
  const Config morse = load_deck(write("morse.toml", with_interaction("", "type = \"morse\"\n"
      "pairs = [{ species = [\"A\", \"A\"], d0 = 1.5, alpha = 3, r0 = 1.1, cutoff = 2.2 },\n"
      "         { species = [\"B\", \"A\"], d0 = 1.0, alpha = 2.5, r0 = 1.2 },\n"
      "         { species = [\"B\", \"B\"], d0 = 0.5, alpha = 2.0, r0 = 1.3 }]\n")));
  EXPECT_EQ(morse.interaction.kind, InteractionKind::Morse);
  ASSERT_EQ(morse.interaction.pairs.size(), 3u);
  EXPECT_EQ(morse.interaction.pairs[0].d0, 1.5);
  EXPECT_EQ(morse.interaction.pairs[0].alpha, 3.0);
  EXPECT_EQ(morse.interaction.pairs[0].r0, 1.1);
  EXPECT_EQ(morse.interaction.pairs[0].cutoff, 2.2);
  EXPECT_EQ(morse.interaction.pairs[1].a, 0);
  EXPECT_EQ(morse.interaction.pairs[1].b, 1);
  EXPECT_EQ(morse.interaction.pairs[1].r0, 1.2);

  const Config yukawa = load_deck(write("yukawa.toml", with_interaction("amplitude = [2.0, 8.0]\n",
      "type = \"yukawa\"\nkappa = 1.5\npairs = [{ species = [\"A\", \"B\"], amplitude = 3.5 }]\n")));
  EXPECT_EQ(yukawa.interaction.kind, InteractionKind::Yukawa);
  EXPECT_EQ(yukawa.interaction.kappa, 1.5);
  EXPECT_EQ(yukawa.species.amplitude, (std::vector<double>{2.0, 8.0}));
  EXPECT_EQ(yukawa.interaction.pairs[0].amplitude, 3.5);

  // Every pair explicit: no species.amplitude needed.
  const Config soft = load_deck(write("soft.toml", with_interaction("", "type = \"soft\"\n"
      "amplitude_ramp = [0, 1]\n"
      "pairs = [{ species = [\"A\", \"A\"], amplitude = 20 }, { species = [\"A\", \"B\"], amplitude = 10 },\n"
      "         { species = [\"B\", \"B\"], amplitude = 5, cutoff = 1.5 }]\n")));
  EXPECT_EQ(soft.interaction.kind, InteractionKind::Soft);
  EXPECT_EQ(soft.interaction.amplitude_ramp, (std::array<double, 2>{0.0, 1.0}));
  EXPECT_EQ(soft.interaction.pairs[2].cutoff, 1.5);

  const Config wca = load_deck(write("wca.toml", with_interaction("sigma = [1.0, 1.2]\n", "type = \"wca\"\n")));
  EXPECT_EQ(wca.interaction.kind, InteractionKind::Wca);
  EXPECT_TRUE(wca.interaction.shift);  // always

  const Config tail = load_deck(write("tail.toml", with_interaction("", "type = \"lj\"\ntail = true\n")));
  EXPECT_TRUE(tail.interaction.tail);
}

// Unknown potentials, missing parameters and parameters of the wrong sign or
// of another potential: one error naming the key and its line.
TEST_F(DeckTest, DeckRejectsBadPotentialParametersNamingTheKey) {
  struct Case {
    std::string species, interaction;
    int line;
    std::string problem;
  };
  const std::vector<Case> cases = {
      {"", "type = \"yukowa\"\n", 16, "key 'interaction.type' is \"yukowa\"; did you mean \"yukawa\"?"},
      {"amplitude = [1.0, 2.0]\n", "type = \"yukawa\"\n", 17, "missing required key 'interaction.kappa'"},
      {"amplitude = [1.0, 2.0]\n", "type = \"yukawa\"\nkappa = -1.0\n", 18, "key 'interaction.kappa' is -1.0"},
      {"amplitude = [1.0, -2.0]\n", "type = \"soft\"\n", 15, "element 2 of key 'species.amplitude' is -2.0"},
      {"", "type = \"soft\"\n", 16,
       "missing key 'species.amplitude': interaction.type = \"soft\" has no amplitude for the species pair (\"A\", "
       "\"A\")"},
      {"", "type = \"morse\"\npairs = [{ species = [\"A\", \"A\"], d0 = 1.0, r0 = 1.0 }]\n", 17,
       "element 1 of key 'interaction.pairs' has no key 'alpha'"},
      {"", "type = \"morse\"\npairs = [{ species = [\"A\", \"A\"], d0 = -1.0, alpha = 2, r0 = 1.0 }]\n", 17,
       "key 'd0' of element 1 of key 'interaction.pairs' is -1.0"},
      {"", "type = \"morse\"\npairs = [{ species = [\"A\", \"A\"], d0 = 1.0, alpha = 2, r0 = 1.0 },\n"
       "{ species = [\"A\", \"B\"], d0 = 1.0, alpha = 2, r0 = 1.0 }]\n", 17,
       "key 'interaction.pairs' has no element for the species pair (\"B\", \"B\"), and Morse parameters do not mix"},
      {"", "type = \"morse\"\npairs = [{ species = [\"A\", \"A\"], epsilon = 1.0, sigma = 1.0 }]\n", 17,
       "element 1 of key 'interaction.pairs' has key 'epsilon', which interaction.type = \"morse\" does not use"},
      {"", "type = \"wca\"\ncutoff = 2.5\n", 17,
       "key 'interaction.cutoff' is set, but interaction.type = \"wca\" is always cut at 2^(1/6) sigma_ij and "
       "shifted to zero there"},
      {"", "type = \"wca\"\nshift = false\n", 17,
       "key 'interaction.shift' is set, but interaction.type = \"wca\" is always cut at 2^(1/6) sigma_ij and "
       "shifted to zero there"},
      {"", "type = \"wca\"\npairs = [{ species = [\"A\", \"B\"], epsilon = 1, sigma = 1, cutoff = 2 }]\n", 17,
       "element 1 of key 'interaction.pairs' has key 'cutoff', which interaction.type = \"wca\" does not use"},
      {"", "type = \"wca\"\ntail = true\n", 17,
       "key 'interaction.tail' is true, but tail corrections are for interaction.type = \"lj\" only"},
      {"", "type = \"lj\"\nkappa = 1.0\n", 17,
       "key 'interaction.kappa' is set, but only interaction.type = \"yukawa\" uses it"},
      {"", "type = \"lj\"\namplitude_ramp = [0.0, 0.5, 1.0]\n", 17,
       "key 'interaction.amplitude_ramp' has 3 elements"},
      {"", "type = \"lj\"\namplitude_ramp = [-0.5, 1.0]\n", 17,
       "element 1 of key 'interaction.amplitude_ramp' is -0.5"},
      {"", "amplitude_ramp = [0.5, 1.0]\n", 16,
       "key 'interaction.amplitude_ramp' is set, but interaction.type is \"none\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.interaction);
    const InputError e = fails(with_interaction(c.species, c.interaction));
    EXPECT_EQ(e.line(), c.line);
    EXPECT_EQ(e.problem(), c.problem);
    EXPECT_FALSE(e.expected().empty());
  }
}

TEST_F(DeckTest, DeckAcceptsPairsAsArrayOfTables) {
  const std::string text = replace_all(kTwoSpecies, "type = \"brownian\"", "type = \"verlet\"") +
                           "[interaction]\n"
                           "type = \"lj\"\n"
                           "[[interaction.pairs]]\n"
                           "species = [\"B\", \"B\"]\n"
                           "epsilon = 0.5\n"
                           "sigma = 0.88\n";
  const Config c = load_deck(write("deck.toml", text));
  ASSERT_EQ(c.interaction.pairs.size(), 1u);
  EXPECT_EQ(c.interaction.pairs[0].a, 1);
  EXPECT_EQ(c.interaction.pairs[0].b, 1);
  EXPECT_EQ(c.interaction.pairs[0].sigma, 0.88);
}

TEST_F(DeckTest, DeckRejectsNonBooleanForBoolKey) {
  const std::pair<const char*, const char*> cases[] = {{"1", "an integer"}, {"\"true\"", "a string"},
                                                       {"1.0", "a float"}, {"[true]", "an array"}};
  for (const auto& [value, type] : cases) {
    const InputError e = fails(std::string(kMinimal) + "[interaction]\nshift = " + value + "\n");
    EXPECT_EQ(e.line(), 14) << value;
    EXPECT_EQ(e.problem(), std::string("key 'interaction.shift' is ") + type);
    EXPECT_EQ(e.expected(), "true or false");
  }
  const InputError set = fails(kMinimal, {"interaction.shift=0"});
  EXPECT_EQ(set.where(), "--set interaction.shift=0");
  EXPECT_EQ(set.problem(), "key 'interaction.shift' is an integer");
}

TEST_F(DeckTest, DeckSetOfBoolAndArrayKeys) {
  const std::string path = write("deck.toml", kTwoSpecies + "[interaction]\nshift = true\n");
  const Config c = load_deck(path, {"interaction.shift=false", "species.fraction=[0.5,0.5]",
                                    "species.names=[\"X\", \"Y\", \"Z\"]", "species.fraction=[0.5, 0.25, 0.25]",
                                    "propagator.type=\"verlet\"", "interaction.type=\"lj\"",
                                    "interaction.pairs=[{ species = [\"Z\", \"X\"], epsilon = 2, sigma = 0.5 }]"});
  EXPECT_FALSE(c.interaction.shift);
  EXPECT_EQ(c.species.names, (std::vector<std::string>{"X", "Y", "Z"}));
  EXPECT_EQ(c.species.fraction, (std::vector<double>{0.5, 0.25, 0.25}));  // the last --set wins
  ASSERT_EQ(c.interaction.pairs.size(), 1u);
  EXPECT_EQ(c.interaction.pairs[0].a, 0);
  EXPECT_EQ(c.interaction.pairs[0].b, 2);
  EXPECT_EQ(c.interaction.pairs[0].epsilon, 2.0);
  EXPECT_EQ(c.key_lines.at("interaction.shift"), 0);
  EXPECT_TRUE(load_deck(write("m.toml", kMinimal), {"interaction.shift=true"}).interaction.shift);

  const InputError len = fails(kTwoSpecies, {"species.fraction=[1.0]"});
  EXPECT_EQ(len.where(), "--set species.fraction=[1.0]");
  EXPECT_EQ(len.line(), 0);
  EXPECT_EQ(len.problem(), "key 'species.fraction' has 1 element");
  const InputError pair = fails(kTwoSpecies, {"interaction.pairs=[{ species = [\"A\", \"Q\"], epsilon = 1, sigma = 1 }]"});
  EXPECT_EQ(pair.line(), 0);
  EXPECT_NE(pair.problem().find("\"Q\""), std::string::npos) << pair.problem();
}

TEST_F(DeckTest, DeckRejectsInteractionWithBallisticPropagator) {
  const std::string text = replace(kMinimal, "type = \"brownian\"", "type = \"ballistic\"") +
                           "[interaction]\n"  // 13
                           "type = \"lj\"\n";  // 14
  const InputError e = fails(text);
  EXPECT_EQ(e.line(), 14);
  EXPECT_NE(e.problem().find("interaction.type"), std::string::npos) << e.problem();
  EXPECT_NE(e.problem().find("ballistic"), std::string::npos) << e.problem();
  EXPECT_NE(e.problem().find("use \"verlet\""), std::string::npos) << e.problem();
  // A --set that makes the clash is the one named.
  const InputError set = fails(std::string(kMinimal) + "[interaction]\ntype = \"lj\"\n", {"propagator.type=\"ballistic\""});
  EXPECT_EQ(set.where(), "--set propagator.type=\"ballistic\"");
  EXPECT_NE(set.problem().find("key 'propagator.type' is \"ballistic\""), std::string::npos) << set.problem();
  // Every other propagator takes forces; verlet and langevin also run without any.
  for (const char* t : {"brownian", "verlet", "langevin"}) {
    EXPECT_NO_THROW(load_deck(write("ok.toml", std::string(kMinimal) + "[interaction]\ntype = \"lj\"\n"),
                              {std::string("propagator.type=\"") + t + "\""}))
        << t;
    EXPECT_NO_THROW(load_deck(write("free.toml", kMinimal), {std::string("propagator.type=\"") + t + "\""})) << t;
  }
}

TEST_F(DeckTest, DeckRejectsTypoAndSuggestsClosestKey) {
  const std::string text = replace(kMinimal, "steps = 50", "stpes = 50");
  const InputError e = fails(text);
  EXPECT_EQ(e.where(), (dir_ / "deck.toml").string());
  EXPECT_EQ(e.line(), 11);
  EXPECT_EQ(e.problem(), "unknown key 'run.stpes'; did you mean 'run.steps'?");
  const std::string msg = e.what();
  EXPECT_NE(msg.find((dir_ / "deck.toml").string() + ":11: unknown key 'run.stpes'"), std::string::npos) << msg;
}

TEST_F(DeckTest, DeckSuggestsKeyFromAnotherSection) {
  const InputError e = fails(std::string(kMinimal) + "diffusion = 2.0\n");  // lands in [run]
  EXPECT_EQ(e.line(), 13);
  EXPECT_EQ(e.problem(), "unknown key 'run.diffusion'; did you mean 'propagator.diffusion'?");
}

TEST_F(DeckTest, DeckRejectsUnknownKeyWithoutSuggestionWhenNothingIsClose) {
  const InputError e = fails(std::string(kMinimal) + "frobnicate = 2\n");
  EXPECT_EQ(e.line(), 13);
  EXPECT_EQ(e.problem(), "unknown key 'run.frobnicate'");
  EXPECT_NE(e.expected().find("steps, timestep, seed"), std::string::npos) << e.expected();
}

TEST_F(DeckTest, DeckRejectsUnknownSectionAndSuggestsClosest) {
  const InputError e = fails(std::string(kMinimal) + "\n[outptu]\ndir = \"x\"\n");
  EXPECT_EQ(e.line(), 14);
  EXPECT_EQ(e.problem(), "unknown section '[outptu]'; did you mean '[output]'?");
}

TEST_F(DeckTest, DeckRejectsTopLevelKeyAndSuggestsItsSection) {
  const InputError e = fails("steps = 5\n" + std::string(kMinimal));
  EXPECT_EQ(e.line(), 1);
  EXPECT_EQ(e.problem(), "unknown key 'steps'; did you mean 'run.steps'?");
}

TEST_F(DeckTest, DeckRejectsSectionGivenAsValue) {
  const InputError e = fails("output = 5\n" + std::string(kMinimal));
  EXPECT_EQ(e.line(), 1);
  EXPECT_EQ(e.problem(), "key 'output' is an integer");
}

TEST_F(DeckTest, DeckReportsFirstProblemInFileOrder) {
  std::string text = replace(kMinimal, "count = 100", "count = \"many\"");
  text = replace(text, "steps = 50", "stpes = 50");
  EXPECT_EQ(fails(text).line(), 5);
}

TEST_F(DeckTest, DeckRejectsWrongTypeNamingKeyAndLine) {
  const InputError e = fails(replace(kMinimal, "steps = 50", "steps = \"50\""));
  EXPECT_EQ(e.line(), 11);
  EXPECT_EQ(e.problem(), "key 'run.steps' is a string");
  EXPECT_EQ(e.expected(), "an integer >= 0");
  const InputError b = fails(replace(kMinimal, "type = \"brownian\"", "type = true"));
  EXPECT_EQ(b.line(), 8);
  EXPECT_EQ(b.problem(), "key 'propagator.type' is a boolean");
}

TEST_F(DeckTest, DeckAcceptsIntegerForFloatButNotFloatForInteger) {
  const Config c = load_deck(write("deck.toml", replace(kMinimal, "timestep = 0.01", "timestep = 1")));
  EXPECT_EQ(c.run.timestep, 1.0);
  const InputError e = fails(replace(kMinimal, "steps = 50", "steps = 50.0"));
  EXPECT_EQ(e.line(), 11);
  EXPECT_EQ(e.problem(), "key 'run.steps' is a float");
}

TEST_F(DeckTest, DeckRejectsOutOfRangeValues) {
  const InputError t = fails(replace(kMinimal, "timestep = 0.01", "timestep = -0.5"));
  EXPECT_EQ(t.line(), 12);
  EXPECT_EQ(t.problem(), "key 'run.timestep' is -0.5");
  EXPECT_EQ(t.expected(), "a float > 0");

  const InputError z = fails(replace(kMinimal, "timestep = 0.01", "timestep = 0"));
  EXPECT_EQ(z.problem(), "key 'run.timestep' is 0.0");

  const InputError n = fails(replace(kMinimal, "count = 100", "count = 0"));
  EXPECT_EQ(n.line(), 5);
  EXPECT_EQ(n.problem(), "key 'particles.count' is 0");
  EXPECT_EQ(n.expected(), "an integer >= 1");

  const InputError inf = fails(replace(kMinimal, "timestep = 0.01", "timestep = inf"));
  EXPECT_EQ(inf.problem(), "key 'run.timestep' is inf");

  const InputError seed = fails(std::string(kMinimal) + "seed = -1\n");
  EXPECT_EQ(seed.line(), 13);
  EXPECT_EQ(seed.problem(), "key 'run.seed' is -1");
}

TEST_F(DeckTest, DeckRejectsBadEnumAndSuggestsClosestValue) {
  const InputError e = fails(replace(kMinimal, "type = \"brownian\"", "type = \"brownain\""));
  EXPECT_EQ(e.line(), 8);
  EXPECT_EQ(e.problem(), "key 'propagator.type' is \"brownain\"; did you mean \"brownian\"?");
  EXPECT_EQ(e.expected(), "one of \"ballistic\", \"brownian\", \"verlet\", \"langevin\"");
  const InputError far = fails(replace(kMinimal, "type = \"brownian\"", "type = \"leapfrog\""));
  EXPECT_EQ(far.problem(), "key 'propagator.type' is \"leapfrog\"");
  const InputError mix = fails(std::string(kMinimal) + "[interaction]\nmixing = \"lorentz-bertelot\"\n");
  EXPECT_EQ(mix.problem(), "key 'interaction.mixing' is \"lorentz-bertelot\"; did you mean \"lorentz-berthelot\"?");
}

TEST_F(DeckTest, DeckRejectsMissingRequiredKey) {
  const InputError e = fails(replace(kMinimal, "timestep = 0.01\n", ""));
  EXPECT_EQ(e.where(), (dir_ / "deck.toml").string());
  EXPECT_EQ(e.line(), 10);  // the [run] header
  EXPECT_EQ(e.problem(), "missing required key 'run.timestep'");
  EXPECT_EQ(e.expected(), "a float > 0 (time step in tau)");

  const InputError s = fails(replace(kMinimal, "[propagator]\ntype = \"brownian\"\n", ""));
  EXPECT_EQ(s.line(), 0);  // no [propagator] section at all
  EXPECT_EQ(s.problem(), "missing required key 'propagator.type'");

  const InputError n = fails(replace(kMinimal, "count = 100\n", ""));
  EXPECT_EQ(n.line(), 4);
  EXPECT_EQ(n.problem(), "missing required key 'particles.count'");
}

TEST_F(DeckTest, DeckRequiresExactlyOneOfBoxAndDensity) {
  const InputError both = fails(replace(kMinimal, "box = [10.0, 20.0, 30.0]\n", "box = [10.0, 20.0, 30.0]\ndensity = 0.5\n"));
  EXPECT_EQ(both.line(), 3);
  EXPECT_EQ(both.problem(), "keys 'system.box' and 'system.density' are both set");

  const InputError neither = fails(replace(kMinimal, "box = [10.0, 20.0, 30.0]\n", ""));
  EXPECT_EQ(neither.line(), 1);
  EXPECT_EQ(neither.problem(), "missing required key 'system.box' or 'system.density'");
}

TEST_F(DeckTest, DeckSetOfBoxOrDensityReplacesTheDecksOther) {
  const std::string path = write("deck.toml", kMinimal);
  const Config d = load_deck(path, {"system.density=0.1"});  // deck has box
  for (double l : d.system.box) EXPECT_NEAR(l, 10.0, 1e-12);  // (100 / 0.1)^(1/3)
  EXPECT_EQ(d.key_lines.count("system.box"), 0u);
  EXPECT_EQ(d.key_lines.at("system.density"), 0);

  const std::string dens = write("dens.toml", replace(kMinimal, "box = [10.0, 20.0, 30.0]", "density = 0.1"));
  EXPECT_EQ(load_deck(dens, {"system.box=[4, 5, 6]"}).system.box, (std::array<double, 3>{4.0, 5.0, 6.0}));

  const InputError both = fails(kMinimal, {"system.box=[4, 5, 6]", "system.density=0.1"});
  EXPECT_EQ(both.problem(), "keys 'system.box' and 'system.density' are both set");
}

TEST_F(DeckTest, DeckRejectsArraysOfWrongLengthOrElementType) {
  const InputError len = fails(replace(kMinimal, "box = [10.0, 20.0, 30.0]", "box = [10.0, 20.0]"));
  EXPECT_EQ(len.line(), 2);
  EXPECT_EQ(len.problem(), "key 'system.box' has 2 elements");
  EXPECT_EQ(len.expected(), "an array of 3 floats > 0");

  const InputError elem = fails(replace(kMinimal, "box = [10.0, 20.0, 30.0]", "box = [10.0, \"20\", 30.0]"));
  EXPECT_EQ(elem.line(), 2);
  EXPECT_EQ(elem.problem(), "element 2 of key 'system.box' is a string");

  const InputError neg = fails(replace(kMinimal, "box = [10.0, 20.0, 30.0]", "box = [10.0, 20.0,\n -30.0]"));
  EXPECT_EQ(neg.line(), 3);  // the element's own line
  EXPECT_EQ(neg.problem(), "element 3 of key 'system.box' is -30.0");

  const InputError scalar = fails(replace(kMinimal, "box = [10.0, 20.0, 30.0]", "box = 10.0"));
  EXPECT_EQ(scalar.problem(), "key 'system.box' is a float");
}

TEST_F(DeckTest, DeckAcceptsBoundaryAsStringOrArray) {
  const Config one = load_deck(write("a.toml", replace(kMinimal, "[particles]", "boundary = \"reflecting\"\n[particles]")));
  for (Boundary b : one.system.boundary) EXPECT_EQ(b, Boundary::Reflecting);

  const Config three = load_deck(
      write("b.toml", replace(kMinimal, "[particles]", "boundary = [\"reflecting\", \"periodic\", \"reflecting\"]\n[particles]")));
  EXPECT_EQ(three.system.boundary,
            (std::array<Boundary, 3>{Boundary::Reflecting, Boundary::Periodic, Boundary::Reflecting}));

  const InputError bad = fails(replace(kMinimal, "[particles]", "boundary = [\"periodic\", \"periodc\", \"periodic\"]\n[particles]"));
  EXPECT_EQ(bad.line(), 4);
  EXPECT_EQ(bad.problem(), "element 2 of key 'system.boundary' is \"periodc\"; did you mean \"periodic\"?");

  const InputError two = fails(replace(kMinimal, "[particles]", "boundary = [\"periodic\", \"periodic\"]\n[particles]"));
  EXPECT_EQ(two.problem(), "key 'system.boundary' has 2 elements");
}

TEST_F(DeckTest, DeckSetOverridesAddsKeysAndCreatesSections) {
  const std::string path = write("deck.toml", kMinimal);
  const Config c = load_deck(path, {"run.steps=200", "particles.placement=\"fcc\"", " system.box = [1, 2.5, 3] ",
                                    "output.thermo_every=5", "run.steps=300"});
  EXPECT_EQ(c.run.steps, 300);  // the last --set of a key wins
  EXPECT_EQ(c.particles.placement, Placement::Fcc);
  EXPECT_EQ(c.system.box, (std::array<double, 3>{1.0, 2.5, 3.0}));
  EXPECT_EQ(c.output.thermo_every, 5);  // [output] is not in the deck
  EXPECT_EQ(c.key_lines.at("run.steps"), 0);
  EXPECT_EQ(c.key_lines.at("output.thermo_every"), 0);
  EXPECT_EQ(c.key_lines.at("run.timestep"), 12);
  EXPECT_EQ(c.deck_text, kMinimal);

  // An override hides a bad deck value, and supplies a missing required one.
  const std::string bad = write("bad.toml", replace(kMinimal, "timestep = 0.01", "timestep = \"fast\""));
  EXPECT_EQ(load_deck(bad, {"run.timestep=0.5"}).run.timestep, 0.5);
  const std::string missing = write("missing.toml", replace(kMinimal, "timestep = 0.01\n", ""));
  EXPECT_EQ(load_deck(missing, {"run.timestep=0.5"}).run.timestep, 0.5);
}

TEST_F(DeckTest, DeckSetRejectsUnknownKeyWithSuggestion) {
  const InputError e = fails(kMinimal, {"run.stpes=200"});
  EXPECT_EQ(e.where(), "--set run.stpes=200");
  EXPECT_EQ(e.line(), 0);
  EXPECT_EQ(e.problem(), "unknown key 'run.stpes'; did you mean 'run.steps'?");
}

TEST_F(DeckTest, DeckSetRejectsWrongTypeAndInvalidToml) {
  const InputError type = fails(kMinimal, {"run.steps=2.5"});
  EXPECT_EQ(type.where(), "--set run.steps=2.5");
  EXPECT_EQ(type.line(), 0);
  EXPECT_EQ(type.problem(), "key 'run.steps' is a float");

  const InputError toml = fails(kMinimal, {"run.steps=abc"});
  EXPECT_EQ(toml.where(), "--set run.steps=abc");
  EXPECT_EQ(toml.line(), 0);
  EXPECT_NE(toml.problem().find("value 'abc' of key 'run.steps' is not valid TOML"), std::string::npos)
      << toml.problem();

  // A bare word is a string only for string keys; a wrong bare word is
  // still named like any wrong value.
  const InputError bare = fails(kMinimal, {"particles.placement=fcx"});
  EXPECT_EQ(bare.problem(), "key 'particles.placement' is \"fcx\"; did you mean \"fcc\"?");
  const InputError bare_number = fails(kMinimal, {"run.timestep=fast"});
  EXPECT_NE(bare_number.problem().find("not valid TOML"), std::string::npos) << bare_number.problem();

  const InputError two = fails(kMinimal, {"run.steps=1\nseed = 2"});
  EXPECT_NE(two.problem().find("not a single TOML value"), std::string::npos) << two.problem();

  const InputError range = fails(kMinimal, {"propagator.type=\"brownain\""});
  EXPECT_EQ(range.problem(), "key 'propagator.type' is \"brownain\"; did you mean \"brownian\"?");
}

TEST_F(DeckTest, DeckSetTakesABareWordForAStringKey) {
  const Config c = load_deck(write("deck.toml", kMinimal),
                             {"output.dir=run1", "particles.placement=fcc", "propagator.noise=gaussian",
                              "output.trajectory_fields=[\"velocity\"]"});
  EXPECT_EQ(c.output.dir, "run1");
  EXPECT_EQ(c.particles.placement, Placement::Fcc);
  EXPECT_EQ(c.propagator.noise, Noise::Gaussian);
  // Quoted as TOML, the same.
  EXPECT_EQ(load_deck(write("deck2.toml", kMinimal), {"output.dir=\"run1\""}).output.dir, "run1");
}

TEST_F(DeckTest, DeckDifferencesNameEveryKeyWhoseValueDiffers) {
  const std::string path = write("deck.toml", kMinimal);
  const Config a = load_deck(path);
  // The same values however spelled: no difference.
  EXPECT_TRUE(deck_differences(a, load_deck_text(a.deck_text, "copy")).empty());
  const Config b = load_deck(path, {"run.seed=7", "run.steps=" + std::to_string(a.run.steps + 5)});
  const auto d = deck_differences(a, b);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].first, "run.steps");
  EXPECT_EQ(d[1].first, "run.seed");
  EXPECT_EQ(d[1].second.second, "7");
}

TEST_F(DeckTest, DeckSetRejectsMalformedArgument) {
  const InputError e = fails(kMinimal, {"run.steps"});
  EXPECT_EQ(e.where(), "--set run.steps");
  EXPECT_EQ(e.line(), 0);
  EXPECT_NE(e.problem().find("malformed"), std::string::npos);
  const InputError k = fails(kMinimal, {"=5"});
  EXPECT_NE(k.problem().find("malformed"), std::string::npos);
}

TEST_F(DeckTest, DeckResolvesRelativeParticleFileAgainstDeckDirectory) {
  write("decks/data/start.h5", "not really h5");
  const std::string text = replace(replace(kMinimal, "count = 100\n", ""), "[particles]",
                                   "[particles]\nplacement = \"file\"\nfile = \"data/start.h5\"");
  const std::string path = write("decks/deck.toml", text);
  const Config c = load_deck(path);
  EXPECT_EQ(c.particles.placement, Placement::File);
  EXPECT_EQ(fs::path(c.particles.file), (dir_ / "decks" / "data" / "start.h5").lexically_normal());
  EXPECT_EQ(c.particles.count, 0);  // the file decides
}

TEST_F(DeckTest, DeckRejectsMissingParticleFileAtItsLine) {
  const std::string text =
      replace(kMinimal, "[particles]", "[particles]\nplacement = \"file\"\nfile = \"nowhere.h5\"");
  const InputError e = fails(text);
  EXPECT_EQ(e.where(), (dir_ / "deck.toml").string());
  EXPECT_EQ(e.line(), 6);
  EXPECT_NE(e.problem().find("nowhere.h5"), std::string::npos);
  EXPECT_NE(e.problem().find("particles.file"), std::string::npos);

  const InputError none = fails(replace(kMinimal, "[particles]", "[particles]\nplacement = \"file\""));
  EXPECT_EQ(none.problem(), "missing required key 'particles.file'");
}

TEST_F(DeckTest, DeckDensityNeedsCountWithFilePlacement) {
  write("start.h5", "x");
  std::string text = replace(kMinimal, "box = [10.0, 20.0, 30.0]", "density = 0.5");
  text = replace(text, "count = 100", "placement = \"file\"\nfile = \"start.h5\"");
  const InputError e = fails(text);
  EXPECT_EQ(e.line(), 2);
  EXPECT_NE(e.problem().find("system.density"), std::string::npos);
}

TEST_F(DeckTest, DeckRejectsTomlSyntaxErrorAtItsLine) {
  const InputError e = fails(replace(kMinimal, "steps = 50", "steps = = 50"));
  EXPECT_EQ(e.where(), (dir_ / "deck.toml").string());
  EXPECT_EQ(e.line(), 11);
  EXPECT_FALSE(e.problem().empty());
}

// Found by the deck fuzz corpus (tests/fuzz/): each of these crashed, printed
// more than one line, or was accepted.
TEST_F(DeckTest, DeckRejectsMoreSpeciesThanTheKernelsHold) {
  const Config eight = load_deck(write("eight.toml", std::string(kMinimal) +
                                                         "[species]\nnames = [\"A\", \"B\", \"C\", \"D\", \"E\", "
                                                         "\"F\", \"G\", \"H\"]\n"));
  EXPECT_EQ(eight.species.names.size(), 8u);
  const InputError e = fails(std::string(kMinimal) +
                             "[species]\nnames = [\"A\", \"B\", \"C\", \"D\", \"E\", \"F\", \"G\", \"H\", \"I\"]\n");
  EXPECT_EQ(e.line(), 14);
  EXPECT_EQ(e.problem(), "key 'species.names' has 9 names");
  EXPECT_EQ(e.expected(), "at most 8 species");
}

TEST_F(DeckTest, DeckMessagesEscapeControlCharactersAndCutLongText) {
  const InputError key = fails(std::string(kMinimal) + "\"ste\\nps\" = 1\n");
  EXPECT_EQ(key.problem(), "unknown key 'run.ste\\nps'; did you mean 'run.steps'?");
  const InputError section = fails(std::string(kMinimal) + "[\"sys\\u0000tem\"]\nx = 1\n");
  EXPECT_EQ(section.problem(), "unknown section '[sys\\u0000tem]'; did you mean '[system]'?");
  const InputError value = fails(replace(kMinimal, "\"brownian\"", "\"brow\\r\\u001bnian\""));
  EXPECT_EQ(value.problem(), "key 'propagator.type' is \"brow\\r\\u001Bnian\"; did you mean \"brownian\"?");
  const InputError file = fails(replace(kMinimal, "count = 100", "placement = \"file\"\nfile = \"a\\nb.h5\""));
  EXPECT_NE(file.problem().find("cannot read '"), std::string::npos) << file.problem();
  EXPECT_NE(file.problem().find("a\\nb.h5' (key 'particles.file')"), std::string::npos) << file.problem();
  const std::string what = InputError::format("", 0, file.problem(), file.expected());
  EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  // A megabyte-long key is shown cut, and found unknown at once.
  const InputError big = fails(std::string(kMinimal) + std::string(1 << 20, 'k') + " = 1\n");
  EXPECT_EQ(big.problem(), "unknown key 'run." + std::string(60, 'k') + "...'");
  const InputError long_value = fails(replace(kMinimal, "\"brownian\"", "\"" + std::string(1000, 'b') + "\""));
  EXPECT_EQ(long_value.problem(), "key 'propagator.type' is \"" + std::string(64, 'b') + "...\" (1000 bytes)");
}

TEST_F(DeckTest, DeckChecksWalltimeFormat) {
  for (const char* ok : {"none", "00:00:01", "1:30:00", "23:50:00", "99999:59:59"})
    EXPECT_EQ(load_deck(write("ok.toml", std::string(kMinimal) + "walltime = \"" + ok + "\"\n")).run.walltime, ok);
  for (const char* bad : {"25 hours", "00:00:00", "12:60:00", "12:00:60", "-1:00:00", "+1:00:00", " 1:00:00",
                          "1:00:00 ", "12:5:00", "12:00", "100000:00:00", "1193046:28:16", "NONE"}) {
    const InputError e = fails(std::string(kMinimal) + "walltime = \"" + bad + "\"\n");
    EXPECT_EQ(e.line(), 13) << bad;
    EXPECT_EQ(e.problem(), std::string("run.walltime is \"") + bad + "\"");
    EXPECT_NE(e.expected().find("\"HH:MM:SS\""), std::string::npos) << e.expected();
  }
  const InputError set = fails(kMinimal, {"run.walltime=\"1:2:3\""});
  EXPECT_EQ(set.where(), "--set run.walltime=\"1:2:3\"");
}

TEST_F(DeckTest, DeckRejectsDensityThatMakesAnInfiniteBox) {
  const InputError e = fails(replace(kMinimal, "box = [10.0, 20.0, 30.0]", "density = 1e-320"));
  EXPECT_EQ(e.line(), 2);
  EXPECT_NE(e.problem().find("infinite"), std::string::npos) << e.problem();
}

TEST_F(DeckTest, DeckRejectsMissingDeckFile) {
  const std::string path = (dir_ / "absent.toml").string();
  try {
    load_deck(path);
    FAIL() << "loaded a missing file";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), path);
    EXPECT_EQ(e.line(), 0);
    EXPECT_EQ(e.problem(), "cannot read deck file");
    EXPECT_EQ(e.expected(), "a readable TOML file");
  }
  EXPECT_THROW(load_deck(dir_.string()), InputError);  // a directory
}

TEST(DeckClosestKey, SuggestsOnlyCloseKeys) {
  EXPECT_EQ(closest_key("run.stpes"), "run.steps");
  EXPECT_EQ(closest_key("run.timestp"), "run.timestep");
  EXPECT_EQ(closest_key("Run.Steps"), "run.steps");
  EXPECT_EQ(closest_key("sytem.box"), "system.box");
  EXPECT_EQ(closest_key("output.thermo_evry"), "output.thermo_every");
  EXPECT_EQ(closest_key("run.type"), "propagator.type");
  EXPECT_EQ(closest_key("temprature"), "particles.temperature");
  EXPECT_EQ(closest_key("interaction.cutof"), "interaction.cutoff");
  EXPECT_EQ(closest_key("interaction.pair"), "interaction.pairs");
  EXPECT_EQ(closest_key("species.masses"), "species.mass");
  EXPECT_EQ(closest_key("propagator.dampng"), "propagator.damping");
  EXPECT_EQ(closest_key("interaction.rebuild_check_evry"), "interaction.rebuild_check_every");
  EXPECT_EQ(closest_key("mixng"), "interaction.mixing");
  EXPECT_EQ(closest_key("run.x"), "");
  EXPECT_EQ(closest_key("completely.unrelated"), "");
}

TEST(DeckKeys, AreDottedUniqueAndInDocumentationOrder) {
  const std::vector<std::string> keys = deck_keys();
  ASSERT_EQ(keys.size(), 63u);
  EXPECT_EQ(keys.front(), "system.box");
  EXPECT_EQ(keys.back(), "output.trajectory_deflate");
  for (const std::string& k : keys) {
    EXPECT_EQ(std::count(k.begin(), k.end(), '.'), 1) << k;
    EXPECT_EQ(std::count(keys.begin(), keys.end(), k), 1) << k;
  }
}

TEST(DeckExamples, ExampleDecksLoad) {
  const std::string root = STRATA_SOURCE_DIR;
  const Config b = load_deck(root + "/inputs/brownian.toml");
  EXPECT_EQ(b.particles.count, 1000000);
  EXPECT_EQ(b.propagator.kind, PropagatorKind::Brownian);
  EXPECT_NEAR(static_cast<double>(b.particles.count) / (b.system.box[0] * b.system.box[1] * b.system.box[2]), 0.5,
              0.01);
  EXPECT_EQ(b.run.steps, 1000);
  EXPECT_EQ(b.run.seed, 2026u);
  EXPECT_EQ(b.output.dir, "output/brownian");

  const Config a = load_deck(root + "/inputs/ballistic.toml");
  EXPECT_EQ(a.particles.count, 100000);
  EXPECT_EQ(a.particles.placement, Placement::SimpleCubic);
  EXPECT_EQ(a.propagator.kind, PropagatorKind::Ballistic);
  EXPECT_EQ(a.system.boundary, (std::array<Boundary, 3>{Boundary::Periodic, Boundary::Reflecting, Boundary::Reflecting}));
  EXPECT_EQ(a.run.steps, 500);
  EXPECT_EQ(a.run.timestep, 0.005);
  EXPECT_EQ(a.output.dir, "output/ballistic");

  const Config lj = load_deck(root + "/inputs/lj.toml");  // LAMMPS bench/in.lj
  EXPECT_EQ(lj.particles.count, 32000);
  EXPECT_EQ(lj.particles.placement, Placement::Fcc);
  EXPECT_NEAR(lj.system.box[0], 20.0 * std::cbrt(4.0 / 0.8442), 1e-9);  // 20 fcc cells
  EXPECT_EQ(lj.particles.temperature, 1.44);
  EXPECT_EQ(lj.interaction.kind, InteractionKind::LennardJones);
  EXPECT_EQ(lj.interaction.cutoff, 2.5);
  EXPECT_EQ(lj.interaction.skin, 0.3);
  EXPECT_FALSE(lj.interaction.shift);
  EXPECT_EQ(lj.propagator.kind, PropagatorKind::Verlet);
  EXPECT_EQ(lj.run.timestep, 0.005);
  EXPECT_EQ(lj.run.steps, 100);
  EXPECT_EQ(lj.run.seed, 87287u);
  EXPECT_EQ(lj.output.thermo_every, 50);
  EXPECT_EQ(lj.output.dir, "output/lj");

  const Config nvt = load_deck(root + "/inputs/lj_nvt.toml");
  EXPECT_EQ(nvt.particles.count, 4000);
  EXPECT_NEAR(nvt.system.box[0], 10.0 * std::cbrt(4.0 / 0.8442), 1e-9);
  EXPECT_EQ(nvt.propagator.kind, PropagatorKind::Langevin);
  EXPECT_EQ(nvt.propagator.temperature, 1.44);
  EXPECT_EQ(nvt.propagator.damping, 1.0);
  EXPECT_TRUE(nvt.interaction.shift);
  EXPECT_EQ(nvt.run.steps, 2000);
  EXPECT_EQ(nvt.output.dir, "output/lj_nvt");

  const Config ka = load_deck(root + "/inputs/kob_andersen.toml");
  EXPECT_EQ(ka.particles.count, 4000);
  EXPECT_NEAR(4000.0 / (ka.system.box[0] * ka.system.box[1] * ka.system.box[2]), 1.2, 1e-12);
  EXPECT_EQ(ka.species.names, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(ka.species.mass, (std::vector<double>{1.0, 1.0}));
  EXPECT_EQ(ka.species.fraction, (std::vector<double>{0.8, 0.2}));
  EXPECT_TRUE(ka.interaction.shift);
  EXPECT_EQ(ka.propagator.kind, PropagatorKind::Langevin);
  EXPECT_EQ(ka.propagator.temperature, 1.0);
  ASSERT_EQ(ka.interaction.pairs.size(), 3u);
  const double want[3][5] = {{0, 0, 1.0, 1.0, 2.5}, {0, 1, 1.5, 0.8, 2.0}, {1, 1, 0.5, 0.88, 2.2}};
  for (int i = 0; i < 3; ++i) {
    const PairCoefficients& p = ka.interaction.pairs[i];
    EXPECT_EQ(p.a, want[i][0]) << i;
    EXPECT_EQ(p.b, want[i][1]) << i;
    EXPECT_EQ(p.epsilon, want[i][2]) << i;
    EXPECT_EQ(p.sigma, want[i][3]) << i;
    EXPECT_EQ(p.cutoff, want[i][4]) << i;
  }
  EXPECT_EQ(ka.run.timestep, 0.005);
  EXPECT_EQ(ka.run.steps, 2000);
  EXPECT_EQ(ka.output.dir, "output/kob_andersen");
}

TEST(DeckDocs, EveryDeckKeyIsDocumented) {
  std::ifstream in(std::string(STRATA_SOURCE_DIR) + "/docs/deck.md");
  ASSERT_TRUE(in) << "cannot read docs/deck.md";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  for (const std::string& k : deck_keys()) EXPECT_NE(doc.find("`" + k + "`"), std::string::npos) << k;
}

}  // namespace
}  // namespace strata

TEST(DeckTrajectory, FieldsAreCheckedLikeEnumsWithASuggestion) {
  using strata::InputError;
  using strata::load_deck;
  const std::string dir = ::testing::TempDir();
  const std::string path = dir + "/fields_" + std::to_string(::getpid()) + ".toml";
  {
    std::ofstream f(path);
    f << "[system]\nbox = [5.0, 5.0, 5.0]\n[particles]\ncount = 10\n[propagator]\ntype = \"brownian\"\n"
         "[run]\nsteps = 1\ntimestep = 0.1\n[output]\ntrajectory_fields = [\"image\", \"velocty\"]\n";
  }
  try {
    load_deck(path);
    FAIL() << "a misspelt field was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 11);
    EXPECT_NE(std::string(e.what()).find("did you mean \"velocity\""), std::string::npos) << e.what();
  }
  EXPECT_EQ(load_deck(path, {"output.trajectory_fields=[\"species\"]"}).output.trajectory_fields,
            (std::vector<std::string>{"species"}));
}
