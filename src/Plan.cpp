#include "src/Plan.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <fmt/format.h>

#include "decomposition/GridLayout.hpp"
#include "core/InputError.hpp"
#include "src/Interactions.hpp"

namespace strata {

namespace {
const char* boundary_name(Boundary b) { return b == Boundary::Periodic ? "periodic" : "reflecting"; }
const char* placement_name(Placement p) {
  switch (p) {
    case Placement::Uniform: return "uniform";
    case Placement::SimpleCubic: return "sc";
    case Placement::Fcc: return "fcc";
    case Placement::File: return "file";
  }
  return "?";
}
int line_of(const Config& cfg, const std::string& key) {
  auto it = cfg.key_lines.find(key);
  return it == cfg.key_lines.end() ? 0 : it->second;
}
// Where a key's value came from: the --set argument that gave it (the last
// one wins), else the deck.
std::string source_of(const Config& cfg, const std::string& key) {
  for (auto it = cfg.overrides.rbegin(); it != cfg.overrides.rend(); ++it)
    if (it->rfind(key + "=", 0) == 0 || it->rfind(key + " =", 0) == 0) return "--set " + *it;
  return cfg.deck_path;
}
}  // namespace

double halo_width(const Config& cfg) {
  const bool md = cfg.interaction.kind != InteractionKind::None || cfg.propagator.kind == PropagatorKind::Verlet ||
                  cfg.propagator.kind == PropagatorKind::Langevin;
  return md ? max_cutoff(cfg) + cfg.interaction.skin : 0.0;
}

namespace {

const char* kAxes = "xyz";

// Ghost volume around one brick of a grid, as HaloExchange builds it (half
// shell): the regions next to the brick in directions (dx, dy, dz) whose
// steps along cut axes are lexicographically positive, any step along an
// uncut periodic axis (images), and images of the brick itself; nothing
// beyond a wall.
double ghost_volume(const Config& cfg, const GridDims& g, double w) {
  double volume = 0.0;
  for (int dx = -1; dx <= 1; ++dx)
    for (int dy = -1; dy <= 1; ++dy)
      for (int dz = -1; dz <= 1; ++dz) {
        const int step[3] = {dx, dy, dz};
        int first_cut = 0;  // first nonzero step along a cut axis
        bool allowed = !(dx == 0 && dy == 0 && dz == 0);
        double v = 1.0;
        for (int d = 0; d < 3 && allowed; ++d) {
          if (step[d] == 0) {
            v *= cfg.system.box[d] / g[d];
            continue;
          }
          if (g[d] > 1) {
            if (first_cut == 0) first_cut = step[d];
          } else if (cfg.system.boundary[d] != Boundary::Periodic) {
            allowed = false;
          }
          v *= w;
        }
        if (allowed && first_cut >= 0) volume += v;
      }
  return volume;
}

std::string grid_text(const GridDims& g) { return fmt::format("[{}, {}, {}]", g[0], g[1], g[2]); }

// Every rank count along an axis is at most this for bricks a halo wide.
long most_along(const Config& cfg, int d, double w) {
  return w > 0 ? std::max(1L, static_cast<long>(cfg.system.box[d] / w)) : std::numeric_limits<int>::max();
}

}  // namespace

long max_grid_ranks(const Config& cfg) {
  const double w = halo_width(cfg);
  if (!(w > 0)) return -1;
  long most = 1;
  for (int d = 0; d < 3; ++d) most *= most_along(cfg, d, w);
  return most;
}

GridDims choose_grid(const Config& cfg, int ranks) {
  const int axis = cfg.decomposition.axis;
  const std::string grid_key = "decomposition.grid";
  const double w = halo_width(cfg);
  if (ranks < 1)
    throw InputError(cfg.deck_path, 0, fmt::format("cannot decompose over {} ranks", ranks), "at least 1 rank");
  if (cfg.decomposition.grid == GridChoice::Slab) {
    GridDims g{1, 1, 1};
    g[axis] = ranks;
    return g;
  }
  if (cfg.decomposition.grid == GridChoice::Explicit) {
    const GridDims g = cfg.decomposition.grid_dims;
    const long product = static_cast<long>(g[0]) * g[1] * g[2];
    if (product != ranks)
      throw InputError(source_of(cfg, grid_key), line_of(cfg, grid_key),
                       fmt::format("decomposition.grid {} has {} bricks for {} rank{}", grid_text(g), product, ranks,
                                   ranks == 1 ? "" : "s"),
                       fmt::format("a grid [px, py, pz] with px * py * pz = {} (the number of ranks), or \"auto\"",
                                   ranks));
    return g;
  }
  // "auto": every factorization px * py * pz = ranks whose bricks are wide enough.
  GridDims best{0, 0, 0};
  double best_volume = 0.0;
  int best_cuts = 4;
  bool best_on_axis = false;
  // More ranks along x first, then y: the first of equals wins.
  for (int px = ranks; px >= 1; --px) {
    if (ranks % px) continue;
    for (int py = ranks / px; py >= 1; --py) {
      if ((ranks / px) % py) continue;
      const GridDims g{px, py, ranks / px / py};
      bool fits = true;
      for (int d = 0; d < 3; ++d)
        if (g[d] > 1 && cfg.system.box[d] / g[d] < w) fits = false;
      if (!fits) continue;
      const double v = ghost_volume(cfg, g, w);
      const int cuts = (g[0] > 1) + (g[1] > 1) + (g[2] > 1);
      const bool on_axis = g[axis] == ranks;
      // Relative tolerance: equal volumes computed in another order tie.
      const bool smaller = best[0] == 0 || v < best_volume * (1.0 - 1e-12);
      const bool tie = best[0] != 0 && !smaller && v <= best_volume * (1.0 + 1e-12);
      if (smaller || (tie && (cuts < best_cuts || (cuts == best_cuts && on_axis && !best_on_axis)))) {
        best = g;
        best_volume = v;
        best_cuts = cuts;
        best_on_axis = on_axis;
      }
    }
  }
  if (best[0] == 0) {
    const long most = max_grid_ranks(cfg);
    throw InputError(source_of(cfg, grid_key), line_of(cfg, grid_key),
                     fmt::format("no grid of {} ranks has bricks at least cutoff + skin = {:.6g} wide in this box "
                                 "({:.6g} x {:.6g} x {:.6g})",
                                 ranks, w, cfg.system.box[0], cfg.system.box[1], cfg.system.box[2]),
                     fmt::format("a rank count px * py * pz with px <= {}, py <= {}, pz <= {}: at most {} ranks for "
                                 "this box",
                                 most_along(cfg, 0, w), most_along(cfg, 1, w), most_along(cfg, 2, w), most));
  }
  return best;
}

GridLayout initial_grid(const Config& cfg, int ranks) {
  return GridLayout::uniform(cfg.system, choose_grid(cfg, ranks), cfg.decomposition.axis);
}

void check_decomposition(const Config& cfg, int ranks) {
  const GridDims g = choose_grid(cfg, ranks);
  const bool slab = cfg.decomposition.grid == GridChoice::Slab;
  const std::string key = slab ? "decomposition.axis" : "decomposition.grid";
  const double width = halo_width(cfg);
  if (width > 0) {
    // Ghosts come from the adjacent bricks only, and each periodic image is
    // made once: every brick must be at least a halo thick along each cut
    // axis and every periodic box length at least two.
    // The box comes from system.box, or from system.density (a cubic box).
    const int box_line =
        cfg.key_lines.count("system.box") ? line_of(cfg, "system.box") : line_of(cfg, "system.density");
    for (int d = 0; d < 3; ++d) {
      const double L = cfg.system.box[d];
      if (cfg.system.boundary[d] == Boundary::Periodic && L < 2.0 * width)
        throw InputError(cfg.deck_path, box_line,
                         fmt::format("box length {:.6g} along {} is shorter than twice cutoff + skin ({:.6g})", L,
                                     kAxes[d], 2.0 * width),
                         fmt::format("a periodic box length of at least {:.6g}", 2.0 * width));
    }
    for (int d = 0; d < 3; ++d) {
      const double brick = cfg.system.box[d] / g[d];
      if (g[d] > 1 && brick < width) {
        const long most = most_along(cfg, d, width);
        if (slab)
          throw InputError(source_of(cfg, key), line_of(cfg, key),
                           fmt::format("{} slabs along {} would be {:.6g} thick, thinner than cutoff + skin = {:.6g}",
                                       ranks, kAxes[d], brick, width),
                           fmt::format("at most {} rank{} for this box", most, most == 1 ? "" : "s"));
        throw InputError(source_of(cfg, key), line_of(cfg, key),
                         fmt::format("decomposition.grid {} makes bricks {:.6g} wide along {}, thinner than cutoff + "
                                     "skin = {:.6g}",
                                     grid_text(g), brick, kAxes[d], width),
                         fmt::format("at most {} ranks along {} for this box", most, kAxes[d]));
      }
    }
  }
  // Planes must be distinct numbers; with absurd rank counts on a tiny box
  // they would collapse in floating point.
  const GridLayout layout = GridLayout::uniform(cfg.system, g, cfg.decomposition.axis);
  for (int d = 0; d < 3; ++d)
    for (int c = 0; c < g[d]; ++c)
      if (!(layout.planes(d)[c + 1] > layout.planes(d)[c]))
        throw InputError(source_of(cfg, key), line_of(cfg, key),
                         fmt::format("box length {} along {} cannot be cut into {} bricks", cfg.system.box[d],
                                     kAxes[d], g[d]),
                         "fewer ranks or a longer box");
}

// Estimated bytes per owned particle: the particle views, and for
// interacting runs the force, the rebuild positions, the neighbour list (a
// half list over the neighbour sphere at the mean density) and the ghost rows
// (position and species) of a brick.
double bytes_per_particle(const Config& cfg, int ranks) {
  double b = kBytesPerParticle;
  const double w = halo_width(cfg);
  if (w > 0) {
    const auto& box = cfg.system.box;
    const double density = static_cast<double>(cfg.particles.count) / (box[0] * box[1] * box[2]);
    const double pairs = 0.5 * 4.18879 * w * w * w * density;
    const GridDims g = choose_grid(cfg, ranks);
    const double ghost_fraction = 1.0 + ghost_volume(cfg, g, w) / (box[0] / g[0] * box[1] / g[1] * box[2] / g[2]);
    b += 24 + 12 + 4.0 * pairs * 1.125 + (ghost_fraction - 1.0) * (24 + 4 + 8);
  }
  return b * (1.0 + 1.0 / 64);
}

std::string describe_plan(const Config& cfg, int ranks) {
  const auto& s = cfg.system;
  const double per = bytes_per_particle(cfg, ranks);
  const GridDims g = choose_grid(cfg, ranks);
  const GridLayout layout = GridLayout::uniform(s, g, cfg.decomposition.axis);
  const double N = static_cast<double>(cfg.particles.count);
  const double volume = s.box[0] * s.box[1] * s.box[2];
  std::string out;
  out += fmt::format("deck         {}\n", cfg.deck_path);
  out += fmt::format("box          {} x {} x {} (volume {:.6g}), boundaries {} / {} / {}\n", s.box[0], s.box[1], s.box[2],
                     volume, boundary_name(s.boundary[0]), boundary_name(s.boundary[1]), boundary_name(s.boundary[2]));
  out += fmt::format("particles    {} ({} placement), number density {:.6g}\n", cfg.particles.count,
                     placement_name(cfg.particles.placement), N / volume);
  out += fmt::format("propagator   {}, timestep {}, steps {}, seed {}\n",
                     std::array<const char*, 4>{"ballistic", "brownian", "verlet", "langevin"}[static_cast<int>(
                         cfg.propagator.kind)],
                     cfg.run.timestep,
                     cfg.run.steps, cfg.run.seed);
  const double w = halo_width(cfg);
  const double brick_volume = volume / ranks;
  out += fmt::format("grid         {} x {} x {} ranks ({}), bricks {:.6g} x {:.6g} x {:.6g}\n", g[0], g[1], g[2],
                     cfg.decomposition.grid == GridChoice::Auto       ? "auto"
                     : cfg.decomposition.grid == GridChoice::Slab     ? "slab"
                                                                      : "decomposition.grid",
                     s.box[0] / g[0], s.box[1] / g[1], s.box[2] / g[2]);
  if (w > 0)
    out += fmt::format("halo         cutoff + skin {:.6g}, ghost fraction ~{:.3f} (ghosts per owned particle), at most "
                       "{} ranks in 3-D for this box ({} as slabs along {})\n",
                       w, ghost_volume(cfg, g, w) / brick_volume, max_grid_ranks(cfg),
                       most_along(cfg, cfg.decomposition.axis, w), kAxes[cfg.decomposition.axis]);
  double max_particles = 0;
  for (int r = 0; r < ranks; ++r) {
    // Uniform density estimate; lattices and files differ by at most a layer.
    double share = N;
    for (int d = 0; d < 3; ++d) share *= (layout.hi(r, d) - layout.lo(r, d)) / s.box[d];
    max_particles = std::max(max_particles, share);
    if (ranks <= 64 || r < 8 || r == ranks - 1)
      out += fmt::format("  rank {:<4} [{:.6g}, {:.6g}) x [{:.6g}, {:.6g}) x [{:.6g}, {:.6g})  ~{:.0f} particles  ~{:.1f} MB\n",
                         r, layout.lo(r, 0), layout.hi(r, 0), layout.lo(r, 1), layout.hi(r, 1), layout.lo(r, 2),
                         layout.hi(r, 2), share, share * per / 1e6);
    else if (r == 8)
      out += fmt::format("  ... ({} more ranks)\n", ranks - 9);
  }
  out += fmt::format("memory       ~{:.0f} B/particle: ~{:.1f} MB in all, ~{:.1f} MB on the fullest rank\n",
                     per, N * per / 1e6, max_particles * per / 1e6);
  out += fmt::format("output       {} (thermo every {} steps)\n", cfg.output.dir, cfg.output.thermo_every);
  return out;
}

}  // namespace strata
