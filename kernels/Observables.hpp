#pragma once
// Per-rank sums behind the thermo columns. Local only: the driver adds them
// up over ranks.
#include <array>

#include "kernels/Particles.hpp"
#include "kernels/Species.hpp"

namespace strata {

struct LocalObservables {
  double kinetic = 0.0;      // sum of m v^2 / 2
  double square_disp = 0.0;  // sum of |unwrapped position - origin|^2
};

inline LocalObservables local_observables(const Particles& p, const MassTable& masses, const double box[3]) {
  const auto position = p.position;
  const auto velocity = p.velocity;
  const auto origin = p.origin;
  const auto image = p.image;
  const auto species = p.species;
  const double L0 = box[0], L1 = box[1], L2 = box[2];
  LocalObservables o;
  double mv2 = 0.0;
  Kokkos::parallel_reduce(
      "Observables::kinetic", Kokkos::RangePolicy<ExecSpace>(0, p.size),
      KOKKOS_LAMBDA(const std::size_t i, double& acc) {
        acc += masses.mass[species(i)] * (velocity(i, 0) * velocity(i, 0) + velocity(i, 1) * velocity(i, 1) +
                                          velocity(i, 2) * velocity(i, 2));
      },
      mv2);
  o.kinetic = 0.5 * mv2;
  Kokkos::parallel_reduce(
      "Observables::square_displacement", Kokkos::RangePolicy<ExecSpace>(0, p.size),
      KOKKOS_LAMBDA(const std::size_t i, double& acc) {
        const double dx = position(i, 0) + image(i, 0) * L0 - static_cast<double>(origin(i, 0));
        const double dy = position(i, 1) + image(i, 1) * L1 - static_cast<double>(origin(i, 1));
        const double dz = position(i, 2) + image(i, 2) * L2 - static_cast<double>(origin(i, 2));
        acc += dx * dx + dy * dy + dz * dz;
      },
      o.square_disp);
  return o;
}

// Owned particles of each species (as doubles: they multiply in the tail
// corrections). One reduction per species; called once per run.
inline std::array<double, kMaxSpecies> local_species_counts(const Particles& p) {
  const auto species = p.species;
  std::array<double, kMaxSpecies> counts{};
  for (int s = 0; s < kMaxSpecies; ++s) {
    double n = 0.0;
    Kokkos::parallel_reduce(
        "Observables::species_count", Kokkos::RangePolicy<ExecSpace>(0, p.size),
        KOKKOS_LAMBDA(const std::size_t i, double& acc) { acc += species(i) == s ? 1.0 : 0.0; }, n);
    counts[s] = n;
  }
  return counts;
}

}  // namespace strata
