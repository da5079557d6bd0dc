#include "src/InitialConditions.hpp"

#include <cmath>

#include "decomposition/Redistribute.hpp"
#include "io/Checkpoint.hpp"
#include "io/H5mdReader.hpp"
#include "kernels/InitialState.hpp"
#include "core/InputError.hpp"
#include "src/Dynamics.hpp"

namespace strata {

MassTable mass_table(const SpeciesConfig& species) {
  MassTable t{};
  for (int k = 0; k < kMaxSpecies; ++k) {
    const double m = k < static_cast<int>(species.mass.size()) ? species.mass[k] : 1.0;
    t.mass[k] = m;
    t.inv_mass[k] = 1.0 / m;
  }
  return t;
}

Composition composition_of(const SpeciesConfig& species) {
  Composition c;
  c.count = static_cast<int>(species.fraction.size());
  double sum = 0.0;
  for (int k = 0; k < c.count; ++k) c.cumulative[k] = (sum += species.fraction[k]);
  c.cumulative[c.count - 1] = 1.0;  // exactly, whatever the rounding of the sum
  return c;
}

namespace {

bool needs_force(const Config& cfg) {
  return has_forces(cfg) || cfg.propagator.kind == PropagatorKind::Verlet ||
         cfg.propagator.kind == PropagatorKind::Langevin;
}

void place_generated(const Config& cfg, const GridLayout& layout, int rank, Particles& p) {
  const Lattice lattice = cfg.particles.placement == Placement::Fcc           ? Lattice::Fcc
                          : cfg.particles.placement == Placement::SimpleCubic ? Lattice::SimpleCubic
                                                                              : Lattice::Uniform;
  // The brick with open ends at the box walls (generated sites lie in [0, L)).
  const BoxGeometry brick = layout.geometry(rank);
  GeneratedPlacement g{lattice, cfg.particles.count, cfg.system.box, cfg.run.seed,
                       {brick.lo[0], brick.lo[1], brick.lo[2]}, {brick.hi[0], brick.hi[1], brick.hi[2]},
                       composition_of(cfg.species)};
  const std::size_t n = count_generated(g);
  p.allocate(startup_capacity(n), needs_force(cfg));  // headroom: a slab's count fluctuates by ~sqrt(n) per step
  fill_generated(g, p);
  p.size = n;
}

void place_from_file(const Config& cfg, const GridLayout& layout, int rank, Particles& p, bool& has_velocity) {
  const BoxGeometry brick = layout.geometry(rank);
  const H5mdSlabRead r =
      read_h5md_brick(cfg.particles.file, {brick.lo[0], brick.lo[1], brick.lo[2]},
                      {brick.hi[0], brick.hi[1], brick.hi[2]}, {brick.periodic[0], brick.periodic[1], brick.periodic[2]});
  const std::size_t n = r.id.size();
  p.allocate(n + n / 64 + 1024, needs_force(cfg));
  p.size = n;
  has_velocity = !r.velocity.empty();
  auto h_position = Kokkos::create_mirror_view(p.position);
  auto h_velocity = Kokkos::create_mirror_view(p.velocity);
  auto h_origin = Kokkos::create_mirror_view(p.origin);
  auto h_image = Kokkos::create_mirror_view(p.image);
  auto h_id = Kokkos::create_mirror_view(p.id);
  auto h_species = Kokkos::create_mirror_view(p.species);
  for (std::size_t i = 0; i < n; ++i) {
    for (int d = 0; d < 3; ++d) {
      double x = r.position[3 * i + d];
      int img = r.image.empty() ? 0 : r.image[3 * i + d];
      const double L = cfg.system.box[d];
      // Fold any unwrapped coordinate back into the box, keeping the image.
      if (cfg.system.boundary[d] == Boundary::Periodic) {
        const double k = std::floor(x / L);
        x -= k * L;
        img += static_cast<int>(k);
        if (x >= L) { x -= L; ++img; }
      }
      h_position(i, d) = x;
      h_velocity(i, d) = has_velocity ? r.velocity[3 * i + d] : 0.0;
      h_image(i, d) = img;
      h_origin(i, d) = static_cast<float>(x + img * L);
    }
    h_id(i) = r.id[i];
    h_species(i) = r.species.empty() ? 0 : r.species[i];
    if (h_species(i) < 0 || h_species(i) >= static_cast<int>(cfg.species.names.size()))
      throw InputError(cfg.particles.file, 0,
                       "particle " + std::to_string(r.id[i]) + " has species " + std::to_string(h_species(i)),
                       "species indices below " + std::to_string(cfg.species.names.size()) + " (species.names)");
  }
  Kokkos::deep_copy(p.position, h_position);
  Kokkos::deep_copy(p.velocity, h_velocity);
  Kokkos::deep_copy(p.origin, h_origin);
  Kokkos::deep_copy(p.image, h_image);
  Kokkos::deep_copy(p.id, h_id);
  Kokkos::deep_copy(p.species, h_species);
}

// Thermal velocities with zero net momentum, scaled to exactly T (over 3N-3
// degrees of freedom), plus the deck's drift. All sums are fixed point, so
// the result is the same bitwise on any number of ranks.
void initialize_velocities(MPI_Comm comm, const Config& cfg, Particles& p) {
  const double T = cfg.particles.temperature;
  const std::int64_t N = cfg.particles.count;
  const MassTable masses = mass_table(cfg.species);
  std::array<double, 3> mean{0.0, 0.0, 0.0};
  double scale = 0.0;
  if (T > 0.0) {
    draw_thermal_velocities(p, cfg.run.seed, T, masses);
    std::array<std::int64_t, 4> local = momentum_fixed(p, masses), global{};
    MPI_Allreduce(local.data(), global.data(), 4, MPI_INT64_T, MPI_SUM, comm);
    // Centre-of-mass velocity: total momentum over total mass.
    for (int d = 0; d < 3; ++d) mean[d] = static_cast<double>(global[d]) / static_cast<double>(global[3]);
    std::int64_t local_sq = velocity_square_fixed(p, mean, masses), global_sq = 0;
    MPI_Allreduce(&local_sq, &global_sq, 1, MPI_INT64_T, MPI_SUM, comm);
    const double sum_mv2 = static_cast<double>(global_sq) / kVelocityFixedPoint;
    const double dof = N > 1 ? 3.0 * static_cast<double>(N) - 3.0 : 3.0;
    scale = sum_mv2 > 0.0 ? std::sqrt(T * dof / sum_mv2) : 0.0;
  }
  shift_scale_velocities(p, mean, scale, cfg.particles.drift);
}

}  // namespace

void draw_initial_velocities(MPI_Comm comm, const Config& cfg, Particles& p) { initialize_velocities(comm, cfg, p); }

Particles build_initial_particles(MPI_Comm comm, const Config& cfg, const GridLayout& layout) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  Particles p;
  if (cfg.particles.placement == Placement::File) {
    bool has_velocity = false;
    place_from_file(cfg, layout, rank, p, has_velocity);
    // A rank with no particles sees no velocities even when the file has them.
    int local = has_velocity ? 1 : 0, all = 0;
    MPI_Allreduce(&local, &all, 1, MPI_INT, MPI_MAX, comm);
    // Velocities from the file win; without them, draw from the temperature.
    if (!all) initialize_velocities(comm, cfg, p);
  } else {
    place_generated(cfg, layout, rank, p);
    initialize_velocities(comm, cfg, p);
  }
  Kokkos::fence();
  return p;
}

Particles restore_particles(MPI_Comm comm, const std::string& checkpoint, const GridLayout& layout) {
  Particles p = read_checkpoint_rows(comm, checkpoint);
  redistribute(comm, p, layout);
  return p;
}

}  // namespace strata
