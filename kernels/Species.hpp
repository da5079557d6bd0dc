#pragma once
// Per-species constants passed into kernels by value (a few hundred bytes,
// no View indirection, the same on host and device).
#include <Kokkos_Core.hpp>
#include <cstdint>

#include "core/Species.hpp"

namespace strata {

struct MassTable {
  double mass[kMaxSpecies];
  double inv_mass[kMaxSpecies];
};

// Composition of generated placements: species k takes the ids where the
// running count floor(n * cumulative[k]) steps up first. Among the first n
// ids, exactly floor(n * cumulative[k]) have species <= k, and the species are
// spread evenly through the id range (not in blocks), whatever the rank split.
struct Composition {
  int count = 1;
  double cumulative[kMaxSpecies];

  KOKKOS_INLINE_FUNCTION Composition() {
    for (int k = 0; k < kMaxSpecies; ++k) cumulative[k] = 1.0;
  }

  KOKKOS_INLINE_FUNCTION int species_of(std::int64_t id) const {
    for (int k = 0; k < count - 1; ++k) {
      const double a = static_cast<double>(id) * cumulative[k];
      const double b = static_cast<double>(id + 1) * cumulative[k];
      if (static_cast<std::int64_t>(b) > static_cast<std::int64_t>(a)) return k;
    }
    return count - 1;
  }
};

}  // namespace strata
