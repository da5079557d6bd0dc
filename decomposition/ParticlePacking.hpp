#pragma once
// How one particle's row travels between ranks: all its fields packed as
// kPackedDoubles doubles (position 3, velocity 3, origin 3, image 3, id,
// species). Migration (step loop) and redistribute (start-up) both use it,
// so the two wire formats cannot drift apart. Device functions: they read
// and write only the rows and buffer slots they are given.
#include <Kokkos_Core.hpp>
#include <cstddef>
#include <cstdint>

#include "kernels/Particles.hpp"

namespace strata {

constexpr int kPackedDoubles = 14;

// Doubles hold every field exactly: origin is a float, image and species
// are ints, and ids stay below 2^53.
KOKKOS_INLINE_FUNCTION void pack_particle(const Particles& p, std::size_t i, double* b) {
  for (int d = 0; d < 3; ++d) {
    b[d] = p.position(i, d);
    b[3 + d] = p.velocity(i, d);
    b[6 + d] = static_cast<double>(p.origin(i, d));
    b[9 + d] = static_cast<double>(p.image(i, d));
  }
  b[12] = static_cast<double>(p.id(i));
  b[13] = static_cast<double>(p.species(i));
}

KOKKOS_INLINE_FUNCTION void unpack_particle(const Particles& p, std::size_t i, const double* b) {
  for (int d = 0; d < 3; ++d) {
    p.position(i, d) = b[d];
    p.velocity(i, d) = b[3 + d];
    p.origin(i, d) = static_cast<float>(b[6 + d]);
    p.image(i, d) = static_cast<int>(b[9 + d]);
  }
  p.id(i) = static_cast<std::int64_t>(b[12]);
  p.species(i) = static_cast<int>(b[13]);
}

// Row `from` of `src` into row `to` of `dst` (which may be the same particles).
KOKKOS_INLINE_FUNCTION void copy_particle(const Particles& src, std::size_t from, const Particles& dst,
                                          std::size_t to) {
  for (int d = 0; d < 3; ++d) {
    dst.position(to, d) = src.position(from, d);
    dst.velocity(to, d) = src.velocity(from, d);
    dst.origin(to, d) = src.origin(from, d);
    dst.image(to, d) = src.image(from, d);
  }
  dst.id(to) = src.id(from);
  dst.species(to) = src.species(from);
}

}  // namespace strata
