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
                                 "[propagator]\n"
                                 "type = \"ballistic\"\n"
                                 "diffusion = 0.25\n"
                                 "noise = \"gaussian\"\n"
                                 "[decomposition]\n"
                                 "axis = \"z\"\n"
                                 "[run]\n"
                                 "steps = 0\n"
                                 "timestep = 0.002\n"
                                 "seed = 9007199254740993\n"
                                 "[output]\n"
                                 "dir = \"out/x\"\n"
                                 "thermo_every = 7\n");
  const Config c = load_deck(path);
  // (1000 / 0.125)^(1/3) = 20
  for (double l : c.system.box) EXPECT_NEAR(l, 20.0, 1e-12);
  for (Boundary b : c.system.boundary) EXPECT_EQ(b, Boundary::Reflecting);
  EXPECT_EQ(c.particles.count, 1000);
  EXPECT_EQ(c.particles.placement, Placement::Fcc);
  EXPECT_EQ(c.particles.temperature, 1.5);
  EXPECT_EQ(c.particles.drift, (std::array<double, 3>{0.5, -1.0, 2.0}));
  EXPECT_EQ(c.particles.mass, 2.0);
  EXPECT_EQ(c.propagator.kind, PropagatorKind::Ballistic);
  EXPECT_EQ(c.propagator.diffusion, 0.25);
  EXPECT_EQ(c.propagator.noise, Noise::Gaussian);
  EXPECT_EQ(c.decomposition.axis, 2);
  EXPECT_EQ(c.run.steps, 0);
  EXPECT_EQ(c.run.timestep, 0.002);
  EXPECT_EQ(c.run.seed, 9007199254740993ull);  // not representable as a double: stored exactly
  EXPECT_EQ(c.output.dir, "out/x");
  EXPECT_EQ(c.output.thermo_every, 7);
  EXPECT_EQ(c.key_lines.size(), deck_keys().size() - 2);  // all but box and file
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
  EXPECT_EQ(e.expected(), "one of \"ballistic\", \"brownian\"");
  const InputError far = fails(replace(kMinimal, "type = \"brownian\"", "type = \"langevin\""));
  EXPECT_EQ(far.problem(), "key 'propagator.type' is \"langevin\"");
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

  const InputError bare = fails(kMinimal, {"particles.placement=fcc"});
  EXPECT_NE(bare.problem().find("not valid TOML"), std::string::npos);
  EXPECT_NE(bare.expected().find("double quotes"), std::string::npos) << bare.expected();

  const InputError two = fails(kMinimal, {"run.steps=1\nseed = 2"});
  EXPECT_NE(two.problem().find("not a single TOML value"), std::string::npos) << two.problem();

  const InputError range = fails(kMinimal, {"propagator.type=\"brownain\""});
  EXPECT_EQ(range.problem(), "key 'propagator.type' is \"brownain\"; did you mean \"brownian\"?");
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
  EXPECT_EQ(closest_key("run.x"), "");
  EXPECT_EQ(closest_key("completely.unrelated"), "");
}

TEST(DeckKeys, AreDottedUniqueAndInDocumentationOrder) {
  const std::vector<std::string> keys = deck_keys();
  ASSERT_EQ(keys.size(), 18u);
  EXPECT_EQ(keys.front(), "system.box");
  EXPECT_EQ(keys.back(), "output.thermo_every");
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
