#pragma once
// Counter-based random numbers: Philox4x32-10 (Salmon et al., SC'11).
//
// Every draw is a pure function of (seed, particle id, step, stream), so a
// particle's noise does not depend on which rank owns it, on the order of the
// particles in memory, or on the number of threads: trajectories are
// bitwise identical on any number of ranks. There is no generator state to
// save in a checkpoint beyond the seed.
#include <Kokkos_Core.hpp>
#include <cstdint>

#include "kernels/Math.hpp"

namespace strata {

// One id per use of randomness; never reuse a stream for two purposes.
enum class RngStream : std::uint32_t {
  InitialPosition = 1,
  InitialVelocity = 2,
  Brownian = 3,
  Langevin = 4,
};

struct Philox4x32 {
  std::uint32_t v[4];
};

KOKKOS_INLINE_FUNCTION void philox_mulhilo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi,
                                           std::uint32_t& lo) {
  const std::uint64_t p = static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b);
  hi = static_cast<std::uint32_t>(p >> 32);
  lo = static_cast<std::uint32_t>(p);
}

// Philox4x32 with 10 rounds: four 32-bit outputs for a 128-bit counter and a 64-bit key.
KOKKOS_INLINE_FUNCTION Philox4x32 philox4x32_10(Philox4x32 c, std::uint32_t k0, std::uint32_t k1) {
  constexpr std::uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
  constexpr std::uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    std::uint32_t hi0, lo0, hi1, lo1;
    philox_mulhilo(M0, c.v[0], hi0, lo0);
    philox_mulhilo(M1, c.v[2], hi1, lo1);
    c = Philox4x32{{hi1 ^ c.v[1] ^ k0, lo1, hi0 ^ c.v[3] ^ k1, lo0}};
    k0 += W0;
    k1 += W1;
  }
  return c;
}

// Four random 32-bit words for one (seed, id, step, stream). Steps up to 2^48
// and 65536 streams fit the counter without collisions.
KOKKOS_INLINE_FUNCTION Philox4x32 random_words(std::uint64_t seed, std::uint64_t id, std::uint64_t step,
                                               RngStream stream) {
  Philox4x32 c{{static_cast<std::uint32_t>(id), static_cast<std::uint32_t>(id >> 32),
                static_cast<std::uint32_t>(step),
                static_cast<std::uint32_t>((step >> 32) & 0xFFFFu) |
                    (static_cast<std::uint32_t>(stream) << 16)}};
  return philox4x32_10(c, static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32));
}

// Uniform in (0, 1): never 0 (safe for log) and never 1.
KOKKOS_INLINE_FUNCTION double uniform_open(std::uint32_t w) {
  return (static_cast<double>(w) + 0.5) * (1.0 / 4294967296.0);
}

// Three independent standard normals (Box-Muller on the four words; the
// fourth normal is not needed and is not computed).
KOKKOS_INLINE_FUNCTION void normal3(const Philox4x32& r, double& n0, double& n1, double& n2) {
  constexpr double two_pi = 6.283185307179586476925286766559;
  const double r0 = math::sqrt(-2.0 * math::log(uniform_open(r.v[0])));
  const double a0 = two_pi * uniform_open(r.v[1]);
  const double r1 = math::sqrt(-2.0 * math::log(uniform_open(r.v[2])));
  const double a1 = two_pi * uniform_open(r.v[3]);
  n0 = r0 * math::cos(a0);
  n1 = r0 * math::sin(a0);
  n2 = r1 * math::cos(a1);
}

// Three independent variates uniform on (-sqrt(3), sqrt(3)): zero mean, unit
// variance, and exactly symmetric (word w and 2^32-1-w give opposite values).
KOKKOS_INLINE_FUNCTION void uniform3_unit_variance(const Philox4x32& r, double& n0, double& n1, double& n2) {
  constexpr double sqrt3 = 1.7320508075688772935274463415059;
  n0 = sqrt3 * (2.0 * uniform_open(r.v[0]) - 1.0);
  n1 = sqrt3 * (2.0 * uniform_open(r.v[1]) - 1.0);
  n2 = sqrt3 * (2.0 * uniform_open(r.v[2]) - 1.0);
}

}  // namespace strata
