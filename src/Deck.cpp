#include "src/Deck.hpp"

#include "core/Species.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace strata {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// The schema. One row per key; it drives validation, defaults, deck_keys(),
// the messages, and is what docs/deck.md documents.
// ---------------------------------------------------------------------------

enum class Kind {
  Int,      // TOML integer (a float is rejected: 1.5 steps must not truncate silently)
  Float,    // TOML float or integer
  Bool,     // TOML boolean (no 0/1, no "true")
  String,   // non-empty string
  Enum,     // string from Spec::values
  Float3,   // array of exactly 3 numbers
  EnumOr3,  // one string from Spec::values (all axes), or an array of 3 of them
  Strings,  // array of at least one non-empty string, no two equal
  Floats,   // array of numbers of any length (lengths are checked in check_cross())
  Pairs,    // array of tables { species = ["A", "B"], the parameters of interaction.type, cutoff = x (optional) }
  Grid,     // one string from Spec::values, or an array of 3 integers >= 1 (decomposition.grid)
};

enum class Need {
  Optional,  // Spec::dflt applies when absent
  Required,
  Special,   // presence rules involve other keys: see check_cross()
};

struct Bound {
  bool on;
  bool strict;  // true: x > lo, false: x >= lo
  double lo;
};
constexpr Bound kAny{false, false, 0.0};
constexpr Bound kGt0{true, true, 0.0};
constexpr Bound kGe0{true, false, 0.0};
constexpr Bound kGe1{true, false, 1.0};

// One element of interaction.pairs, species still by name (species.names may
// come later in the deck, or from --set) and every parameter as given (which
// ones interaction.type needs is known only once the whole deck is read):
// check_cross() resolves both.
struct PairValue {
  std::array<std::string, 2> species;
  std::map<std::string, double> numbers;  // parameter -> value, those given
  std::map<std::string, int> lines;       // parameter -> its line
  int line = 0;                           // the element's line; 0 from --set
};

// A validated value, in the slot its Kind uses.
struct Value {
  std::int64_t i = 0;
  double f = 0.0;
  bool b = false;
  std::string s;
  std::array<double, 3> f3{};
  std::array<int, 3> idx{};  // Enum: idx[0]; EnumOr3: one per axis
  std::vector<std::string> strs;
  std::vector<double> fs;
  std::vector<PairValue> pairs;
};

struct Spec {
  const char* key;
  Kind kind;
  Need need;
  const char* dflt;  // TOML text of the default (Optional keys only)
  const char* unit;  // reduced LJ units, "" when dimensionless
  Bound bound;       // for Float3: applies to every element
  std::vector<const char*> values;
  const char* meaning;  // short; used in messages and docs
  void (*apply)(Config&, const Value&);  // nullptr: handled in check_cross()
};

constexpr std::array<PropagatorKind, 4> kPropagators{PropagatorKind::Ballistic, PropagatorKind::Brownian,
                                                     PropagatorKind::Verlet, PropagatorKind::Langevin};
constexpr std::array<InteractionKind, 6> kInteractions{InteractionKind::None,  InteractionKind::LennardJones,
                                                       InteractionKind::Wca,   InteractionKind::Morse,
                                                       InteractionKind::Yukawa, InteractionKind::Soft};
constexpr std::array<const char*, 6> kInteractionNames{"none", "lj", "wca", "morse", "yukawa", "soft"};
constexpr std::array<WallType, 2> kWallTypes{WallType::LennardJones93, WallType::Harmonic};
constexpr std::array<Mixing, 2> kMixings{Mixing::LorentzBerthelot, Mixing::Geometric};
constexpr std::array<Noise, 2> kNoises{Noise::Uniform, Noise::Gaussian};
constexpr std::array<Placement, 4> kPlacements{Placement::Uniform, Placement::SimpleCubic, Placement::Fcc,
                                               Placement::File};
constexpr std::array<Boundary, 2> kBoundaries{Boundary::Periodic, Boundary::Reflecting};
constexpr std::array<GpuAwareMpi, 3> kGpuAwareMpi{GpuAwareMpi::Off, GpuAwareMpi::Auto, GpuAwareMpi::On};
constexpr std::array<PairPrecision, 2> kPrecisions{PairPrecision::Double, PairPrecision::Mixed};
constexpr std::array<NeighborListKind, 3> kNeighborLists{NeighborListKind::Auto, NeighborListKind::Half,
                                                         NeighborListKind::Full};

const std::vector<Spec>& schema() {
  static const std::vector<Spec> s = {
      {"system.box", Kind::Float3, Need::Special, "", "sigma", kGt0, {}, "box edge lengths Lx, Ly, Lz",
       [](Config& c, const Value& v) { c.system.box = v.f3; }},
      {"system.density", Kind::Float, Need::Special, "", "sigma^-3", kGt0, {}, "number density, cubic box",
       nullptr},
      {"system.boundary", Kind::EnumOr3, Need::Optional, "\"periodic\"", "", kAny, {"periodic", "reflecting"},
       "boundary condition, all axes or per axis [x, y, z]",
       [](Config& c, const Value& v) {
         for (int a = 0; a < 3; ++a) c.system.boundary[a] = kBoundaries[v.idx[a]];
       }},
      {"particles.count", Kind::Int, Need::Special, "", "", kGe1, {}, "number of particles",
       [](Config& c, const Value& v) { c.particles.count = v.i; }},
      {"particles.placement", Kind::Enum, Need::Optional, "\"uniform\"", "", kAny, {"uniform", "sc", "fcc", "file"},
       "initial positions",
       [](Config& c, const Value& v) { c.particles.placement = kPlacements[v.idx[0]]; }},
      {"particles.file", Kind::String, Need::Special, "", "", kAny, {}, "H5MD file with the initial state",
       nullptr},
      {"particles.temperature", Kind::Float, Need::Optional, "0.0", "epsilon", kGe0, {},
       "initial temperature",
       [](Config& c, const Value& v) { c.particles.temperature = v.f; }},
      {"particles.drift", Kind::Float3, Need::Optional, "[0.0, 0.0, 0.0]", "sigma/tau", kAny, {},
       "velocity added to every particle",
       [](Config& c, const Value& v) { c.particles.drift = v.f3; }},
      {"particles.mass", Kind::Float, Need::Optional, "1.0", "m", kGt0, {}, "particle mass",
       [](Config& c, const Value& v) { c.particles.mass = v.f; }},
      {"species.names", Kind::Strings, Need::Optional, "[\"A\"]", "", kAny, {}, "species names",
       [](Config& c, const Value& v) { c.species.names = v.strs; }},
      {"species.mass", Kind::Floats, Need::Special, "", "m", kGt0, {}, "mass of each species", nullptr},
      {"species.epsilon", Kind::Floats, Need::Special, "", "epsilon", kGt0, {}, "LJ well depth of each species",
       nullptr},
      {"species.sigma", Kind::Floats, Need::Special, "", "sigma", kGt0, {}, "LJ diameter of each species", nullptr},
      {"species.amplitude", Kind::Floats, Need::Special, "", "epsilon (soft) or epsilon sigma (yukawa)", kGt0, {},
       "yukawa or soft amplitude A of each species", nullptr},
      {"species.fraction", Kind::Floats, Need::Special, "", "", kGe0, {}, "share of the particles of each species",
       nullptr},
      {"propagator.type", Kind::Enum, Need::Required, "", "", kAny, {"ballistic", "brownian", "verlet", "langevin"},
       "equation of motion",
       [](Config& c, const Value& v) { c.propagator.kind = kPropagators[v.idx[0]]; }},
      {"propagator.temperature", Kind::Float, Need::Optional, "1.0", "epsilon", kGt0, {},
       "thermostat (langevin) or bath (brownian with forces) temperature",
       [](Config& c, const Value& v) { c.propagator.temperature = v.f; }},
      {"propagator.damping", Kind::Float, Need::Optional, "1.0", "tau", kGt0, {}, "langevin damping time",
       [](Config& c, const Value& v) { c.propagator.damping = v.f; }},
      {"propagator.diffusion", Kind::Float, Need::Optional, "1.0", "sigma^2/tau", kGt0, {},
       "diffusion coefficient D",
       [](Config& c, const Value& v) { c.propagator.diffusion = v.f; }},
      {"propagator.noise", Kind::Enum, Need::Optional, "\"uniform\"", "", kAny, {"uniform", "gaussian"},
       "distribution of the unit-variance noise",
       [](Config& c, const Value& v) { c.propagator.noise = kNoises[v.idx[0]]; }},
      {"interaction.type", Kind::Enum, Need::Optional, "\"none\"", "", kAny,
       {kInteractionNames.begin(), kInteractionNames.end()}, "pair interaction",
       [](Config& c, const Value& v) { c.interaction.kind = kInteractions[v.idx[0]]; }},
      {"interaction.cutoff", Kind::Float, Need::Optional, "2.5", "sigma", kGt0, {}, "pair cutoff distance",
       [](Config& c, const Value& v) { c.interaction.cutoff = v.f; }},
      {"interaction.skin", Kind::Float, Need::Optional, "0.3", "sigma", kGe0, {}, "neighbour-list skin",
       [](Config& c, const Value& v) { c.interaction.skin = v.f; }},
      {"interaction.shift", Kind::Bool, Need::Optional, "false", "", kAny, {},
       "shift each pair potential to zero at its cutoff",
       [](Config& c, const Value& v) { c.interaction.shift = v.b; }},
      {"interaction.mixing", Kind::Enum, Need::Optional, "\"lorentz-berthelot\"", "", kAny,
       {"lorentz-berthelot", "geometric"}, "mixing rule for pairs not listed in interaction.pairs",
       [](Config& c, const Value& v) { c.interaction.mixing = kMixings[v.idx[0]]; }},
      {"interaction.rebuild_check_every", Kind::Int, Need::Optional, "1", "", kGe1, {},
       "steps between neighbour-list displacement checks",
       // Checking less often than every 2^31 steps is the same as never.
       [](Config& c, const Value& v) {
         c.interaction.rebuild_check_every = static_cast<int>(std::min<std::int64_t>(v.i, INT_MAX));
       }},
      {"interaction.rebuild_check", Kind::Bool, Need::Optional, "true", "", kAny, {},
       "rebuild only when some particle moved more than half the skin (false: at every check, unconditionally)",
       [](Config& c, const Value& v) { c.interaction.rebuild_check = v.b; }},
      {"interaction.rebuild_delay", Kind::Int, Need::Optional, "0", "", kGe0, {},
       "steps after a rebuild before the next may happen",
       [](Config& c, const Value& v) {
         c.interaction.rebuild_delay = static_cast<int>(std::min<std::int64_t>(v.i, INT_MAX));
       }},
      {"interaction.neighbor_list", Kind::Enum, Need::Optional, "\"auto\"", "", kAny, {"auto", "half", "full"},
       "half lists (each pair once, newton on) or full lists (each pair from both sides, no atomics)",
       [](Config& c, const Value& v) { c.interaction.neighbor_list = kNeighborLists[v.idx[0]]; }},
      {"interaction.precision", Kind::Enum, Need::Optional, "\"double\"", "", kAny, {"double", "mixed"},
       "pair arithmetic: double, or mixed (force and energy of a pair in single precision, sums and integration in "
       "double)",
       [](Config& c, const Value& v) { c.interaction.precision = kPrecisions[v.idx[0]]; }},
      {"interaction.pairs", Kind::Pairs, Need::Special, "", "", kAny, {}, "explicit pair coefficients", nullptr},
      {"interaction.tail", Kind::Bool, Need::Optional, "false", "", kAny, {},
       "long-range (tail) corrections to energy and pressure, lj only",
       [](Config& c, const Value& v) { c.interaction.tail = v.b; }},
      {"interaction.kappa", Kind::Float, Need::Special, "", "1/sigma", kGt0, {},
       "inverse screening length of yukawa", nullptr},
      {"interaction.amplitude_ramp", Kind::Floats, Need::Special, "", "", kGe0, {},
       "factors on every pair energy at step 0 and at run.steps, linear in between", nullptr},
      {"walls.faces", Kind::Strings, Need::Special, "", "", kAny, {"xlo", "xhi", "ylo", "yhi", "zlo", "zhi"},
       "box faces with a wall (faces of non-periodic axes only)",
       [](Config& c, const Value& v) {
         for (const std::string& f : v.strs) c.walls.face[f[0] - 'x'][f[1] == 'h' ? 1 : 0] = true;
       }},
      {"walls.type", Kind::Enum, Need::Optional, "\"lj93\"", "", kAny, {"lj93", "harmonic"}, "wall potential",
       [](Config& c, const Value& v) { c.walls.type = kWallTypes[v.idx[0]]; }},
      {"walls.epsilon", Kind::Float, Need::Special, "", "epsilon", kGt0, {}, "wall energy scale",
       [](Config& c, const Value& v) { c.walls.epsilon = v.f; }},
      {"walls.sigma", Kind::Float, Need::Special, "", "sigma", kGt0, {}, "lj93 wall length scale",
       [](Config& c, const Value& v) { c.walls.sigma = v.f; }},
      {"walls.cutoff", Kind::Float, Need::Special, "", "sigma", kGt0, {}, "wall range from its face",
       [](Config& c, const Value& v) { c.walls.cutoff = v.f; }},
      {"field.gravity", Kind::Float3, Need::Optional, "[0.0, 0.0, 0.0]", "sigma/tau^2", kAny, {},
       "acceleration of every particle (force m_s g)",
       [](Config& c, const Value& v) { c.field.gravity = v.f3; }},
      {"field.force", Kind::Floats, Need::Special, "", "epsilon/sigma", kAny, {},
       "constant force on each particle of each species, 3 numbers per species", nullptr},
      {"minimize.etol", Kind::Float, Need::Special, "", "", kGe0, {},
       "FIRE stops when the energy per particle changes by less than etol (relative) in one step",
       [](Config& c, const Value& v) { c.minimize.etol = v.f; }},
      {"minimize.ftol", Kind::Float, Need::Special, "", "epsilon/sigma", kGe0, {},
       "FIRE stops when the 2-norm of the global force vector is below ftol",
       [](Config& c, const Value& v) { c.minimize.ftol = v.f; }},
      {"minimize.max_steps", Kind::Int, Need::Special, "", "", kGe1, {}, "FIRE iterations at most",
       [](Config& c, const Value& v) { c.minimize.max_steps = v.i; }},
      {"minimize.dmax", Kind::Float, Need::Optional, "0.1", "sigma", kGt0, {},
       "largest move of a particle along an axis in one FIRE iteration",
       [](Config& c, const Value& v) { c.minimize.dmax = v.f; }},
      {"decomposition.axis", Kind::Enum, Need::Optional, "\"x\"", "", kAny, {"x", "y", "z"},
       "axis cut into one slab per rank",
       [](Config& c, const Value& v) { c.decomposition.axis = v.idx[0]; }},
      {"decomposition.grid", Kind::Grid, Need::Optional, "\"auto\"", "", kGe1, {"auto", "slab"},
       "rank grid: \"auto\" (least halo among the grids the box allows), \"slab\" (slabs along decomposition.axis), "
       "or [px, py, pz] ranks along x, y, z",
       [](Config& c, const Value& v) {
         c.decomposition.grid = v.s == "auto" ? GridChoice::Auto : v.s == "slab" ? GridChoice::Slab : GridChoice::Explicit;
         c.decomposition.grid_dims = v.idx;
       }},
      {"decomposition.balance_every", Kind::Int, Need::Optional, "0", "", kGe0, {},
       "steps between load-balancing checks (0: never)",
       [](Config& c, const Value& v) { c.decomposition.balance_every = v.i; }},
      {"decomposition.balance_threshold", Kind::Float, Need::Optional, "1.1", "", kGe1, {},
       "move the planes when the load's max/mean over ranks exceeds this",
       [](Config& c, const Value& v) { c.decomposition.balance_threshold = v.f; }},
      {"decomposition.balance_by", Kind::Enum, Need::Optional, "\"count\"", "", kAny, {"count", "time"},
       "load of a rank: its particles, or its measured force and integration time",
       [](Config& c, const Value& v) { c.decomposition.balance_by_time = v.idx[0] == 1; }},
      {"decomposition.balance_damping", Kind::Float, Need::Optional, "0.5", "", kGt0, {},
       "fraction of the way to the balanced planes taken per balance step (at most 1)",
       [](Config& c, const Value& v) { c.decomposition.balance_damping = v.f; }},
      {"decomposition.gpu_aware_mpi", Kind::Enum, Need::Optional, "\"off\"", "", kAny, {"off", "auto", "on"},
       "hand MPI device pointers instead of staging messages through host memory",
       [](Config& c, const Value& v) { c.decomposition.gpu_aware_mpi = kGpuAwareMpi[v.idx[0]]; }},
      {"run.steps", Kind::Int, Need::Required, "", "", kGe0, {}, "step at which the run ends",
       [](Config& c, const Value& v) { c.run.steps = v.i; }},
      {"run.timestep", Kind::Float, Need::Required, "", "tau", kGt0, {}, "time step",
       [](Config& c, const Value& v) { c.run.timestep = v.f; }},
      {"run.seed", Kind::Int, Need::Optional, "1", "", kGe0, {}, "random seed",
       [](Config& c, const Value& v) { c.run.seed = static_cast<std::uint64_t>(v.i); }},
      {"run.walltime", Kind::String, Need::Optional, "\"none\"", "", kAny, {},
       "wall-clock limit \"HH:MM:SS\" to stop before, with a checkpoint (\"none\": no limit)",
       [](Config& c, const Value& v) { c.run.walltime = v.s; }},
      {"output.dir", Kind::String, Need::Optional, "\"output\"", "", kAny, {}, "output directory",
       [](Config& c, const Value& v) { c.output.dir = v.s; }},
      {"output.thermo_every", Kind::Int, Need::Optional, "100", "", kGe1, {}, "steps between thermo lines",
       [](Config& c, const Value& v) { c.output.thermo_every = v.i; }},
      {"output.checkpoint_every", Kind::Int, Need::Optional, "0", "", kGe0, {},
       "steps between checkpoints (0: only the one at the end of the run)",
       [](Config& c, const Value& v) { c.output.checkpoint_every = v.i; }},
      {"output.checkpoint_keep", Kind::Int, Need::Optional, "2", "", kGe1, {}, "newest checkpoints kept",
       [](Config& c, const Value& v) { c.output.checkpoint_keep = v.i; }},
      {"output.trajectory_every", Kind::Int, Need::Optional, "0", "", kGe0, {},
       "steps between trajectory frames (0: no trajectory)",
       [](Config& c, const Value& v) { c.output.trajectory_every = v.i; }},
      {"output.trajectory_fields", Kind::Strings, Need::Optional, "[\"image\"]", "", kAny,
       {"position", "velocity", "image", "id", "species", "force"}, "per-particle fields stored besides position",
       [](Config& c, const Value& v) { c.output.trajectory_fields = v.strs; }},
      {"output.trajectory_deflate", Kind::Int, Need::Optional, "0", "", kGe0, {},
       "deflate level of trajectory datasets, 0 (off) to 9",
       [](Config& c, const Value& v) { c.output.trajectory_deflate = v.i; }},
  };
  return s;
}

const Spec* find_spec(std::string_view key) {
  for (const Spec& s : schema())
    if (key == s.key) return &s;
  return nullptr;
}

const Spec& spec_of(std::string_view key) { return *find_spec(key); }

std::string section_of(std::string_view key) { return std::string(key.substr(0, key.find('.'))); }
std::string last_of(std::string_view key) {
  const auto dot = key.rfind('.');
  return std::string(dot == std::string_view::npos ? key : key.substr(dot + 1));
}

std::vector<std::string> sections() {
  std::vector<std::string> out;
  for (const Spec& s : schema()) {
    std::string sec = section_of(s.key);
    if (std::find(out.begin(), out.end(), sec) == out.end()) out.push_back(sec);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Edit distance of a and b; any value above `cap` is returned as cap + 1 (the
// length difference alone decides that, so a megabyte-long key costs nothing).
int levenshtein(std::string_view a, std::string_view b, int cap) {
  const std::size_t diff = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (diff > static_cast<std::size_t>(cap)) return cap + 1;
  std::vector<int> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    int diag = row[0];
    row[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const int up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return std::min(row[b.size()], cap + 1);
}

// How many edits still count as "close" to a candidate: short names get fewer,
// so "x" is not a typo of "dir".
int threshold(std::string_view candidate) {
  return std::min(3, std::max(1, static_cast<int>(candidate.size()) / 3 + 1));
}

std::string closest_of(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string w = lower(word);
  std::string best;
  int best_d = 1 << 30;
  for (const std::string& c : candidates) {
    const int d = levenshtein(w, c, threshold(c));
    if (d <= threshold(c) && d < best_d) best = c, best_d = d;
  }
  return best;
}

// Text from the deck as shown in a message: control characters escaped (the
// error must stay one line, and a terminal must not interpret it), and cut
// after kShownBytes bytes, at a UTF-8 character boundary.
constexpr std::size_t kShownBytes = 64;
std::string shown(std::string_view s, bool quoted, bool cut = true) {
  std::string out;
  std::size_t end = s.size();
  if (cut && end > kShownBytes) {
    end = kShownBytes;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  }
  for (std::size_t i = 0; i < end; ++i) {
    const char c = s[i];
    const auto u = static_cast<unsigned char>(c);
    if (quoted && (c == '"' || c == '\\')) out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (u < 0x20 || u == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04X", u);
      out += buf;
    } else out += c;
  }
  if (end < s.size()) out += "...";
  return out;
}

// A string value in double quotes, escaped as in TOML.
std::string dq(std::string_view s) {
  std::string out = "\"" + shown(s, true) + "\"";
  if (s.size() > kShownBytes) out += " (" + std::to_string(s.size()) + " bytes)";
  return out;
}

// A key (cut when long) or a path (never cut) from the deck, for use inside '...'.
std::string sk(std::string_view s, bool cut = true) { return shown(s, false, cut); }

std::string number(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "empty";
  }
}

std::string bound_text(const Bound& b) {
  if (!b.on) return "";
  return std::string(b.strict ? " > " : " >= ") + std::to_string(static_cast<long long>(b.lo));
}

std::string one_of(const std::vector<const char*>& values) {
  std::string s = "one of ";
  for (std::size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + dq(values[i]);
  return s;
}

// The shape of one element of a Kind::Pairs key, whatever interaction.type
// (pair_shape() below has the shape for one type).
constexpr const char* kPairShape =
    "a table { species = [\"A\", \"B\"], the parameters of interaction.type (lj, wca: epsilon, sigma; morse: d0, "
    "alpha, r0; yukawa, soft: amplitude), all floats > 0, cutoff = float > 0 (optional; not with wca) }";

// The "expected ..." phrase for a key, e.g. "an integer >= 0".
std::string expect(const Spec& s) {
  switch (s.kind) {
    case Kind::Int: return "an integer" + bound_text(s.bound);
    case Kind::Float: return "a float" + bound_text(s.bound);
    case Kind::Bool: return "true or false";
    case Kind::String: return "a non-empty string";
    case Kind::Enum: return one_of(s.values);
    case Kind::Float3: return "an array of 3 floats" + bound_text(s.bound);
    case Kind::EnumOr3: return one_of(s.values) + ", or an array of 3 of them";
    case Kind::Strings:
      return s.values.empty() ? "an array of unique non-empty strings" : "an array of unique values among " + one_of(s.values).substr(7);
    case Kind::Floats: return "an array of floats" + bound_text(s.bound);
    case Kind::Pairs: return std::string("an array of inline tables, each ") + kPairShape;
    case Kind::Grid: return one_of(s.values) + ", or an array of 3 integers >= 1";
  }
  return "";
}

// expect() plus what the key is for: "a float > 0 (time step in tau)".
std::string expect_long(const Spec& s) {
  std::string m = s.meaning;
  if (*s.unit) m += std::string(" in ") + s.unit;
  return expect(s) + " (" + m + ")";
}

// ---------------------------------------------------------------------------
// Validation of one value
// ---------------------------------------------------------------------------

// Where a value came from: the deck (path, line of its key) or a --set
// argument (where = "--set key=value", line 0).
struct Origin {
  std::string where;
  int line = 0;
  bool from_set = false;
};

[[noreturn]] void fail(const Origin& o, int line, std::string what, std::string expected) {
  throw InputError(o.where, line, std::move(what), std::move(expected));
}

// Line of a node inside a deck value (array elements may sit on later lines).
int line_of(const toml::node& n, const Origin& o) {
  if (o.from_set) return 0;
  const int l = static_cast<int>(n.source().begin.line);
  return l > 0 ? l : o.line;
}

bool in_bound(const Bound& b, double x) { return !b.on || (b.strict ? x > b.lo : x >= b.lo); }

std::int64_t get_int(const Spec& s, const toml::node& n, const Origin& o, const std::string& label) {
  if (!n.is_integer()) fail(o, line_of(n, o), label + " is " + type_name(n), expect(s));
  const std::int64_t x = n.as_integer()->get();
  if (!in_bound(s.bound, static_cast<double>(x)))
    fail(o, line_of(n, o), label + " is " + std::to_string(x), expect(s));
  return x;
}

double get_float(const Spec& s, const toml::node& n, const Origin& o, const std::string& label) {
  double x = 0.0;
  if (n.is_integer())
    x = static_cast<double>(n.as_integer()->get());
  else if (n.is_floating_point())
    x = n.as_floating_point()->get();
  else
    fail(o, line_of(n, o), label + " is " + type_name(n), expect(s));
  if (!std::isfinite(x)) fail(o, line_of(n, o), label + " is " + number(x), expect(s) + ", finite");
  if (!in_bound(s.bound, x)) fail(o, line_of(n, o), label + " is " + number(x), expect(s));
  return x;
}

int get_enum(const Spec& s, const toml::node& n, const Origin& o, const std::string& label) {
  if (!n.is_string()) fail(o, line_of(n, o), label + " is " + type_name(n), expect(s));
  const std::string& str = n.as_string()->get();
  for (std::size_t i = 0; i < s.values.size(); ++i)
    if (str == s.values[i]) return static_cast<int>(i);
  std::string what = label + " is " + dq(str);
  const std::string hint = closest_of(str, std::vector<std::string>(s.values.begin(), s.values.end()));
  if (!hint.empty()) what += "; did you mean " + dq(hint) + "?";
  fail(o, line_of(n, o), what, expect(s));
}

const toml::array& get_array3(const Spec& s, const toml::node& n, const Origin& o, const std::string& label) {
  if (!n.is_array()) fail(o, line_of(n, o), label + " is " + type_name(n), expect(s));
  const toml::array& a = *n.as_array();
  if (a.size() != 3)
    fail(o, line_of(n, o), label + " has " + std::to_string(a.size()) + " element" + (a.size() == 1 ? "" : "s"),
         expect(s));
  return a;
}

std::string element(int i, const std::string& label) { return "element " + std::to_string(i + 1) + " of " + label; }

const toml::array& get_array(const Spec& s, const toml::node& n, const Origin& o, const std::string& label) {
  if (!n.is_array()) fail(o, line_of(n, o), label + " is " + type_name(n), expect(s));
  return *n.as_array();
}

std::string get_name(const toml::node& n, const Origin& o, const std::string& label) {
  if (!n.is_string()) fail(o, line_of(n, o), label + " is " + type_name(n), "a non-empty string");
  const std::string& str = n.as_string()->get();
  if (str.empty()) fail(o, line_of(n, o), label + " is \"\"", "a non-empty string");
  return str;
}

// The numbers an interaction.pairs element may hold, as keys of their own
// (for messages). Which of them interaction.type needs: pair_fields().
const std::vector<Spec>& pair_numbers() {
  static const std::vector<Spec> s = {
      {"epsilon", Kind::Float, Need::Required, "", "epsilon", kGt0, {}, "pair well depth", nullptr},
      {"sigma", Kind::Float, Need::Required, "", "sigma", kGt0, {}, "pair diameter", nullptr},
      {"d0", Kind::Float, Need::Required, "", "epsilon", kGt0, {}, "Morse well depth", nullptr},
      {"alpha", Kind::Float, Need::Required, "", "1/sigma", kGt0, {}, "Morse width parameter", nullptr},
      {"r0", Kind::Float, Need::Required, "", "sigma", kGt0, {}, "Morse equilibrium distance", nullptr},
      {"amplitude", Kind::Float, Need::Required, "", "", kGt0, {}, "yukawa or soft amplitude", nullptr},
      {"cutoff", Kind::Float, Need::Optional, "", "sigma", kGt0, {}, "pair cutoff", nullptr},
  };
  return s;
}

// One element of interaction.pairs: a table with species (2 names) and
// numbers among pair_numbers(). Names are checked against species.names, and
// the numbers against interaction.type, later.
PairValue get_pair(const toml::node& n, const Origin& o, const std::string& label) {
  const int line = line_of(n, o);
  if (!n.is_table()) fail(o, line, label + " is " + type_name(n), kPairShape);
  const toml::table& t = *n.as_table();
  std::vector<std::string> fields{"species"};
  for (const Spec& f : pair_numbers()) fields.emplace_back(f.key);
  for (auto&& [k, v] : t) {
    const std::string key(k.str());
    if (std::find(fields.begin(), fields.end(), key) != fields.end()) continue;
    std::string what = label + " has unknown key '" + sk(key) + "'";
    const std::string hint = closest_of(key, fields);
    if (!hint.empty()) what += "; did you mean '" + hint + "'?";
    fail(o, line_of(v, o), what, kPairShape);
  }
  PairValue p;
  p.line = line;
  const toml::node* sp = t.get("species");
  if (!sp) fail(o, line, label + " has no key 'species'", kPairShape);
  const std::string sp_label = "key 'species' of " + label;
  if (!sp->is_array()) fail(o, line_of(*sp, o), sp_label + " is " + type_name(*sp), "an array of 2 species names");
  const toml::array& a = *sp->as_array();
  if (a.size() != 2)
    fail(o, line_of(*sp, o), sp_label + " has " + std::to_string(a.size()) + " element" + (a.size() == 1 ? "" : "s"),
         "an array of 2 species names");
  for (int j = 0; j < 2; ++j) p.species[j] = get_name(a[j], o, element(j, sp_label));
  for (const Spec& f : pair_numbers()) {
    const toml::node* fn = t.get(f.key);
    if (!fn) continue;
    p.numbers[f.key] = get_float(f, *fn, o, std::string("key '") + f.key + "' of " + label);
    p.lines[f.key] = line_of(*fn, o);
  }
  return p;
}

// run.walltime: "none", or H:MM:SS with 1 to 5 digits of hours, minutes and
// seconds 00 to 59, and not zero in all.
constexpr const char* kWalltimeShape =
    "\"HH:MM:SS\" (e.g. \"23:50:00\"; hours 0 to 99999, minutes and seconds 00 to 59, not all zero) or \"none\"";
bool valid_walltime(const std::string& t) {
  if (t == "none") return true;
  const auto colon = t.find(':');
  if (colon == std::string::npos || colon < 1 || colon > 5 || t.size() != colon + 6 || t[colon + 3] != ':')
    return false;
  for (std::size_t i = 0; i < t.size(); ++i)
    if (i != colon && i != colon + 3 && !std::isdigit(static_cast<unsigned char>(t[i]))) return false;
  const int h = std::stoi(t.substr(0, colon));
  const int m = std::stoi(t.substr(colon + 1, 2));
  const int sec = std::stoi(t.substr(colon + 4, 2));
  return m <= 59 && sec <= 59 && h * 3600 + m * 60 + sec > 0;
}

Value check(const Spec& s, const toml::node& n, const Origin& o) {
  const std::string label = std::string("key '") + s.key + "'";
  Value v;
  switch (s.kind) {
    case Kind::Int: v.i = get_int(s, n, o, label); break;
    case Kind::Float: v.f = get_float(s, n, o, label); break;
    case Kind::String:
      if (!n.is_string()) fail(o, line_of(n, o), label + " is " + type_name(n), expect(s));
      v.s = n.as_string()->get();
      if (v.s.empty()) fail(o, line_of(n, o), label + " is \"\"", expect(s));
      if (std::string_view(s.key) == "run.walltime" && !valid_walltime(v.s))
        fail(o, line_of(n, o), "run.walltime is " + dq(v.s), kWalltimeShape);
      break;
    case Kind::Bool:
      if (!n.is_boolean()) fail(o, line_of(n, o), label + " is " + type_name(n), expect(s));
      v.b = n.as_boolean()->get();
      break;
    case Kind::Enum: v.idx[0] = get_enum(s, n, o, label); break;
    case Kind::Float3: {
      const toml::array& a = get_array3(s, n, o, label);
      for (int i = 0; i < 3; ++i) v.f3[i] = get_float(s, a[i], o, element(i, label));
      break;
    }
    case Kind::EnumOr3:
      if (n.is_string()) {
        v.idx.fill(get_enum(s, n, o, label));
      } else {
        const toml::array& a = get_array3(s, n, o, label);
        for (int i = 0; i < 3; ++i) v.idx[i] = get_enum(s, a[i], o, element(i, label));
      }
      break;
    case Kind::Strings: {
      const toml::array& a = get_array(s, n, o, label);
      if (a.empty()) fail(o, line_of(n, o), label + " is empty", expect(s));
      for (int i = 0; i < static_cast<int>(a.size()); ++i) {
        // With allowed values, each element is checked like an Enum.
        std::string str = s.values.empty() ? get_name(a[i], o, element(i, label))
                                           : std::string(s.values[get_enum(s, a[i], o, element(i, label))]);
        const auto same = std::find(v.strs.begin(), v.strs.end(), str);
        if (same != v.strs.end())
          fail(o, line_of(a[i], o),
               element(i, label) + " is " + dq(str) + ", as is element " +
                   std::to_string(same - v.strs.begin() + 1),
               expect(s));
        v.strs.push_back(std::move(str));
      }
      break;
    }
    case Kind::Floats: {
      const toml::array& a = get_array(s, n, o, label);
      for (int i = 0; i < static_cast<int>(a.size()); ++i) v.fs.push_back(get_float(s, a[i], o, element(i, label)));
      break;
    }
    case Kind::Pairs: {
      const toml::array& a = get_array(s, n, o, label);
      for (int i = 0; i < static_cast<int>(a.size()); ++i) v.pairs.push_back(get_pair(a[i], o, element(i, label)));
      break;
    }
    case Kind::Grid:
      if (n.is_string()) {
        v.s = s.values[static_cast<std::size_t>(get_enum(s, n, o, label))];
      } else if (n.is_array()) {
        const toml::array& a = get_array3(s, n, o, label);
        for (int i = 0; i < 3; ++i) {
          const std::int64_t k = get_int(s, a[i], o, element(i, label));
          if (k > 1000000) fail(o, line_of(a[i], o), element(i, label) + " is " + std::to_string(k), expect(s));
          v.idx[i] = static_cast<int>(k);
        }
      } else {
        fail(o, line_of(n, o), label + " is " + type_name(n), expect(s));
      }
      break;
  }
  return v;
}

// One canonical text per value, whatever the deck's spelling (1 or 1.0,
// "x" or ["x", "x", "x"]): what deck_differences() compares.
std::string canonical(const Spec& s, const Value& v) {
  auto num = [](double x) { return fmt::format("{:.17g}", x); };
  switch (s.kind) {
    case Kind::Int: return std::to_string(v.i);
    case Kind::Float: return num(v.f);
    case Kind::String: return dq(v.s);
    case Kind::Bool: return v.b ? "true" : "false";
    case Kind::Enum: return dq(s.values[static_cast<std::size_t>(v.idx[0])]);
    case Kind::Float3: return "[" + num(v.f3[0]) + ", " + num(v.f3[1]) + ", " + num(v.f3[2]) + "]";
    case Kind::EnumOr3: {
      std::string out = "[";
      for (int d = 0; d < 3; ++d) out += (d ? ", " : "") + dq(s.values[static_cast<std::size_t>(v.idx[d])]);
      return out + "]";
    }
    case Kind::Grid:
      return v.s.empty() ? fmt::format("[{}, {}, {}]", v.idx[0], v.idx[1], v.idx[2]) : dq(v.s);
    case Kind::Strings: {
      std::string out = "[";
      for (std::size_t k = 0; k < v.strs.size(); ++k) out += (k ? ", " : "") + dq(v.strs[k]);
      return out + "]";
    }
    case Kind::Floats: {
      std::string out = "[";
      for (std::size_t k = 0; k < v.fs.size(); ++k) out += (k ? ", " : "") + num(v.fs[k]);
      return out + "]";
    }
    case Kind::Pairs: {
      std::string out = "[";
      for (std::size_t k = 0; k < v.pairs.size(); ++k) {
        const PairValue& p = v.pairs[k];
        out += fmt::format("{}{{species = [{}, {}]", k ? ", " : "", dq(p.species[0]), dq(p.species[1]));
        for (const auto& [name, value] : p.numbers) out += ", " + name + " = " + num(value);
        out += "}";
      }
      return out + "]";
    }
  }
  return "";
}

// ---------------------------------------------------------------------------
// Deck reading
// ---------------------------------------------------------------------------

struct Given {
  Value value;
  Origin origin;
};

std::string read_deck(const std::string& path) {
  std::error_code ec;
  std::ifstream in;
  if (!fs::is_directory(path, ec)) in.open(path, std::ios::binary);
  if (!in) throw InputError(path, 0, "cannot read deck file", "a readable TOML file");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw InputError(path, 0, "cannot read deck file", "a readable TOML file");
  return ss.str();
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string section_list() {
  std::string s;
  for (const std::string& sec : sections()) s += (s.empty() ? "[" : ", [") + sec + "]";
  return s;
}

std::string keys_of_section(const std::string& sec) {
  std::string s;
  for (const Spec& sp : schema())
    if (section_of(sp.key) == sec) s += (s.empty() ? "" : ", ") + last_of(sp.key);
  return "a key of [" + sec + "]: " + s;
}

std::string unknown_key_message(const std::string& key) {
  std::string what = "unknown key '" + sk(key) + "'";
  const std::string hint = closest_key(key);
  if (!hint.empty()) what += "; did you mean '" + hint + "'?";
  return what;
}

// One "--set key=value": parsed and validated like a deck line.
std::pair<std::string, Given> parse_override(const std::string& arg) {
  const Origin o{"--set " + arg, 0, true};
  const auto eq = arg.find('=');
  if (eq == std::string::npos) fail(o, 0, "malformed override (no '=')", "KEY=VALUE, e.g. run.steps=200");
  const std::string key = trim(std::string_view(arg).substr(0, eq));
  const std::string text = trim(std::string_view(arg).substr(eq + 1));
  if (key.empty()) fail(o, 0, "malformed override (no key before '=')", "KEY=VALUE, e.g. run.steps=200");
  const Spec* s = find_spec(key);
  if (!s) fail(o, 0, unknown_key_message(key), "a deck key, as listed in docs/deck.md");
  const std::string syntax = expect(*s) + ", in TOML syntax; strings need double quotes";
  // A bare word for a string key is the string it obviously is
  // (--set output.dir=run1, --set propagator.type=verlet).
  const bool stringy =
      s->kind == Kind::String || s->kind == Kind::Enum || s->kind == Kind::EnumOr3 || s->kind == Kind::Grid;
  const bool bare = !text.empty() && text.find_first_of("\"'[{=#\n") == std::string::npos;
  std::string toml_text = text;
  if (stringy && bare) {
    toml_text = "\"";
    for (char c : text) toml_text += c == '\\' ? std::string("\\\\") : std::string(1, c);
    toml_text += "\"";
  }
  toml::table t;
  try {
    t = toml::parse("v = " + toml_text + "\n", std::string_view("--set"));
  } catch (const toml::parse_error& e) {
    fail(o, 0, "value '" + text + "' of key '" + key + "' is not valid TOML (" + std::string(e.description()) + ")",
         syntax);
  }
  const toml::node* n = t.get("v");
  if (t.size() != 1 || !n) fail(o, 0, "value '" + text + "' of key '" + key + "' is not a single TOML value", syntax);
  return {key, Given{check(*s, *n, o), o}};
}

// Applies the schema default of an Optional key (parsed and checked like a deck
// value, so the schema row is the only place a default lives).
void apply_default(Config& cfg, const Spec& s) {
  if (s.need != Need::Optional) return;
  const toml::table t = toml::parse(std::string("v = ") + s.dflt, std::string_view("built-in default"));
  const Value v = check(s, *t.get("v"), Origin{"built-in default", 0, true});
  cfg.key_values[s.key] = canonical(s, v);
  s.apply(cfg, v);
}

// Keys `a` and `b` set the same thing. A --set of one replaces the deck's
// other, as a --set replaces a deck value; both in the deck, or both from
// --set, is an error.
void exclusive(Config& cfg, std::map<std::string, Given>& given, const char* a, const char* b,
               const std::string& expected) {
  if (!given.count(a) || !given.count(b)) return;
  const Origin oa = given.at(a).origin;
  const Origin ob = given.at(b).origin;
  if (oa.from_set != ob.from_set) {
    const char* dropped = oa.from_set ? b : a;
    given.erase(dropped);
    cfg.key_lines.erase(dropped);
    apply_default(cfg, spec_of(dropped));
    return;
  }
  const Origin& o = oa.line > ob.line ? oa : ob;
  fail(o, o.line, std::string("keys '") + a + "' and '" + b + "' are both set", expected);
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + dq(n);
  return s;
}

// [species]: one entry per name in every array; defaults fill what is absent.
void check_species(Config& cfg, const std::map<std::string, Given>& given) {
  SpeciesConfig& sp = cfg.species;
  const std::size_t ns = sp.names.size();
  // The kernels' per-species tables are fixed-size arrays.
  if (ns > static_cast<std::size_t>(kMaxSpecies)) {
    const Given& g = given.at("species.names");
    fail(g.origin, g.origin.line, "key 'species.names' has " + std::to_string(ns) + " names",
         "at most " + std::to_string(kMaxSpecies) + " species");
  }
  const auto per_species = [&](const char* key, double each, std::vector<double>& out) {
    const auto it = given.find(key);
    if (it == given.end()) {
      out.assign(ns, each);
      return;
    }
    const Given& g = it->second;
    const std::size_t n = g.value.fs.size();
    if (n != ns)
      fail(g.origin, g.origin.line,
           std::string("key '") + key + "' has " + std::to_string(n) + " element" + (n == 1 ? "" : "s"),
           "an array of " + std::to_string(ns) + " float" + (ns == 1 ? "" : "s") + bound_text(spec_of(key).bound) +
               ", one per name in species.names (" + quoted_list(sp.names) + ")");
    out = g.value.fs;
  };
  per_species("species.mass", cfg.particles.mass, sp.mass);
  per_species("species.epsilon", 1.0, sp.epsilon);
  per_species("species.sigma", 1.0, sp.sigma);
  per_species("species.fraction", 1.0 / static_cast<double>(ns), sp.fraction);
  // No default amplitude: yukawa and soft have no natural scale.
  if (given.count("species.amplitude"))
    per_species("species.amplitude", 0.0, sp.amplitude);
  else
    sp.amplitude.clear();
  double sum = 0.0;
  for (double f : sp.fraction) sum += f;
  if (std::abs(sum - 1.0) > 1e-9) {
    const Given& g = given.at("species.fraction");
    fail(g.origin, g.origin.line, "key 'species.fraction' sums to " + number(sum),
         "fractions that sum to 1 (within 1e-9)");
  }
}

std::string interaction_name(InteractionKind k) {
  for (std::size_t i = 0; i < kInteractions.size(); ++i)
    if (kInteractions[i] == k) return kInteractionNames[i];
  return "?";
}

// The numbers an interaction.pairs element holds for interaction.type:
// required ones, then the optional cutoff (wca has none: its cutoff is
// 2^(1/6) sigma_ij). type = "none" checks the lj shape (the pairs are unused).
std::vector<std::string> pair_fields(InteractionKind k) {
  switch (k) {
    case InteractionKind::Wca: return {"epsilon", "sigma"};
    case InteractionKind::Morse: return {"d0", "alpha", "r0", "cutoff"};
    case InteractionKind::Yukawa:
    case InteractionKind::Soft: return {"amplitude", "cutoff"};
    case InteractionKind::None:
    case InteractionKind::LennardJones: break;
  }
  return {"epsilon", "sigma", "cutoff"};
}

std::string pair_shape(InteractionKind k) {
  std::string s = "a table { species = [\"A\", \"B\"]";
  for (const std::string& f : pair_fields(k))
    s += ", " + f + " = float > 0" + (f == "cutoff" ? " (optional)" : "");
  return s + " } for interaction.type = " + dq(interaction_name(k));
}

// interaction.pairs: species names to indices (a <= b), each pair at most
// once, with exactly the numbers interaction.type needs.
void check_pairs(Config& cfg, const std::map<std::string, Given>& given) {
  cfg.interaction.pairs.clear();
  const auto it = given.find("interaction.pairs");
  if (it == given.end()) return;
  const Given& g = it->second;
  const std::vector<std::string>& names = cfg.species.names;
  const std::string label = "key 'interaction.pairs'";
  const InteractionKind kind = cfg.interaction.kind;
  const std::vector<std::string> fields = pair_fields(kind);
  for (std::size_t i = 0; i < g.value.pairs.size(); ++i) {
    const PairValue& p = g.value.pairs[i];
    const std::string el = element(static_cast<int>(i), label);
    for (const auto& [f, x] : p.numbers)
      if (std::find(fields.begin(), fields.end(), f) == fields.end())
        fail(g.origin, p.lines.at(f),
             el + " has key '" + f + "', which interaction.type = " + dq(interaction_name(kind)) + " does not use",
             pair_shape(kind));
    for (const std::string& f : fields)
      if (f != "cutoff" && !p.numbers.count(f)) fail(g.origin, p.line, el + " has no key '" + f + "'", pair_shape(kind));
    const auto number = [&](const char* f, double absent) {
      const auto n = p.numbers.find(f);
      return n == p.numbers.end() ? absent : n->second;
    };
    std::array<int, 2> idx{};
    for (int j = 0; j < 2; ++j) {
      const auto at = std::find(names.begin(), names.end(), p.species[j]);
      if (at == names.end())
        fail(g.origin, p.line, el + " names species " + dq(p.species[j]) + ", which is not in species.names",
             "one of the species.names: " + quoted_list(names));
      idx[j] = static_cast<int>(at - names.begin());
    }
    PairCoefficients c;
    c.a = std::min(idx[0], idx[1]);
    c.b = std::max(idx[0], idx[1]);
    c.epsilon = number("epsilon", 1.0);
    c.sigma = number("sigma", 1.0);
    c.d0 = number("d0", 0.0);
    c.alpha = number("alpha", 0.0);
    c.r0 = number("r0", 0.0);
    c.amplitude = number("amplitude", 0.0);
    c.cutoff = number("cutoff", -1.0);
    for (std::size_t k = 0; k < cfg.interaction.pairs.size(); ++k)
      if (cfg.interaction.pairs[k].a == c.a && cfg.interaction.pairs[k].b == c.b)
        fail(g.origin, p.line,
             el + " repeats the pair (" + dq(p.species[0]) + ", " + dq(p.species[1]) + ") of element " +
                 std::to_string(k + 1),
             "each pair of species at most once, in either order");
    cfg.interaction.pairs.push_back(c);
  }
}

// [interaction] keys that only some potentials take, and parameters every
// species pair of the chosen potential must get.
void check_interaction(Config& cfg, const std::map<std::string, Given>& given) {
  InteractionConfig& ia = cfg.interaction;
  const InteractionKind kind = ia.kind;
  const std::string type = dq(interaction_name(kind));
  const auto at = [&](const char* key) -> const Origin& { return given.at(key).origin; };
  // Where to report a problem of the interaction as a whole.
  const Origin type_origin = given.count("interaction.type") ? at("interaction.type") : Origin{cfg.deck_path, 0, false};

  if (kind == InteractionKind::Wca) {
    for (const char* key : {"interaction.cutoff", "interaction.shift"}) {
      if (!given.count(key) || (std::string(key) == "interaction.shift" && ia.shift)) continue;
      fail(at(key), at(key).line,
           std::string("key '") + key + "' is set, but interaction.type = \"wca\" is always cut at 2^(1/6) sigma_ij "
                                        "and shifted to zero there",
           std::string("no ") + key + " with interaction.type = \"wca\"");
    }
    ia.shift = true;
  }
  if (ia.tail && kind != InteractionKind::LennardJones)
    fail(at("interaction.tail"), at("interaction.tail").line,
         "key 'interaction.tail' is true, but tail corrections are for interaction.type = \"lj\" only",
         "interaction.tail = false with interaction.type = " + type);

  if (given.count("interaction.kappa")) {
    if (kind != InteractionKind::Yukawa)
      fail(at("interaction.kappa"), at("interaction.kappa").line,
           "key 'interaction.kappa' is set, but only interaction.type = \"yukawa\" uses it",
           "no interaction.kappa with interaction.type = " + type);
    ia.kappa = given.at("interaction.kappa").value.f;
  } else if (kind == InteractionKind::Yukawa) {
    fail(type_origin, type_origin.line, "missing required key 'interaction.kappa'",
         expect_long(spec_of("interaction.kappa")) + ", required with interaction.type = \"yukawa\"");
  }

  ia.amplitude_ramp = {1.0, 1.0};
  if (given.count("interaction.amplitude_ramp")) {
    const Given& g = given.at("interaction.amplitude_ramp");
    const std::size_t n = g.value.fs.size();
    if (n != 2)
      fail(g.origin, g.origin.line,
           "key 'interaction.amplitude_ramp' has " + std::to_string(n) + " element" + (n == 1 ? "" : "s"),
           "an array of 2 floats >= 0 (the factor at step 0 and at run.steps)");
    if (kind == InteractionKind::None)
      fail(g.origin, g.origin.line, "key 'interaction.amplitude_ramp' is set, but interaction.type is \"none\"",
           "an interaction.type with pair energies to ramp");
    ia.amplitude_ramp = {g.value.fs[0], g.value.fs[1]};
  }

  // Morse parameters do not mix; yukawa and soft mix species.amplitude.
  // Every species pair must get its parameters one way or the other.
  const bool morse = kind == InteractionKind::Morse;
  const bool amplitude = kind == InteractionKind::Yukawa || kind == InteractionKind::Soft;
  if (!morse && !(amplitude && cfg.species.amplitude.empty())) return;
  const int ns = static_cast<int>(cfg.species.names.size());
  for (int a = 0; a < ns; ++a)
    for (int b = a; b < ns; ++b) {
      bool listed = false;
      for (const PairCoefficients& p : ia.pairs) listed = listed || (p.a == a && p.b == b);
      if (listed) continue;
      const std::string pair = "(" + dq(cfg.species.names[a]) + ", " + dq(cfg.species.names[b]) + ")";
      if (morse) {
        const Origin& o = given.count("interaction.pairs") ? at("interaction.pairs") : type_origin;
        fail(o, o.line,
             "key 'interaction.pairs' has no element for the species pair " + pair +
                 ", and Morse parameters do not mix",
             "an element " + pair_shape(kind) + " for every pair of species.names");
      }
      fail(type_origin, type_origin.line,
           "missing key 'species.amplitude': interaction.type = " + type + " has no amplitude for the species pair " +
               pair,
           "species.amplitude (one float > 0 per species, mixed geometrically) or an interaction.pairs element with "
           "an amplitude for every pair of species.names");
    }
}

// [minimize]: any of its keys turns it on; then etol, ftol and max_steps
// are required (as LAMMPS' minimize command requires them), and there must
// be forces to minimize.
void check_minimize(Config& cfg, const std::map<std::string, Given>& given) {
  const char* keys[] = {"minimize.etol", "minimize.ftol", "minimize.max_steps", "minimize.dmax"};
  const char* first = nullptr;
  for (const char* key : keys)
    if (given.count(key) && (!first || given.at(key).origin.line < given.at(first).origin.line)) first = key;
  cfg.minimize.on = first != nullptr;
  if (!first) return;
  const Origin& at = given.at(first).origin;
  for (const char* key : {"minimize.etol", "minimize.ftol", "minimize.max_steps"})
    if (!given.count(key))
      fail(at, at.line, std::string("missing required key '") + key + "'",
           expect_long(spec_of(key)) + ", required in [minimize]");
  if (cfg.interaction.kind == InteractionKind::None && !cfg.walls.any() && !cfg.field.any())
    fail(at, at.line, std::string("key '") + first + "' is set, but there are no forces to minimize",
         "[minimize] with an interaction.type other than \"none\", walls or a field");
}

// decomposition.balance_damping is a fraction: at most the whole way.
void check_balance(const Config& cfg, const std::map<std::string, Given>& given) {
  if (cfg.decomposition.balance_damping > 1.0) {
    const Given& g = given.at("decomposition.balance_damping");
    fail(g.origin, g.origin.line,
         fmt::format("key 'decomposition.balance_damping' is {}", cfg.decomposition.balance_damping),
         "a float > 0 and <= 1");
  }
}

// Rules that involve more than one key.
// [walls]: faces on non-periodic axes only, parameters only with faces and
// only those walls.type uses. [field]: field.force has 3 numbers per species.
void check_walls_and_field(Config& cfg, const std::map<std::string, Given>& given) {
  const auto at = [&](const char* key) -> const Origin& { return given.at(key).origin; };
  if (given.count("walls.faces")) {
    for (const std::string& f : given.at("walls.faces").value.strs) {
      const int axis = f[0] - 'x';
      if (cfg.system.periodic(axis))
        fail(at("walls.faces"), at("walls.faces").line,
             "key 'walls.faces' has \"" + f + "\", but system.boundary is periodic along " + f.substr(0, 1),
             "faces of axes whose system.boundary is \"reflecting\"");
    }
    if (cfg.walls.type == WallType::Harmonic && given.count("walls.sigma"))
      fail(at("walls.sigma"), at("walls.sigma").line,
           "key 'walls.sigma' is set, but walls.type = \"harmonic\" does not use it",
           "no walls.sigma with walls.type = \"harmonic\" (U = epsilon (cutoff - r)^2)");
    // No defaults: a wall's strength and range are the user's choice, as
    // LAMMPS' fix wall/lj93 and wall/harmonic require them.
    const bool lj93 = cfg.walls.type == WallType::LennardJones93;
    for (const char* key : {"walls.epsilon", "walls.sigma", "walls.cutoff"}) {
      if (given.count(key) || (!lj93 && std::string(key) == "walls.sigma")) continue;
      fail(at("walls.faces"), at("walls.faces").line, std::string("missing required key '") + key + "'",
           expect_long(spec_of(key)) + ", required with walls.faces" +
               (std::string(key) == "walls.sigma" ? " and walls.type = \"lj93\"" : ""));
    }
  } else {
    for (const char* key : {"walls.type", "walls.epsilon", "walls.sigma", "walls.cutoff"})
      if (given.count(key))
        fail(at(key), at(key).line, std::string("key '") + key + "' is set, but walls.faces is not",
             "walls.faces, e.g. [\"zlo\", \"zhi\"], with the walls' parameters");
  }
  cfg.field.force.clear();
  if (given.count("field.force")) {
    const Given& g = given.at("field.force");
    const std::size_t want = 3 * cfg.species.names.size();
    if (g.value.fs.size() != want)
      fail(g.origin, g.origin.line,
           "key 'field.force' has " + std::to_string(g.value.fs.size()) + " elements",
           std::to_string(want) + " floats (fx, fy, fz for each of the " +
               std::to_string(cfg.species.names.size()) + " species, in species.names order)");
    cfg.field.force = g.value.fs;
  }
  check_minimize(cfg, given);
  check_balance(cfg, given);
  if ((cfg.walls.any() || cfg.field.any()) && cfg.propagator.kind == PropagatorKind::Ballistic)
    fail(at("propagator.type"), at("propagator.type").line,
         "key 'propagator.type' is \"ballistic\", which ignores the forces of [walls] and [field]; use \"verlet\"",
         "propagator.type \"verlet\", \"langevin\" or \"brownian\" with walls or a field");
}

void check_cross(Config& cfg, std::map<std::string, Given>& given, const std::map<std::string, int>& section_line) {
  const auto has = [&](const char* k) { return given.count(k) != 0; };
  const auto header = [&](const char* sec) {
    const auto it = section_line.find(sec);
    return it == section_line.end() ? 0 : it->second;
  };
  const Origin deck{cfg.deck_path, 0, false};

  // Exactly one of box / density.
  const Spec& box = spec_of("system.box");
  const Spec& density = spec_of("system.density");
  exclusive(cfg, given, "system.box", "system.density", "exactly one of system.box, system.density");
  if (!has("system.box") && !has("system.density"))
    fail(deck, header("system"), "missing required key 'system.box' or 'system.density'",
         "exactly one of system.box, " + expect_long(box) + ", or system.density, " + expect_long(density));

  // Placement decides whether count or file is required.
  if (cfg.particles.placement == Placement::File) {
    if (!has("particles.file"))
      fail(deck, header("particles"), "missing required key 'particles.file'",
           "a file name (particles.file is required when particles.placement = \"file\")");
    const Given& g = given.at("particles.file");
    fs::path p(g.value.s);
    // A deck's relative path means "next to the deck"; a --set one is typed in a shell, so it means cwd.
    if (p.is_relative() && !g.origin.from_set) p = fs::path(cfg.deck_path).parent_path() / p;
    cfg.particles.file = p.lexically_normal().string();
    std::error_code ec;
    const bool regular = fs::is_regular_file(p, ec);
    if (!regular || !std::ifstream(p, std::ios::binary))
      fail(g.origin, g.origin.line, "cannot read '" + sk(cfg.particles.file, false) + "' (key 'particles.file')",
           "a readable H5MD file");
  } else if (!has("particles.count")) {
    fail(deck, header("particles"), "missing required key 'particles.count'",
         expect(spec_of("particles.count")) + " (particles.count is required unless particles.placement = \"file\")");
  }

  if (has("system.density")) {
    const Given& g = given.at("system.density");
    if (cfg.particles.count == 0)
      fail(g.origin, g.origin.line, "key 'system.density' needs particles.count, which is not set",
           "particles.count, or system.box instead of system.density");
    const double l = std::cbrt(static_cast<double>(cfg.particles.count) / g.value.f);
    if (!std::isfinite(l))
      fail(g.origin, g.origin.line,
           "key 'system.density' is " + number(g.value.f) + ", which makes the box edge (" +
               std::to_string(cfg.particles.count) + " / " + number(g.value.f) + ")^(1/3) infinite",
           "a density that gives a finite box");
    cfg.system.box = {l, l, l};
  }

  // At most one of particles.mass / species.mass.
  exclusive(cfg, given, "particles.mass", "species.mass", "at most one of particles.mass, species.mass");
  check_species(cfg, given);
  check_pairs(cfg, given);

  check_interaction(cfg, given);
  check_walls_and_field(cfg, given);

  // Ballistic flight ignores forces. Report at the key that made the clash: a
  // --set one, else the later line.
  if (cfg.interaction.kind != InteractionKind::None && cfg.propagator.kind == PropagatorKind::Ballistic) {
    const std::string type = dq(interaction_name(cfg.interaction.kind));
    const Origin oi = given.at("interaction.type").origin;
    const Origin op = given.at("propagator.type").origin;
    const bool at_interaction = oi.from_set != op.from_set ? oi.from_set : oi.line >= op.line;
    const Origin& o = at_interaction ? oi : op;
    fail(o, o.line,
         at_interaction
             ? "key 'interaction.type' is " + type + ", but propagator.type = \"ballistic\" ignores forces; use \"verlet\""
             : "key 'propagator.type' is \"ballistic\", which ignores the forces of interaction.type = " + type +
                   "; use \"verlet\"",
         "propagator.type \"verlet\", \"langevin\" or \"brownian\" with interaction.type = " + type);
  }
}

}  // namespace

std::string closest_key(const std::string& key) {
  const std::string k = lower(key);
  const bool dotted = k.find('.') != std::string::npos;
  const std::string sec = dotted ? section_of(k) : "";
  const std::string last = last_of(k);
  std::string best;
  int best_d = 1 << 30;
  for (const Spec& s : schema()) {
    const std::string s_last = last_of(s.key);
    const int limit = threshold(s_last);
    int d = levenshtein(k, s.key, limit);
    // Same name in another section (e.g. run.diffusion) costs one extra edit.
    const int dl = levenshtein(last, s_last, limit) + (dotted && sec == section_of(s.key) ? 0 : 1);
    d = std::min(d, dl);
    if (d <= limit && d < best_d) best = s.key, best_d = d;
  }
  return best;
}

std::vector<std::string> deck_keys() {
  std::vector<std::string> out;
  for (const Spec& s : schema()) out.emplace_back(s.key);
  return out;
}

Config load_deck(const std::string& path, const std::vector<std::string>& overrides) {
  return load_deck_text(read_deck(path), path, overrides);
}

Config load_deck_text(const std::string& text, const std::string& path, const std::vector<std::string>& overrides) {
  Config cfg;
  cfg.deck_path = path;
  cfg.deck_text = text;
  cfg.overrides = overrides;

  toml::table root;
  try {
    root = toml::parse(std::string_view(cfg.deck_text), std::string_view(path));
  } catch (const toml::parse_error& e) {
    throw InputError(path, static_cast<int>(e.source().begin.line), sk(e.description(), false), "valid TOML");
  }

  // --set arguments first: they replace deck values, which then are not checked.
  std::map<std::string, Given> given;
  for (const std::string& arg : overrides) {
    auto kv = parse_override(arg);
    given[kv.first] = std::move(kv.second);
  }

  // Flatten the deck to (line, dotted key, node) and check it in line order,
  // so the first problem reported is the first one in the file.
  enum class What { Leaf, UnknownSection, UnknownTopKey, SectionNotTable };
  struct Item {
    int line;
    std::string key;
    const toml::node* node;
    What what;
  };
  std::vector<Item> items;
  std::map<std::string, int> section_line;
  const std::vector<std::string> known_sections = sections();
  for (auto&& [k, v] : root) {
    const std::string sec(k.str());
    const int kline = static_cast<int>(k.source().begin.line);
    const bool known = std::find(known_sections.begin(), known_sections.end(), sec) != known_sections.end();
    if (!known) {
      const int tline = static_cast<int>(v.source().begin.line);
      items.push_back({v.is_table() && tline > 0 ? tline : kline, sec, &v,
                       v.is_table() ? What::UnknownSection : What::UnknownTopKey});
    } else if (!v.is_table()) {
      items.push_back({kline, sec, &v, What::SectionNotTable});
    } else {
      section_line[sec] = static_cast<int>(v.source().begin.line);
      for (auto&& [k2, v2] : *v.as_table())
        items.push_back({static_cast<int>(k2.source().begin.line), sec + "." + std::string(k2.str()), &v2, What::Leaf});
    }
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.line < b.line; });

  for (const Item& it : items) {
    const Origin o{path, it.line, false};
    switch (it.what) {
      case What::UnknownSection: {
        std::string what = "unknown section '[" + sk(it.key) + "]'";
        const std::string hint = closest_of(it.key, known_sections);
        if (!hint.empty()) what += "; did you mean '[" + hint + "]'?";
        fail(o, it.line, what, "one of the sections " + section_list());
      }
      case What::UnknownTopKey:
        fail(o, it.line, unknown_key_message(it.key), "keys inside one of the sections " + section_list());
      case What::SectionNotTable:
        fail(o, it.line, "key '" + it.key + "' is " + type_name(*it.node), "a table (the [" + it.key + "] section)");
      case What::Leaf: {
        const Spec* s = find_spec(it.key);
        if (!s) fail(o, it.line, unknown_key_message(it.key), keys_of_section(section_of(it.key)));
        if (given.count(it.key) && given[it.key].origin.from_set) {
          cfg.key_lines[it.key] = 0;
          break;
        }
        given[it.key] = Given{check(*s, *it.node, o), o};
        cfg.key_lines[it.key] = it.line;
        break;
      }
    }
  }
  for (const auto& [key, g] : given)
    if (g.origin.from_set) cfg.key_lines[key] = 0;

  // Given values, else defaults.
  for (const Spec& s : schema()) {
    const auto it = given.find(s.key);
    if (it != given.end()) {
      cfg.key_values[s.key] = canonical(s, it->second.value);
      if (s.apply) s.apply(cfg, it->second.value);
    } else if (s.need == Need::Required) {
      const auto h = section_line.find(section_of(s.key));
      fail(Origin{path, 0, false}, h == section_line.end() ? 0 : h->second,
           std::string("missing required key '") + s.key + "'", expect_long(s));
    } else {
      apply_default(cfg, s);
    }
  }

  check_cross(cfg, given, section_line);
  return cfg;
}

std::vector<std::pair<std::string, std::pair<std::string, std::string>>> deck_differences(const Config& a,
                                                                                         const Config& b) {
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> out;
  for (const Spec& s : schema()) {
    const auto ia = a.key_values.find(s.key), ib = b.key_values.find(s.key);
    const std::string va = ia == a.key_values.end() ? "(not given)" : ia->second;
    const std::string vb = ib == b.key_values.end() ? "(not given)" : ib->second;
    if (va != vb) out.push_back({s.key, {va, vb}});
  }
  return out;
}

}  // namespace strata
