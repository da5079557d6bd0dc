#include "src/Plan.hpp"

#include <array>
#include <fmt/format.h>

#include "decomposition/SlabLayout.hpp"
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
}  // namespace

double halo_width(const Config& cfg) {
  const bool md = cfg.interaction.kind != InteractionKind::None || cfg.propagator.kind == PropagatorKind::Verlet ||
                  cfg.propagator.kind == PropagatorKind::Langevin;
  return md ? max_cutoff(cfg) + cfg.interaction.skin : 0.0;
}

void check_decomposition(const Config& cfg, int ranks) {
  const int axis = cfg.decomposition.axis;
  const std::string axis_key = "decomposition.axis";
  if (ranks < 1)
    throw InputError(cfg.deck_path, 0, fmt::format("cannot decompose over {} ranks", ranks), "at least 1 rank");
  // Slab bounds must be distinct numbers; with absurd rank counts on a tiny
  // box they would collapse in floating point.
  const SlabLayout layout = SlabLayout::uniform(cfg.system, axis, ranks);
  const double width = halo_width(cfg);
  if (width > 0) {
    // Ghosts come from the adjacent slabs only, and each periodic image is
    // made once: every slab must be at least a halo thick and every
    // periodic box length at least two.
    const char* axes = "xyz";
    // The box comes from system.box, or from system.density (a cubic box).
    const int box_line =
        cfg.key_lines.count("system.box") ? line_of(cfg, "system.box") : line_of(cfg, "system.density");
    for (int d = 0; d < 3; ++d) {
      const double L = cfg.system.box[d];
      if (cfg.system.boundary[d] == Boundary::Periodic && L < 2.0 * width)
        throw InputError(cfg.deck_path, box_line,
                         fmt::format("box length {:.6g} along {} is shorter than twice cutoff + skin ({:.6g})", L,
                                     axes[d], 2.0 * width),
                         fmt::format("a periodic box length of at least {:.6g}", 2.0 * width));
    }
    const double slab = cfg.system.box[axis] / ranks;
    if (slab < width) {
      const long most = static_cast<long>(cfg.system.box[axis] / width);
      throw InputError(cfg.deck_path, line_of(cfg, axis_key),
                       fmt::format("{} slabs along {} would be {:.6g} thick, thinner than cutoff + skin = {:.6g}",
                                   ranks, axes[axis], slab, width),
                       fmt::format("at most {} rank{} for this box", most, most == 1 ? "" : "s"));
    }
  }
  for (int r = 0; r < ranks; ++r)
    if (!(layout.hi(r) > layout.lo(r)))
      throw InputError(cfg.deck_path, line_of(cfg, axis_key),
                       fmt::format("box length {} along {} cannot be cut into {} slabs", cfg.system.box[axis],
                                   "xyz"[axis], ranks),
                       "fewer ranks or a longer box");
}

// Estimated bytes per owned particle: the particle views, and for
// interacting runs the force, the rebuild positions, the neighbour list (a
// half list over the neighbour sphere at the mean density) and the ghost rows
// (position and species) of a slab.
double bytes_per_particle(const Config& cfg, int ranks) {
  double b = kBytesPerParticle;
  const double w = halo_width(cfg);
  if (w > 0) {
    const auto& box = cfg.system.box;
    const double density = static_cast<double>(cfg.particles.count) / (box[0] * box[1] * box[2]);
    const double pairs = 0.5 * 4.18879 * w * w * w * density;
    const double slab = box[cfg.decomposition.axis] / ranks;
    double ghost_fraction = (slab + 2 * w) / slab;
    for (int d = 0; d < 3; ++d)
      if (d != cfg.decomposition.axis && cfg.system.boundary[d] == Boundary::Periodic)
        ghost_fraction *= (box[d] + 2 * w) / box[d];
    b += 24 + 12 + 4.0 * pairs * 1.125 + (ghost_fraction - 1.0) * (24 + 4 + 8);
  }
  return b * (1.0 + 1.0 / 64);
}

std::string describe_plan(const Config& cfg, int ranks) {
  const auto& s = cfg.system;
  const double per = bytes_per_particle(cfg, ranks);
  const int axis = cfg.decomposition.axis;
  const SlabLayout layout = SlabLayout::uniform(s, axis, ranks);
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
  out += fmt::format("decomposition {} slab{} along {}", ranks, ranks == 1 ? "" : "s", "xyz"[axis]);
  if (halo_width(cfg) > 0)
    out += fmt::format(", halo (cutoff + skin) {:.6g}, at most {} ranks for this box", halo_width(cfg),
                       static_cast<long>(s.box[axis] / halo_width(cfg)));
  out += "\n";
  double max_particles = 0;
  for (int r = 0; r < ranks; ++r) {
    // Uniform density estimate; lattices and files differ by at most a layer.
    const double share = N * (layout.hi(r) - layout.lo(r)) / s.box[axis];
    max_particles = std::max(max_particles, share);
    out += fmt::format("  rank {:<4} [{:.6g}, {:.6g})  ~{:.0f} particles  ~{:.1f} MB\n", r, layout.lo(r), layout.hi(r),
                       share, share * per / 1e6);
  }
  out += fmt::format("memory       ~{:.0f} B/particle: ~{:.1f} MB in all, ~{:.1f} MB on the fullest rank\n",
                     per, N * per / 1e6, max_particles * per / 1e6);
  out += fmt::format("output       {} (thermo every {} steps)\n", cfg.output.dir, cfg.output.thermo_every);
  return out;
}

}  // namespace strata
